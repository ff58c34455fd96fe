"""Typed SQLAlchemy models. Times are stored timezone-aware, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Index,
    Integer,
    String,
    Text,
    false,
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
    # The Discord locale of the member's latest interaction: the language of the DMs the bot sends
    # them (Discord sends no locale with a DM) when they chose none with /language.
    discord_locale: Mapped[str | None] = mapped_column(String(16))
    # /privacy publish: the member's consent to have their Q&A posts and answers on the public web
    # site. Off by default; turning it off (or forget) takes their pages down at once.
    publish_web: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the name the web site shows for them: their display name when they turned publishing on (the
    # site has no Discord connection to ask); cleared with publishing
    web_name: Mapped[str | None] = mapped_column(String(80))
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


class OutboxDelivery(Base):
    """One thing the bot posts on its own (a reminder, an announcement, a routing notice, the
    digest...). ``key`` makes enqueueing idempotent; a row is leased (owner + expiry) while one
    process sends it, marked sent right after its own send, released with backoff on a failure
    worth retrying, and parked when Discord refuses it (403/404) until someone fixes the cause."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64))  # the capability's delivery handler
    channel_id: Mapped[int | None] = mapped_column(Snowflake)  # where it goes, for channel posts
    user_id: Mapped[int | None] = mapped_column(Snowflake, index=True)  # the member, for DMs
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()  # past this it is dropped, not sent late
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | parked | dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    result_id: Mapped[int | None] = mapped_column(Snowflake)  # the message or event Discord created
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GuildSetting(Base):
    """What /setup stored for a server; a NULL column falls back to config.yaml (bot/guild.py).

    A row also records that the bot has seen the server (its first-join message is sent once)."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    announcements: Mapped[int | None] = mapped_column(Snowflake)
    qa_forum: Mapped[int | None] = mapped_column(Snowflake)
    archived: Mapped[list[int] | None] = mapped_column(JSON)
    facilitators: Mapped[list[int] | None] = mapped_column(JSON)
    helpers: Mapped[list[int] | None] = mapped_column(JSON)
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
