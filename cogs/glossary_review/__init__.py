"""Glossary suggestions and their review (/glossary suggest, /glossary review, glossary export)."""
