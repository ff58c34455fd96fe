"""Tables of peer Q&A."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow


class Question(Base):
    """A post in the Q&A forum (asked with /ask or created directly in the forum)."""

    __tablename__ = "qa_questions"
    # the newest solved first (the web site's Q&A lists): read off the index, stopping at a page
    __table_args__ = (Index("ix_qa_questions_solved_order", "solved_at", "thread_id"),)

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
    # the lifecycle (cogs/qa/lifecycle.py): closed with /close or after qa.close_after_days of silence
    closed_at: Mapped[datetime | None] = mapped_column()
    close_reason: Mapped[str | None] = mapped_column(String(16))  # resolved | unresolved | inactive
    # the one reminder to the asker to mark an answer (claimed before it is enqueued: never twice)
    nudged_at: Mapped[datetime | None] = mapped_column()
    # when the post was last reopened: the silence before it closes again counts from then
    reopened_at: Mapped[datetime | None] = mapped_column()


# what happened to a post: a member closed or reopened it, the bot nudged the asker or closed it
CLOSE, REOPEN, NUDGE, AUTO_CLOSE = "close", "reopen", "nudge", "auto_close"


class PostEvent(Base):
    """One step of a Q&A post's lifecycle, with who took it (None: the bot on its own) and when."""

    __tablename__ = "qa_post_events"
    __table_args__ = (Index("ix_qa_post_events_thread_at", "thread_id", "at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(Snowflake)  # qa_questions.thread_id
    action: Mapped[str] = mapped_column(String(16))  # close | reopen | nudge | auto_close
    by_user_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    reason: Mapped[str | None] = mapped_column(String(16))  # for a close: resolved | unresolved | inactive
    at: Mapped[datetime] = mapped_column(default=utcnow)
