"""Typed SQLAlchemy models. Times are stored timezone-aware, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Discord snowflakes need 64 bits; SQLite's INTEGER already is, and an autoincrementing
# primary key there must be exactly INTEGER to alias the rowid.
Snowflake = BigInteger
AutoId = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class BotState(Base):
    """Small key/value facts the bot keeps between runs (e.g. hash of the synced commands)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserPreference(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    dm_reminders: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SavedQuery(Base):
    """A query behind a paginated reply, so page buttons keep working after a restart."""

    __tablename__ = "saved_queries"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    owner_id: Mapped[int] = mapped_column(Snowflake)
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------- Q&A and the searchable archive
class ArchivedMessage(Base):
    """A message stored for search: a Q&A question or answer, or a message of an opted-in channel.

    The primary key is Discord's message id, so replays and re-imports update instead of
    duplicating; on SQLite it is the rowid, shared with the ``search_fts`` index."""

    __tablename__ = "archive_messages"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(Snowflake, default=0)
    channel_id: Mapped[int] = mapped_column(Snowflake, index=True)
    thread_id: Mapped[int | None] = mapped_column(Snowflake, index=True)  # the Q&A post, for questions/answers
    author_id: Mapped[int] = mapped_column(Snowflake, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # question | answer | message
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    edited_at: Mapped[datetime | None] = mapped_column()


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
    routed_helpers_at: Mapped[datetime | None] = mapped_column()
    routed_facilitators_at: Mapped[datetime | None] = mapped_column()


class ArchiveCheckpoint(Base):
    """Where a channel backfill stopped: the oldest message id stored so far."""

    __tablename__ = "archive_checkpoints"

    channel_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    before_id: Mapped[int | None] = mapped_column(Snowflake)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- sessions
class TrainingSeries(Base):
    """A recurring programme: occurrences are TrainingSession rows pointing here."""

    __tablename__ = "training_series"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    frequency: Mapped[str] = mapped_column(String(16))  # weekly | biweekly | monthly
    count: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    first_start_utc: Mapped[datetime] = mapped_column()
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingSession(Base):
    """A capacity-building session (webinar, workshop...); ``session`` always means the DB session."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_start", "status", "start_utc"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("training_series.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    start_utc: Mapped[datetime] = mapped_column()
    end_utc: Mapped[datetime] = mapped_column()
    # the slot the series pattern gave this occurrence (iCalendar RECURRENCE-ID)
    original_start_utc: Mapped[datetime] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    join_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE: bumped on every change
    time_revision: Mapped[int] = mapped_column(Integer, default=0)  # bumped when the start moves
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    event_id: Mapped[int | None] = mapped_column(Snowflake)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    slides_url: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SessionRsvp(Base):
    __tablename__ = "session_rsvps"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_rsvps_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    status: Mapped[str] = mapped_column(String(16))  # going | interested | declined
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SessionReminder(Base):
    """Outbox: one row per (session, offset, kind, target, time revision). A row is claimed,
    sent, then marked sent, so a restart retries only what was claimed and never sent."""

    __tablename__ = "session_reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "offset_minutes", "kind", "target_id", "revision", name="uq_session_reminders"),
        Index("ix_session_reminders_pending", "sent_at", "skipped_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    offset_minutes: Mapped[int] = mapped_column(Integer)  # before the start; negative = after it
    kind: Mapped[str] = mapped_column(String(16))  # channel | dm | followup
    target_id: Mapped[int] = mapped_column(Snowflake, default=0)  # user id for DMs, 0 for the channel
    revision: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    skipped_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(200))


class SessionFeedback(Base):
    __tablename__ = "session_feedback"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_feedback_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionAttendance(Base):
    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_attendance_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    attended: Mapped[bool] = mapped_column(default=True)
    recorded_by: Mapped[int] = mapped_column(Snowflake)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
