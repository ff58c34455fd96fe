"""Importing a DiscordChatExporter JSON export: parsing its messages leniently, and the streaming
import that keeps memory flat whatever the file's size (``python -m bot import-archive``)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.errors import InvalidInput
from cogs.search.archive import MAX_CONTENT, MessageRecord, store_batch
from db import search
from db.engine import Database

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


# An export at least this big has its messages tokenized in a worker process (below that the
# worker's start, ~0.5 s, is not won back).
POOL_MIN_BYTES = 16 * 1024 * 1024


def _quiet_worker() -> None:
    """In the worker: Ctrl-C is the importing process's to handle (it shuts the worker down)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _use_pool(db: Database, stream: IO[bytes], start: int, workers: int | None) -> bool:
    if workers is not None:
        return workers > 0
    if db.dialect != "sqlite" or (os.cpu_count() or 1) < 2:
        return False  # PostgreSQL builds its documents from the tokens itself; one core gains nothing
    try:
        size = os.fstat(stream.fileno()).st_size - start
    except (AttributeError, OSError, ValueError):  # an in-memory stream: small
        return False
    return size >= POOL_MIN_BYTES


async def import_dce_export(
    db: Database, source: str | Path | IO[bytes], *, batch: int = 2000,
    progress: Callable[[int], None] | None = None, problem: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> ImportSummary:
    """Import a DiscordChatExporter JSON export without loading it: the messages list is
    parsed one entry at a time and stored ``batch`` records per transaction, so memory stays
    flat whatever the file's size, and a rerun (or a run after a kill) stores nothing twice.
    Tombstoned ids are skipped. ``progress`` gets the bytes read so far after each batch;
    ``problem`` gets each per-message problem. Raises InvalidInput for a file that is not an
    export, or that is cut off (what was read before the damage stays stored).

    ``workers``: 1 has each batch's messages tokenized in a worker process while this one parses
    the next batch and writes the previous one (the import is CPU-bound on one core otherwise);
    0 tokenizes here; None (default) uses the worker for a file of at least POOL_MIN_BYTES on
    SQLite with two cores or more. What is stored and indexed is the same either way."""
    import ijson

    own = isinstance(source, str | Path)
    # Blocking reads are fine here: the import owns its process (the CLI), nothing else waits.
    stream: IO[bytes] = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: ASYNC230
    pool: ProcessPoolExecutor | None = None
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
        if _use_pool(db, stream, start, workers):
            # spawn, not fork: this process has the database driver's thread running
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_worker)
        summary = ImportSummary()
        pending: list[MessageRecord] = []
        # the batch whose tokens the worker is computing (at most one: memory stays bounded)
        inflight: tuple[list[MessageRecord], asyncio.Future[list[str]]] | None = None

        async def write(records: list[MessageRecord], tokens: dict[int, str] | None) -> None:
            async with db.begin() as session:
                result = await store_batch(session, records, tokens)
            summary.new += result.new
            summary.changed += result.changed
            summary.tombstoned += result.tombstoned
            summary.already += len({r.id for r in records}) - result.written - result.tombstoned
            if progress is not None:
                progress(stream.tell())

        async def write_inflight() -> None:
            nonlocal inflight
            if inflight is None:
                return
            records, future = inflight
            inflight = None
            token_strings = await future
            # the last version of an id in a batch wins, in store_batch and here alike
            await write(records, dict(zip([r.id for r in records], token_strings, strict=True)))

        async def flush() -> None:
            nonlocal inflight
            records = pending[:]
            pending.clear()
            if pool is None:
                await write(records, None)
                return
            future = asyncio.wrap_future(pool.submit(search.token_strings, [r.content[:MAX_CONTENT] for r in records]))
            await write_inflight()  # the previous batch, while the worker tokenizes this one
            inflight = (records, future)

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
            await write_inflight()
            raise InvalidInput(f"not valid JSON after {summary.read:,} message(s): {exc}") from None
        if pending:
            await flush()
        await write_inflight()
        return summary
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if own:
            stream.close()
