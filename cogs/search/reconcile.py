"""Reconciling recent history: after a (re)connect, the stored window of each channel is made to
match what Discord has now, so messages deleted or edited while the bot was away are removed
(with tombstones) or updated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.search.archive import MAX_CONTENT, delete_messages, edit_message
from cogs.search.models import ArchivedMessage
from db import search


@dataclass(frozen=True)
class SeenMessage:
    """A message as Discord returns it now. ``content`` None: it exists, but its text is not the
    stored text's source (a post the bot made for a member: the stored text is what they typed)."""

    id: int
    content: str | None
    edited_at: datetime | None = None


@dataclass(frozen=True)
class WindowDiff:
    missing: list[int]  # stored, but Discord no longer has them: deleted while we were away
    edited: list[SeenMessage]  # stored with other text than Discord's now


def diff_window(stored: dict[int, str], seen: Iterable[SeenMessage]) -> WindowDiff:
    """Compare what we stored for one channel over a window with what Discord returns for the
    same window. Messages Discord returns that we never stored (bots, other kinds) are ignored."""
    by_id = {m.id: m for m in seen}
    missing = sorted(mid for mid in stored if mid not in by_id)
    edited = [m for mid, m in sorted(by_id.items())
              if mid in stored and m.content is not None and stored[mid] != m.content[:MAX_CONTENT]]
    return WindowDiff(missing, edited)


@dataclass(frozen=True)
class ReconcileResult:
    channel_id: int
    checked: int
    deleted: int
    edited: int


async def stored_window(session: AsyncSession, channel_id: int, start: datetime, end: datetime) -> dict[int, str]:
    """Stored messages of a channel or thread posted in [start, end), by id."""
    rows = await session.execute(
        select(ArchivedMessage.id, ArchivedMessage.content).where(
            ArchivedMessage.channel_id == channel_id,
            ArchivedMessage.id >= search.snowflake_at(start), ArchivedMessage.id < search.snowflake_at(end),
        )
    )
    return {mid: content for mid, content in rows}


async def channels_in_window(session: AsyncSession, start: datetime, end: datetime) -> list[int]:
    """Channels and threads that have stored messages in [start, end): the ones worth asking about."""
    rows = await session.execute(
        select(ArchivedMessage.channel_id).where(
            ArchivedMessage.id >= search.snowflake_at(start), ArchivedMessage.id < search.snowflake_at(end),
        ).distinct()
    )
    return sorted(rows.scalars())


async def reconcile_window(
    session: AsyncSession, channel_id: int, seen: Iterable[SeenMessage], *, start: datetime, end: datetime,
) -> ReconcileResult:
    """Make the stored window of one channel match Discord's: delete (with tombstones) what is
    gone, apply edits. ``seen`` must be every message Discord has for the channel in
    [start, end); ``end`` should be when the fetch began, so messages arriving meanwhile are
    not mistaken for deleted ones."""
    stored = await stored_window(session, channel_id, start, end)
    diff = diff_window(stored, seen)
    deleted = await delete_messages(session, diff.missing)
    edited = 0
    for m in diff.edited:
        assert m.content is not None
        # edit_message keeps a question's title in front and ignores no-op edits.
        edited += await edit_message(session, m.id, m.content, m.edited_at or datetime.now(UTC))
    return ReconcileResult(channel_id, len(stored), deleted, edited)
