"""The searchable store of messages: Q&A posts and opted-in channels.

Every write is an upsert by Discord message id, so a replayed gateway event, a reconnect,
a resumed backfill or a second import of the same export stores nothing twice. Live events
go through :class:`ArchiveWriter`, a background task that batches writes so the event loop
never waits on the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor, require_facilitator
from cogs.qa.models import Question
from cogs.search.models import ArchiveCheckpoint, ArchivedMessage
from db import search
from db.engine import Database

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


def classify(config: Config, *, guild_id: int | None, channel_id: int, parent_id: int | None,
             message_id: int) -> str | None:
    """What a message is for the store, or None when it must not be stored (DMs, other channels)."""
    if not guild_id:
        return None  # never DMs
    forum = config.channels.qa_forum
    if forum and parent_id == forum:
        return "question" if message_id == channel_id else "answer"
    archived = set(config.channels.archived)
    if channel_id in archived or (parent_id is not None and parent_id in archived):
        return "message"
    return None


# ---------------------------------------------------------------- writes (session in, never commit)
async def store_messages(session: AsyncSession, records: Sequence[MessageRecord]) -> int:
    """Insert new messages and update changed ones; returns how many were new or changed."""
    if not records:
        return 0
    latest: dict[int, MessageRecord] = {}
    for r in records:
        latest[r.id] = r  # the last version in a batch wins
    ids = list(latest)
    existing: dict[int, tuple[str, str]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = await session.execute(
            select(ArchivedMessage.id, ArchivedMessage.content, ArchivedMessage.kind).where(ArchivedMessage.id.in_(chunk))
        )
        existing.update({mid: (content, kind) for mid, content, kind in rows})
    new = [r for mid, r in latest.items() if mid not in existing]
    changed = [r for mid, r in latest.items() if mid in existing and existing[mid][0] != r.content[:MAX_CONTENT]]
    if new:
        await session.execute(
            insert(ArchivedMessage),
            [
                {
                    "id": r.id, "guild_id": r.guild_id, "channel_id": r.channel_id, "thread_id": r.thread_id,
                    "author_id": r.author_id, "kind": r.kind, "content": r.content[:MAX_CONTENT],
                    "created_at": r.created_at, "edited_at": r.edited_at,
                }
                for r in new
            ],
        )
        await search.index_messages(session, [(r.id, r.content[:MAX_CONTENT]) for r in new])
    if changed:
        await search.unindex_messages(session, [(r.id, existing[r.id][0]) for r in changed])
        for r in changed:
            await session.execute(
                update(ArchivedMessage).where(ArchivedMessage.id == r.id)
                .values(content=r.content[:MAX_CONTENT], edited_at=r.edited_at or r.created_at)
            )
        await search.index_messages(session, [(r.id, r.content[:MAX_CONTENT]) for r in changed])
    answers = [r for r in new if r.kind == "answer" and r.thread_id]
    for r in answers:
        await session.execute(
            update(Question)
            .where(Question.thread_id == r.thread_id, Question.first_reply_at.is_(None),
                   Question.author_id != r.author_id)
            .values(first_reply_at=r.created_at)
        )
    return len(new) + len(changed)


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


async def delete_messages(session: AsyncSession, ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    rows = (await session.execute(
        select(ArchivedMessage.id, ArchivedMessage.content).where(ArchivedMessage.id.in_(ids))
    )).all()
    if not rows:
        return 0
    await search.unindex_messages(session, [(mid, content) for mid, content in rows])
    await session.execute(delete(ArchivedMessage).where(ArchivedMessage.id.in_([mid for mid, _ in rows])))
    await session.execute(
        update(Question).where(Question.answer_id.in_([mid for mid, _ in rows])).values(answer_id=None)
    )
    return len(rows)


async def delete_thread(session: AsyncSession, thread_id: int) -> int:
    ids = (await session.execute(
        select(ArchivedMessage.id).where(
            (ArchivedMessage.thread_id == thread_id) | (ArchivedMessage.channel_id == thread_id)
        )
    )).scalars().all()
    count = await delete_messages(session, ids)
    await session.execute(delete(Question).where(Question.thread_id == thread_id))
    return count


async def count_messages(session: AsyncSession, channel_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(ArchivedMessage)
    if channel_id is not None:
        stmt = stmt.where(ArchivedMessage.channel_id == channel_id)
    return int((await session.execute(stmt)).scalar_one())


# ---------------------------------------------------------------- backfill
@dataclass(frozen=True)
class BackfillState:
    channel_id: int
    before_id: int | None
    stored: int
    done: bool


def check_backfill_allowed(config: Config, actor: Actor, channel_id: int, *, is_dm: bool = False) -> None:
    require_facilitator(actor, config, "back-fill the archive")
    if is_dm:
        raise NotAllowed("Direct messages are never stored.")
    if channel_id not in config.channels.archived:
        raise InvalidInput(
            "That channel is not opted in to the archive. Add its id under `channels.archived` in "
            "config.yaml first (members should know a channel is searchable)."
        )


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


# ---------------------------------------------------------------- DiscordChatExporter import
_IMPORTED_TYPES = {"Default", "Reply", "0", "19", ""}


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_dce_export(data: Any) -> tuple[list[MessageRecord], list[str]]:
    """Messages from a DiscordChatExporter JSON export (lenient: unknown keys are ignored;
    system messages, bots' messages and empty ones are skipped). Returns (records, problems)."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InvalidInput("This is not a DiscordChatExporter JSON export (no `messages` list).")
    try:
        guild_id = int((data.get("guild") or {}).get("id") or 0)
        channel_id = int((data.get("channel") or {}).get("id") or "")
    except (TypeError, ValueError):
        raise InvalidInput("The export has no valid `channel.id`.") from None
    records = []
    for i, m in enumerate(data["messages"]):
        if not isinstance(m, dict):
            problems.append(f"messages[{i}]: not an object; skipped")
            continue
        if str(m.get("type", "Default")) not in _IMPORTED_TYPES:
            continue
        author = m.get("author") or {}
        if author.get("isBot"):
            continue
        content = m.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        try:
            mid = int(m["id"])
            author_id = int(author.get("id") or "")
        except (KeyError, TypeError, ValueError):
            problems.append(f"messages[{i}]: no valid id or author id; skipped")
            continue
        created = _parse_time(m.get("timestamp")) or search.snowflake_time(mid)
        records.append(MessageRecord(
            id=mid, channel_id=channel_id, guild_id=guild_id, author_id=author_id, content=content,
            created_at=created, edited_at=_parse_time(m.get("timestampEdited")), kind="message",
        ))
    return records, problems


# ---------------------------------------------------------------- live ingest, off the event loop
Op = Callable[[AsyncSession], Awaitable[Any]]


class ArchiveWriter:
    """Queues live events and writes them in batches from one background task, in order."""

    def __init__(self, db: Database, *, max_batch: int = 500):
        self.db = db
        self.max_batch = max_batch
        self._queue: asyncio.Queue[MessageRecord | Op] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.written = 0

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="sse-bg:archive-writer")

    def store(self, record: MessageRecord) -> None:
        self._put(record)

    def run(self, op: Op) -> None:
        """Queue any write (edit, delete, question) so it happens in order with the stores."""
        self._put(op)

    def _put(self, item: MessageRecord | Op) -> None:
        self._idle.clear()
        self._queue.put_nowait(item)
        self.start()

    async def flush(self) -> None:
        """Wait until everything queued so far is written."""
        while not (self._queue.empty() and self._idle.is_set()):
            await asyncio.sleep(0.001)
            if self._task is None or self._task.done():
                self.start()

    async def close(self) -> None:
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            self._idle.clear()
            items = [first]
            while len(items) < self.max_batch and not self._queue.empty():
                items.append(self._queue.get_nowait())
            try:
                await self._write(items)
            except Exception:
                log.exception("could not write %d archived event(s)", len(items))
            if self._queue.empty():
                self._idle.set()

    async def _write(self, items: list[MessageRecord | Op]) -> None:
        async with self.db.begin() as session:
            pending: list[MessageRecord] = []
            for item in items:
                if isinstance(item, MessageRecord):
                    pending.append(item)
                    continue
                if pending:
                    self.written += await store_messages(session, pending)
                    pending = []
                await item(session)
            if pending:
                self.written += await store_messages(session, pending)


