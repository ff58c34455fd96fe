"""Tables of the searchable archive: stored messages and backfill checkpoints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow


class ArchivedMessage(Base):
    """A message stored for search: a Q&A question or answer, or a message of an opted-in channel.

    The primary key is Discord's message id, so replays and re-imports update instead of
    duplicating; on SQLite it is the rowid, shared with the ``search_fts`` index."""

    __tablename__ = "archive_messages"
    # the report's active members per month: did a member post in a month, one index seek each
    __table_args__ = (Index("ix_archive_messages_author_created", "author_id", "created_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=False)
    guild_id: Mapped[int] = mapped_column(Snowflake, default=0)
    channel_id: Mapped[int] = mapped_column(Snowflake, index=True)
    thread_id: Mapped[int | None] = mapped_column(Snowflake, index=True)  # the Q&A post, for questions/answers
    author_id: Mapped[int] = mapped_column(Snowflake, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # question | answer | message
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    edited_at: Mapped[datetime | None] = mapped_column()


class ArchiveCheckpoint(Base):
    """Where a channel backfill stopped: the oldest message id stored so far."""

    __tablename__ = "archive_checkpoints"

    channel_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    before_id: Mapped[int | None] = mapped_column(Snowflake)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ArchiveTombstone(Base):
    """A message deleted in Discord: its id only, never its content. Every path that stores
    messages (live events, backfill, imports, reconciliation) skips these ids, so a deletion
    that races a backfill page or predates an export stays deleted."""

    __tablename__ = "archive_tombstones"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=False)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchChange(Base):
    """That a searchable message was written (stored, edited, marked, deleted) since the dedicated
    search engine last looked: one row per message, its version raised by every write
    (db/search.py record_changes; db/search_index.py applies them)."""

    __tablename__ = "search_changes"

    message_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    # SQLite: a write's number, one higher than any before; PostgreSQL: its transaction's id
    version: Mapped[int] = mapped_column(Snowflake, index=True)
