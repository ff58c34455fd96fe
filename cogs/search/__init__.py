"""Search: /search over Q&A and opted-in channels in every script; the archive that feeds it."""
