"""Tables of availability polls: the poll, its 2–5 candidate slots, and members' votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow


class SessionPoll(Base):
    __tablename__ = "session_polls"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))  # the facilitator's zone, in which the slots were typed
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    session_id: Mapped[int | None] = mapped_column(Integer)  # the session the winning slot became
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class PollSlot(Base):
    __tablename__ = "session_poll_slots"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_session_poll_slots_position"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("session_polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1..5, as shown
    start_utc: Mapped[datetime] = mapped_column()


class PollVote(Base):
    """One row per member and slot: a second press takes the vote back, never counts twice."""

    __tablename__ = "session_poll_votes"
    __table_args__ = (UniqueConstraint("slot_id", "user_id", name="uq_session_poll_votes_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("session_polls.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("session_poll_slots.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
