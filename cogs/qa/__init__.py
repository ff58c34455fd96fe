"""Peer Q&A: /ask, answers in the forum, accepting an answer, routing unanswered posts."""
