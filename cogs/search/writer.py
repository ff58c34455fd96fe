"""Live ingest off the event loop: gateway events are queued and written in batches, in order,
by one background task, so the event loop never waits on the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import background
from cogs.search.archive import MessageRecord, store_messages
from db.engine import Database

log = logging.getLogger(__name__)


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
