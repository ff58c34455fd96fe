"""Forgotten text leaves the SQLite files: not only the rows, but the full-text index's blobs,
freed pages and the write-ahead log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cogs.search import archive
from db.engine import Database
from db.search import vacuum
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite files")

# Distinct first letters: FTS5 stores a term after a shared prefix with its sorted neighbour,
# so a marker sharing no prefix with any other token is kept whole and greppable.
PURGED = "qvx7forgetme"
CONTROL = "zkb9deletedonly"


def file_bytes(db_path: Path) -> bytes:
    data = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data.lower()


def message(mid: int, content: str) -> archive.MessageRecord:
    return archive.MessageRecord(id=mid, channel_id=55, guild_id=1, author_id=8, content=content,
                                 created_at=datetime.now(UTC))


async def test_a_purged_and_vacuumed_message_leaves_no_trace_in_the_database_files(database_url: str) -> None:
    db_path = Path(database_url.split("///", 1)[1])
    db = Database.from_url(database_url)
    async with db.begin() as session:
        await archive.store_messages(session, [
            message(1001, f"My address is {PURGED.upper()} street"),
            message(1002, f"Phone {CONTROL} please"),
            message(1003, "an unrelated message that stays"),
            # Enough other text that the index spans many pages, and freed ones are not all reused.
            *(message(2000 + i, f"filler {i} about cooperative seed banks number {i * 7919}") for i in range(3000)),
        ])
    await db.close()
    assert PURGED.encode() in file_bytes(db_path) and CONTROL.encode() in file_bytes(db_path)

    # Control: an ordinary deletion hides the text from search but the index blobs keep it.
    db = Database.from_url(database_url)
    async with db.begin() as session:
        assert await archive.delete_messages(session, [1002]) == 1
    assert await vacuum(db.engine)
    await db.close()
    assert CONTROL.encode() in file_bytes(db_path)

    db = Database.from_url(database_url)
    async with db.begin() as session:
        assert await archive.delete_messages(session, [1001], purge=True) == 1
    assert await vacuum(db.engine)
    await db.close()
    data = file_bytes(db_path)
    assert PURGED.encode() not in data
    assert CONTROL.encode() not in data  # the purge rewrote the whole index, earlier deletions too
    assert b"unrelated" in data  # what was not deleted is still there

    db = Database.from_url(database_url)
    async with db.begin() as session:
        assert await archive.count_messages(session) == 3001
    await db.close()
