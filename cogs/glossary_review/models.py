"""The table of glossary suggestions: what a member proposed for one field of one term in one
language, and what a facilitator decided. Approved rows are the reviewed text the bot shows in
place of the shipped YAML (cogs/glossary_review/overrides.py) until `glossary export` writes them
back into content/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


class GlossarySuggestion(Base):
    __tablename__ = "glossary_suggestions"
    __table_args__ = (
        Index("ix_glossary_suggestions_status", "status", "id"),  # the review queue, oldest first
        Index("ix_glossary_suggestions_author_id", "author_id"),  # /privacy
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    term_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))  # "en" or one of the 13 translation languages
    field: Mapped[str] = mapped_column(String(16))  # name | gloss | short | explanation (the YAML keys)
    text: Mapped[str] = mapped_column(Text)  # as the member proposed it
    note: Mapped[str | None] = mapped_column(Text)  # their note or source, for the reviewers
    author_id: Mapped[int] = mapped_column(Snowflake)  # 0 once the author asked /privacy forget
    status: Mapped[str] = mapped_column(String(16), default=PENDING)  # pending | approved | rejected
    reviewer_id: Mapped[int | None] = mapped_column(Snowflake)  # credited for the decision
    # What was approved: the proposal, or the reviewer's edit of it.
    approved_text: Mapped[str | None] = mapped_column(Text)
    # The shipped (YAML) text of the field when it was approved; when the shipped file changes later,
    # the file wins (someone edited it since, knowing more).
    shipped_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column()
