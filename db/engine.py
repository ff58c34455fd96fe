"""Engine and session factory. Nothing here is created at import time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_MMAP_BYTES = 1 << 30  # 1 GiB of the file (SQLite caps it at its build limit, 2 GiB here)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; NORMAL sync is safe with WAL and much faster.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Freed pages are zeroed: a forgotten member's text must not linger in the file's free list.
    # Costs extra writes only when rows are deleted or shrink.
    cursor.execute("PRAGMA secure_delete=ON")
    # Reads through a memory map instead of a read() and a copy into SQLite's 2 MB page cache per
    # page: a long phrase search walks megabytes of FTS5 position lists spread over the file
    # (25-35 % of the slowest /search statements at 1M messages, bench/bench_search.py). Only the
    # address space is reserved; the pages are the OS's file cache, shared and reclaimable.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    # A prepared statement run five times may switch to a generic plan that ignores its parameters;
    # for full-text search the plan depends on how common the words are (a walk newest first for
    # common words, the GIN index for rare ones), so plan every execution for its own values
    # (bench/README.md, "Search on PostgreSQL").
    cursor = dbapi_connection.cursor()
    cursor.execute("SET plan_cache_mode = force_custom_plan")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "connect", _postgresql_settings)
    return engine


class Database:
    """Owns the engine; hands out one unit of work at a time."""

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def begin_write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work on a hot write path (RSVP clicks, reminder claims). On SQLite, such writers
        queue on an in-process lock instead of colliding on the database file's lock, whose busy
        handler sleeps up to 100 ms per retry; PostgreSQL needs no such queue."""
        if self.dialect != "sqlite":
            async with self.begin() as session:
                yield session
            return
        async with self._write_lock, self.begin() as session:
            yield session

    def use_search_index(self, index: Any) -> None:
        """Every session from now on searches through this dedicated engine (db/search_index.py;
        None: the database's own index again)."""
        from db.search import SEARCH_INDEX

        self.sessionmaker.configure(info={SEARCH_INDEX: index} if index is not None else {})

    async def close(self) -> None:
        await self.engine.dispose()
