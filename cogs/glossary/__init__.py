"""Glossary: /define, SSE terms in every language the community reads."""
