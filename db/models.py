"""Typed SQLAlchemy models. Times are stored timezone-aware, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, String, Text
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