# --------------------------------------------------------------------------- privacy
MESSAGE_LABELS = {"question": "questions in the Q&A forum", "answer": "answers or replies in Q&A posts",
                  "message": "messages in channels opted in to the archive"}


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    rows = (await session.execute(
        select(ArchivedMessage.kind, func.count(), func.min(ArchivedMessage.created_at),
               func.max(ArchivedMessage.created_at))
        .where(ArchivedMessage.author_id == user_id).group_by(ArchivedMessage.kind)
    )).all()
    by_kind = {kind: (n, first, last) for kind, n, first, last in rows}
    return [PrivacyLine(label, *by_kind[kind]) for kind, label in MESSAGE_LABELS.items() if kind in by_kind]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    messages = (await session.execute(
        select(ArchivedMessage).where(ArchivedMessage.author_id == user_id).order_by(ArchivedMessage.id)
    )).scalars().all()
    return {"messages": [
        {"id": str(m.id), "kind": m.kind, "channel_id": str(m.channel_id), "content": m.content,
         "created_at": m.created_at.isoformat(), "edited_at": m.edited_at.isoformat() if m.edited_at else None,
         "jump_url": jump_url(m.guild_id, m.channel_id, m.id)}
        for m in messages
    ]}


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    ids = (await session.execute(select(ArchivedMessage.id).where(ArchivedMessage.author_id == user_id))).scalars()
    return await delete_messages(session, list(ids))


PRIVACY = PrivacyHook(columns=[("archive_messages", "author_id")], show=privacy_show, export=privacy_export,
                      forget=privacy_forget)
