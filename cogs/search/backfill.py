"""/archive backfill: storing an opted-in channel's history a page at a time, with a checkpoint
per page in the same transaction, so a crashed backfill resumes where it stopped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.errors import InvalidInput, NotAllowed
from bot.guild import Effective
from bot.permissions import Actor, is_facilitator
from cogs.search.archive import MessageRecord, store_messages
from cogs.search.models import ArchiveCheckpoint


@dataclass(frozen=True)
class BackfillState:
    channel_id: int
    before_id: int | None
    stored: int
    done: bool


def check_backfill_allowed(settings: Effective, actor: Actor, channel_id: int, *, is_dm: bool = False) -> None:
    if not is_facilitator(actor, settings):
        raise NotAllowed(_("Only facilitators can back-fill the archive."))
    if is_dm:
        raise NotAllowed(_("Direct messages are never stored."))
    if channel_id not in settings.archived:
        raise InvalidInput(_(
            "That channel is not opted in to the archive. Add it with /setup (or under `channels.archived` in "
            "config.yaml) first (members should know a channel is searchable)."
        ))


async def backfill_start(session: AsyncSession, channel_id: int, *, restart: bool = False) -> BackfillState:
    row = await session.get(ArchiveCheckpoint, channel_id)
    if row is None:
        row = ArchiveCheckpoint(channel_id=channel_id, before_id=None, stored=0, done=False)
        session.add(row)
    elif restart or row.done:
        # A finished backfill run again re-reads from the newest message (nothing is stored twice).
        row.before_id, row.stored, row.done = None, 0, False
    await session.flush()
    return BackfillState(row.channel_id, row.before_id, row.stored, row.done)


async def backfill_page(
    session: AsyncSession, channel_id: int, records: Sequence[MessageRecord], *, done: bool,
    oldest_id: int | None = None,
) -> BackfillState:
    """Store one page (newest first) and move the checkpoint, in the same transaction."""
    changed = await store_messages(session, records)
    row = await session.get(ArchiveCheckpoint, channel_id)
    if row is None:
        row = ArchiveCheckpoint(channel_id=channel_id, before_id=None, stored=0, done=False)
        session.add(row)
    oldest = min([r.id for r in records] + ([oldest_id] if oldest_id else []), default=None)
    if oldest is not None:
        row.before_id = oldest
    row.stored += changed
    row.done = done
    row.updated_at = datetime.now(UTC)
    await session.flush()
    return BackfillState(row.channel_id, row.before_id, row.stored, row.done)
