"""Member profiles, the members directory and routing questions to peers who know (issue 13)."""
