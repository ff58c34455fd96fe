"""Availability polls: members vote on candidate slots, the winning one becomes a session."""
