"""Rendering for Discord: embeds within Discord's limits, views, modals. Imports discord;
services never import this package."""
