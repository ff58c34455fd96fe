"""``python -m bot backup`` / ``restore``: an SQLite backup taken while a writer is busy holds the
data as it was, a restore brings exactly that back (and upgrades it), and files that are not this
bot's database are refused politely. PostgreSQL: pg_dump is run with the URL (a stand-in pg_dump
on PATH records how; on the PostgreSQL run, the real pg_dump too), or the command explains how."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.__main__ import main
from cogs.sessions.models import SessionRsvp, TrainingSession
from db.engine import Database
from db.models import UserPreference
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="backs up the SQLite file")
MEMBER, OTHER = 900000000000000501, 900000000000000502


async def cli(config: Path, *argv: str) -> int:
    return await asyncio.to_thread(main, ["--config", str(config), *argv])


@pytest.fixture
def config_path(monkeypatch: pytest.MonkeyPatch, settings) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return settings.config_path


def live_path(database_url: str) -> Path:
    return Path(database_url.split("///", 1)[1])


async def seed(db: Database) -> None:
    start = datetime(2027, 3, 4, 3, 0, tzinfo=UTC)
    async with db.begin() as session:
        training = TrainingSession(title="Cooperative finance clinic", start_utc=start, end_utc=start + timedelta(hours=1),
                                   original_start_utc=start, timezone="Asia/Bangkok", format="online", created_by=OTHER)
        session.add(training)
        await session.flush()
        session.add(SessionRsvp(session_id=training.id, user_id=MEMBER, status="going"))
        session.add(UserPreference(user_id=MEMBER, language="th"))


async def snapshot(db: Database) -> dict[str, object]:
    async with db.begin() as session:
        return {
            "sessions": sorted(await session.scalars(select(TrainingSession.title))),
            "rsvps": sorted((r.user_id, r.status) for r in await session.scalars(select(SessionRsvp))),
            "languages": sorted((p.user_id, p.language) for p in await session.scalars(select(UserPreference))),
        }


@sqlite_only
async def test_backup_while_a_writer_is_busy_then_restore_brings_back_that_moment(
    database_url: str, config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    db = Database.from_url(database_url)
    await seed(db)
    at_backup = await snapshot(db)
    # Another process is in the middle of a write while the backup runs: not blocked, not copied.
    writer = sqlite3.connect(live_path(database_url), timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE user_preferences SET language = 'vi' WHERE user_id = ?", (MEMBER,))
    backup = tmp_path / "backups" / "sse-backup.db"
    assert await cli(config_path, "backup", str(backup)) == 0
    assert "backed up" in capsys.readouterr().out
    writer.commit()
    writer.close()
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert not backup.with_name(backup.name + "-wal").exists()  # one self-contained file

    # After the backup: a preference changed (the writer's), an RSVP withdrawn, a session added.
    async with db.begin() as session:
        await session.execute(SessionRsvp.__table__.delete())
        start = datetime(2027, 5, 1, 3, 0, tzinfo=UTC)
        session.add(TrainingSession(title="Added later", start_utc=start, end_utc=start, original_start_utc=start,
                                    timezone="Asia/Bangkok", format="online", created_by=OTHER))
    assert await snapshot(db) != at_backup

    # While the database is open, restore refuses; the bot is stopped, then it restores.
    assert await cli(config_path, "restore", str(backup)) == 2
    assert "looks in use" in capsys.readouterr().err
    await db.close()
    assert await cli(config_path, "restore", str(backup)) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "database now at" in out

    db = Database.from_url(database_url)
    try:
        assert await snapshot(db) == at_backup
        assert at_backup["languages"] == [(MEMBER, "th")]  # not the writer's uncommitted 'vi'
    finally:
        await db.close()


@sqlite_only
async def test_restore_with_force_while_the_database_is_open(
    database_url: str, config_path: Path, tmp_path: Path,
) -> None:
    db = Database.from_url(database_url)
    await seed(db)
    backup = tmp_path / "b.db"
    assert await cli(config_path, "backup", str(backup)) == 0
    async with db.begin() as session:
        await session.execute(UserPreference.__table__.delete())
    assert await cli(config_path, "restore", "--force", str(backup)) == 0
    # A connection that was open during the restore reads the restored database, whole.
    assert (await snapshot(db))["languages"] == [(MEMBER, "th")]
    await db.close()


@sqlite_only
async def test_files_that_are_not_this_bots_database_are_refused(
    database_url: str, config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    live = live_path(database_url)
    before = live.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes, not a database\n", encoding="utf-8")
    assert await cli(config_path, "restore", str(notes)) == 2
    assert "is not an SQLite database" in capsys.readouterr().err

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert await cli(config_path, "restore", str(other)) == 2
    assert "not one of this bot" in capsys.readouterr().err

    assert await cli(config_path, "restore", str(tmp_path / "missing.db")) == 2
    assert "is not a file" in capsys.readouterr().err
    assert await cli(config_path, "backup", str(live)) == 2  # the live file is never its own backup
    assert live.read_bytes() == before  # nothing was touched


async def test_postgresql_backup_runs_pg_dump_with_the_url_or_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("guild_id: 0\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "postgres://sse:secret@127.0.0.1:5999/community")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert await cli(config, "backup", str(tmp_path / "dump.pgc")) == 2
    assert "pg_dump --format=custom" in capsys.readouterr().err

    # A stand-in pg_dump records its arguments; the real one is not installed on this machine.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    recorded = tmp_path / "args.txt"
    fake = bin_dir / "pg_dump"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {recorded}\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert await cli(config, "backup", str(tmp_path / "dump.pgc")) == 0
    args = recorded.read_text(encoding="utf-8").splitlines()
    assert args == ["--format=custom", f"--file={tmp_path / 'dump.pgc'}",
                    "--dbname=postgresql://sse:secret@127.0.0.1:5999/community"]

    assert await cli(config, "restore", str(tmp_path / "dump.pgc")) == 2
    assert "pg_restore --clean" in capsys.readouterr().err


@pytest.mark.skipif(not PG_URL or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump")
async def test_postgresql_backup_is_a_real_pg_dump_archive(
    database_url: str, config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    db = Database.from_url(database_url)
    await seed(db)
    await db.close()
    dump = tmp_path / "sse.pgc"
    assert await cli(config_path, "backup", str(dump)) == 0
    assert "pg_dump" in capsys.readouterr().out
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    listed = await asyncio.to_thread(subprocess.run, ["pg_restore", "--list", str(dump)], capture_output=True,
                                     text=True, check=True)
    listing = listed.stdout
    assert "TABLE DATA public user_preferences" in listing and "TABLE DATA public alembic_version" in listing
