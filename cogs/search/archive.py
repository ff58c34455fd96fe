"""The searchable store of messages: Q&A posts and opted-in channels.

Every write is an upsert by Discord message id, so a replayed gateway event, a reconnect,
a resumed backfill or a second import of the same export stores nothing twice. A deletion
leaves a tombstone (the id only) that every store path honours, so a backfill page or an
export read before the deletion cannot bring the message back.

The paths that feed the store live next to it: live events (``writer.py``, ``ArchiveWriter``),
``/archive backfill`` (``backfill.py``), DiscordChatExporter imports (``dce_import.py``), the
check against Discord after a reconnect (``reconcile.py``) and ``/privacy`` (``privacy.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.guild import Effective
from cogs.qa.models import PostEvent, Question
from cogs.search.models import ArchivedMessage, ArchiveTombstone
from db import search
from db.upsert import insert_ignore

log = logging.getLogger(__name__)

KINDS = ("question", "answer", "message")
MAX_CONTENT = 8000


@dataclass(frozen=True)
class MessageRecord:
    id: int
    channel_id: int
    author_id: int
    content: str
    created_at: datetime
    guild_id: int = 0
    thread_id: int | None = None
    kind: str = "message"
    edited_at: datetime | None = None


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def classify(settings: Effective, *, guild_id: int | None, channel_id: int, parent_id: int | None,
             message_id: int) -> str | None:
    """What a message is for the store, or None when it must not be stored (DMs, other channels)."""
    if not guild_id:
        return None  # never DMs
    forum = settings.qa_forum
    if forum and parent_id == forum:
        return "question" if message_id == channel_id else "answer"
    archived = set(settings.archived)
    if channel_id in archived or (parent_id is not None and parent_id in archived):
        return "message"
    return None


@dataclass(frozen=True)
class StoreResult:
    new: int = 0
    changed: int = 0
    tombstoned: int = 0  # deleted in Discord earlier: not stored again

    @property
    def written(self) -> int:
        return self.new + self.changed


_MESSAGES = cast(Table, ArchivedMessage.__table__)
_CHUNK = 500  # ids per IN (...): far below SQLite's and asyncpg's parameter limits


# (id, content, kind, tombstoned?) of the ids stored or tombstoned
_KNOWN = search.IdsQuery(
    "SELECT id, content, kind, 0 FROM archive_messages WHERE id IN {ids} "
    "UNION ALL SELECT id, NULL, NULL, 1 FROM archive_tombstones WHERE id IN {ids}", _CHUNK
)


async def _known(session: AsyncSession, ids: Sequence[int]) -> tuple[set[int], dict[int, tuple[str, str]]]:
    """Of these ids, the tombstoned ones and the stored ones with their (content, kind): one query
    for both (the import asks this for every batch)."""
    gone: set[int] = set()
    existing: dict[int, tuple[str, str]] = {}
    for mid, content, kind, tombstone in await _KNOWN.rows(session, ids):
        if tombstone:
            gone.add(mid)
        else:
            existing[mid] = (content, kind)
    for mid in gone:
        existing.pop(mid, None)
    return gone, existing


# ---------------------------------------------------------------- writes (session in, never commit)
async def store_messages(session: AsyncSession, records: Sequence[MessageRecord]) -> int:
    """Insert new messages and update changed ones; returns how many were new or changed."""
    return (await store_batch(session, records)).written


async def store_batch(session: AsyncSession, records: Sequence[MessageRecord],
                      tokens: Mapping[int, str] | None = None) -> StoreResult:
    """:func:`store_messages`, telling new, changed and tombstoned apart (for import summaries).
    ``tokens``: :func:`db.search.token_strings` of each record's stored content (its first
    MAX_CONTENT characters) by id, already computed (the import's worker process)."""
    if not records:
        return StoreResult()
    latest: dict[int, MessageRecord] = {}
    for r in records:
        latest[r.id] = r  # the last version in a batch wins
    gone, existing = await _known(session, list(latest))
    for mid in gone:
        del latest[mid]
    new = [r for mid, r in latest.items() if mid not in existing]
    changed = [r for mid, r in latest.items() if mid in existing and existing[mid][0] != r.content[:MAX_CONTENT]]
    if new:
        await search.insert_messages(  # the table's insert: the ORM's bulk path costs ~10 µs more per row
            session,
            _MESSAGES,
            [
                {
                    "id": r.id, "guild_id": r.guild_id, "channel_id": r.channel_id, "thread_id": r.thread_id,
                    "author_id": r.author_id, "kind": r.kind, "content": r.content[:MAX_CONTENT],
                    "created_at": r.created_at, "edited_at": r.edited_at,
                }
                for r in new
            ],
            tokens,
        )
    if changed:
        await search.unindex_messages(session, [(r.id, existing[r.id][0]) for r in changed])
        for r in changed:
            await session.execute(
                update(ArchivedMessage).where(ArchivedMessage.id == r.id)
                .values(content=r.content[:MAX_CONTENT], edited_at=r.edited_at or r.created_at)
            )
        await search.index_messages(session, [(r.id, r.content[:MAX_CONTENT]) for r in changed], tokens)
    answers = [r for r in new if r.kind == "answer" and r.thread_id]
    for r in answers:
        await session.execute(
            update(Question)
            .where(Question.thread_id == r.thread_id, Question.first_reply_at.is_(None),
                   Question.author_id != r.author_id)
            .values(first_reply_at=r.created_at)
        )
    return StoreResult(new=len(new), changed=len(changed), tombstoned=len(gone))


async def edit_message(session: AsyncSession, message_id: int, content: str, edited_at: datetime) -> bool:
    """Apply an edit to a stored message (messages never stored stay unstored)."""
    row = await session.get(ArchivedMessage, message_id)
    if row is None:
        return False
    if row.kind == "question" and row.thread_id:
        question = await session.get(Question, row.thread_id)
        if question is not None:
            content = f"{question.title}\n{content}"
    content = content[:MAX_CONTENT]
    if content == row.content:
        return False
    await search.unindex_messages(session, [(row.id, row.content)])
    row.content = content
    row.edited_at = edited_at
    await session.flush()
    await search.index_messages(session, [(row.id, content)])
    return True


async def delete_messages(session: AsyncSession, ids: Iterable[int], *, purge: bool = False) -> int:
    """Remove messages and remember that they were deleted; returns how many were stored.

    Ids never stored get a tombstone too: a message deleted while a backfill or an import is
    still on its way to it must not be stored when they arrive. ``purge``: also rewrite the
    full-text index so the deleted text leaves its storage (costly; for forgetting a member,
    followed by :func:`db.search.vacuum` once committed)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    now = datetime.now(UTC)
    rows: list[tuple[int, str]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        await session.execute(insert_ignore(session, ArchiveTombstone,
                                            [{"id": mid, "deleted_at": now} for mid in chunk], ["id"]))
        rows.extend((mid, content) for mid, content in (await session.execute(
            select(ArchivedMessage.id, ArchivedMessage.content).where(ArchivedMessage.id.in_(chunk))
        )).all())
    if rows:
        stored = [mid for mid, _ in rows]
        await search.unindex_messages(session, rows)
        for start in range(0, len(stored), _CHUNK):
            chunk = stored[start : start + _CHUNK]
            await session.execute(delete(ArchivedMessage).where(ArchivedMessage.id.in_(chunk)))
            await session.execute(update(Question).where(Question.answer_id.in_(chunk)).values(answer_id=None))
    if purge:
        await search.purge(session)
    return len(rows)


async def delete_thread(session: AsyncSession, thread_id: int) -> int:
    ids = (await session.execute(
        select(ArchivedMessage.id).where(
            (ArchivedMessage.thread_id == thread_id) | (ArchivedMessage.channel_id == thread_id)
        )
    )).scalars().all()
    count = await delete_messages(session, ids)
    await session.execute(delete(Question).where(Question.thread_id == thread_id))
    await session.execute(delete(PostEvent).where(PostEvent.thread_id == thread_id))
    return count


async def count_messages(session: AsyncSession, channel_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(ArchivedMessage)
    if channel_id is not None:
        stmt = stmt.where(ArchivedMessage.channel_id == channel_id)
    return int((await session.execute(stmt)).scalar_one())
