"""The searchable store of messages: Q&A posts and opted-in channels.

Every write is an upsert by Discord message id, so a replayed gateway event, a reconnect,
a resumed backfill or a second import of the same export stores nothing twice. A deletion
leaves a tombstone (the id only) that every store path honours, so a backfill page or an
export read before the deletion cannot bring the message back. Live events go through
:class:`ArchiveWriter`, a background task that batches writes so the event loop never waits
on the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import background
from bot.capability import PrivacyHook, PrivacyLine
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor, require_facilitator
from cogs.qa.models import Question
from cogs.search.models import ArchiveCheckpoint, ArchivedMessage, ArchiveTombstone
from db import search
from db.engine import Database
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


@dataclass(frozen=True)
class StoreResult:
    new: int = 0
    changed: int = 0
    tombstoned: int = 0  # deleted in Discord earlier: not stored again

    @property
    def written(self) -> int:
        return self.new + self.changed


_CHUNK = 500  # ids per IN (...): far below SQLite's and asyncpg's parameter limits


async def tombstoned_ids(session: AsyncSession, ids: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = await session.execute(select(ArchiveTombstone.id).where(ArchiveTombstone.id.in_(chunk)))
        out.update(rows.scalars())
    return out


# ---------------------------------------------------------------- writes (session in, never commit)
async def store_messages(session: AsyncSession, records: Sequence[MessageRecord]) -> int:
    """Insert new messages and update changed ones; returns how many were new or changed."""
    return (await store_batch(session, records)).written


async def store_batch(session: AsyncSession, records: Sequence[MessageRecord]) -> StoreResult:
    """:func:`store_messages`, telling new, changed and tombstoned apart (for import summaries)."""
    if not records:
        return StoreResult()
    latest: dict[int, MessageRecord] = {}
    for r in records:
        latest[r.id] = r  # the last version in a batch wins
    gone = await tombstoned_ids(session, list(latest))
    for mid in gone:
        del latest[mid]
    ids = list(latest)
    existing: dict[int, tuple[str, str]] = {}
    for chunk_start in range(0, len(ids), _CHUNK):
        chunk = ids[chunk_start : chunk_start + _CHUNK]
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
    return count


async def count_messages(session: AsyncSession, channel_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(ArchivedMessage)
    if channel_id is not None:
        stmt = stmt.where(ArchivedMessage.channel_id == channel_id)
    return int((await session.execute(stmt)).scalar_one())


# ---------------------------------------------------------------- reconciling recent history
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


def _export_ids(guild: Any, channel: Any) -> tuple[int, int]:
    try:
        guild_id = int((guild if isinstance(guild, dict) else {}).get("id") or 0)
        channel_id = int((channel if isinstance(channel, dict) else {}).get("id") or "")
    except (TypeError, ValueError):
        raise InvalidInput("The export has no valid `channel.id`.") from None
    return guild_id, channel_id


def _dce_record(m: Any, i: int, guild_id: int, channel_id: int) -> MessageRecord | str | None:
    """One exported message: a record, a problem to report, or None (not a member's message)."""
    if not isinstance(m, dict):
        return f"messages[{i}]: not an object; skipped"
    if str(m.get("type", "Default")) not in _IMPORTED_TYPES:
        return None
    author = m.get("author") or {}
    if not isinstance(author, dict) or author.get("isBot"):
        return None
    content = m.get("content")
    if not isinstance(content, str) or not content.strip():
        return None
    try:
        mid = int(m["id"])
        author_id = int(author.get("id") or "")
    except (KeyError, TypeError, ValueError):
        return f"messages[{i}]: no valid id or author id; skipped"
    created = _parse_time(m.get("timestamp")) or search.snowflake_time(mid)
    return MessageRecord(
        id=mid, channel_id=channel_id, guild_id=guild_id, author_id=author_id, content=content,
        created_at=created, edited_at=_parse_time(m.get("timestampEdited")), kind="message",
    )


def parse_dce_export(data: Any) -> tuple[list[MessageRecord], list[str]]:
    """Messages from a DiscordChatExporter JSON export already in memory (lenient: unknown keys
    are ignored; system messages, bots' messages and empty ones are skipped). Returns (records,
    problems). Files go through :func:`import_dce_export`, which streams."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InvalidInput("This is not a DiscordChatExporter JSON export (no `messages` list).")
    guild_id, channel_id = _export_ids(data.get("guild"), data.get("channel"))
    records: list[MessageRecord] = []
    problems: list[str] = []
    for i, m in enumerate(data["messages"]):
        item = _dce_record(m, i, guild_id, channel_id)
        if isinstance(item, str):
            problems.append(item)
        elif item is not None:
            records.append(item)
    return records, problems


@dataclass
class ImportSummary:
    read: int = 0  # entries of the export's messages list
    new: int = 0
    changed: int = 0
    already: int = 0  # stored before with the same text
    tombstoned: int = 0  # deleted in Discord since: not stored again
    ignored: int = 0  # system, bot or empty messages
    errors: int = 0  # entries reported as problems

    @property
    def stored(self) -> int:
        return self.new + self.changed

    def line(self, name: str) -> str:
        return (f"{self.read} message(s) read from {name}: {self.stored} new or changed, {self.already} already "
                f"stored, {self.tombstoned} deleted in Discord, {self.ignored} not member messages, "
                f"{self.errors} error(s).")


def _read_head(stream: IO[bytes], start: int) -> tuple[Any, Any]:
    """The export's ``guild`` and ``channel`` objects, reading only up to the messages list
    (DiscordChatExporter writes them first; a file that does not is read to its end)."""
    import ijson

    stream.seek(start)
    events = ijson.parse(stream)
    first = next(events, None)
    if first is None or first[1] != "start_map":
        raise InvalidInput("This is not a DiscordChatExporter JSON export (no `messages` list).")
    head: dict[str, Any] = {}
    has_messages = False
    for prefix, event, value in events:
        if prefix != "" or event != "map_key":
            continue
        if value in ("guild", "channel"):
            builder = ijson.ObjectBuilder()
            depth = 0
            for _p, ev, val in events:
                builder.event(ev, val)
                depth += ev in ("start_map", "start_array")
                depth -= ev in ("end_map", "end_array")
                if depth == 0:
                    break
            head[value] = builder.value
        elif value == "messages":
            _p, ev, _v = next(events)
            if ev != "start_array":
                break
            has_messages = True
            if "channel" in head:
                break
            for p, ev, _v in events:  # skip the list without keeping it
                if p == "messages" and ev == "end_array":
                    break
    if not has_messages:
        raise InvalidInput("This is not a DiscordChatExporter JSON export (no `messages` list).")
    return head.get("guild"), head.get("channel")


async def import_dce_export(
    db: Database, source: str | Path | IO[bytes], *, batch: int = 2000,
    progress: Callable[[int], None] | None = None, problem: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import a DiscordChatExporter JSON export without loading it: the messages list is
    parsed one entry at a time and stored ``batch`` records per transaction, so memory stays
    flat whatever the file's size, and a rerun (or a run after a kill) stores nothing twice.
    Tombstoned ids are skipped. ``progress`` gets the bytes read so far after each batch;
    ``problem`` gets each per-message problem. Raises InvalidInput for a file that is not an
    export, or that is cut off (what was read before the damage stays stored)."""
    import ijson

    own = isinstance(source, str | Path)
    # Blocking reads are fine here: the import owns its process (the CLI), nothing else waits.
    stream: IO[bytes] = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: ASYNC230
    try:
        start = stream.tell()
        if stream.read(3) != b"\xef\xbb\xbf":  # a UTF-8 BOM (Windows exports) is not JSON
            stream.seek(start)
        start = stream.tell()
        try:
            guild_id, channel_id = _export_ids(*_read_head(stream, start))
        except ijson.JSONError as exc:
            raise InvalidInput(f"not valid JSON: {exc}") from None
        stream.seek(start)
        summary = ImportSummary()
        pending: list[MessageRecord] = []

        async def flush() -> None:
            async with db.begin() as session:
                result = await store_batch(session, pending)
            summary.new += result.new
            summary.changed += result.changed
            summary.tombstoned += result.tombstoned
            summary.already += len({r.id for r in pending}) - result.written - result.tombstoned
            pending.clear()
            if progress is not None:
                progress(stream.tell())

        try:
            for i, m in enumerate(ijson.items(stream, "messages.item", use_float=True)):
                summary.read += 1
                item = _dce_record(m, i, guild_id, channel_id)
                if isinstance(item, str):
                    summary.errors += 1
                    if problem is not None:
                        problem(item)
                elif item is None:
                    summary.ignored += 1
                else:
                    pending.append(item)
                    if len(pending) >= batch:
                        await flush()
        except ijson.JSONError as exc:
            if pending:
                await flush()
            raise InvalidInput(f"not valid JSON after {summary.read:,} message(s): {exc}") from None
        if pending:
            await flush()
        return summary
    finally:
        if own:
            stream.close()


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
            self._task = background.start_loop(self._run(), "archive-writer")

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
    # purge: a member who asked to be forgotten expects the text gone, not only hidden from search
    return await delete_messages(session, list(ids), purge=True)


async def privacy_after_forget(db: Database) -> None:
    if not await search.vacuum(db.engine):
        # Another connection was reading: the log keeps older copies of the freed pages until the
        # next checkpoint empties it (SQLite checkpoints on its own as the log grows).
        log.warning("after a forget the database's write-ahead log could not be emptied (a reader was busy); "
                    "the deleted text leaves the -wal file at the next checkpoint")


PRIVACY = PrivacyHook(columns=[("archive_messages", "author_id")], show=privacy_show, export=privacy_export,
                      forget=privacy_forget, after_forget=privacy_after_forget)
