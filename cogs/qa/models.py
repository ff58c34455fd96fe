"""Tables of peer Q&A."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, Snowflake


class Question(Base):
    """A post in the Q&A forum (asked with /ask or created directly in the forum)."""

    __tablename__ = "qa_questions"

    thread_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    forum_id: Mapped[int] = mapped_column(Snowflake)
    guild_id: Mapped[int] = mapped_column(Snowflake, default=0)
    author_id: Mapped[int] = mapped_column(Snowflake, index=True)
    title: Mapped[str] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column()
    answer_id: Mapped[int | None] = mapped_column(Snowflake)
    solved_at: Mapped[datetime | None] = mapped_column()
    first_reply_at: Mapped[datetime | None] = mapped_column()
    # when the question was sent to peers who know its topic (cogs/profiles/routing.py), before the helpers
    routed_peers_at: Mapped[datetime | None] = mapped_column()
    routed_helpers_at: Mapped[datetime | None] = mapped_column()
    routed_facilitators_at: Mapped[datetime | None] = mapped_column()
