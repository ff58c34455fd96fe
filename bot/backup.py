"""``python -m bot backup FILE`` and ``python -m bot restore FILE``.

SQLite: the backup is taken with SQLite's online backup API (``sqlite3.Connection.backup``), in one
step inside one read transaction, so a running bot keeps serving (WAL: readers never block the
writer, nor the writer them) and the copy is one consistent moment. It is written next to FILE and
renamed over it when complete, checked (``quick_check``) and left as one self-contained file
(journal mode DELETE, no ``-wal`` beside it).

A restore checks that FILE is an SQLite database of this project (``alembic_version`` holds a
revision of our migrations), refuses while the live database looks in use (its ``-wal`` file is
there: a connection is open, or a process died holding one) unless ``--force``, copies FILE into
the live database with the same backup API (one transaction: any connection sees the old database
or the restored one, never a mix, and a crash midway leaves the old one), then upgrades it to the
current head, so a backup taken by an older version can be restored by a newer one.

PostgreSQL: ``backup`` runs ``pg_dump --format=custom`` when it is on PATH, else says how;
``restore`` says how to use ``pg_restore`` (it does not drop a production database by itself)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.cli import settings_of
from db.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine
from db.migrate import alembic_config, current_revisions, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
EXIT_REFUSED = 2


class Refused(Exception):
    """A backup or restore that would be unsafe or cannot work; the message says why and what to do."""


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise Refused("the database is in memory: there is nothing on disk to back up or restore")
    return Path(parsed.database)


def plain_postgres_url(url: str) -> str:
    """The URL as libpq tools (pg_dump, pg_restore, psql) take it: no SQLAlchemy driver part."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    target = f"file:{path}?mode=ro" if readonly else str(path)
    return sqlite3.connect(target, uri=readonly, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)


# ---------------------------------------------------------------------- SQLite
def backup_sqlite(source: Path, dest: Path) -> None:
    if not source.exists():
        raise Refused(f"there is no database at {source} to back up")
    if dest.resolve() == source.resolve():
        raise Refused("the backup file cannot be the live database itself")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    src = _connect(source)
    try:
        out = sqlite3.connect(partial)
        try:
            src.backup(out)  # all pages in one step: one read transaction, one consistent moment
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            problem = out.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            out.close()
    finally:
        src.close()
    if problem != "ok":
        partial.unlink(missing_ok=True)
        raise Refused(f"the copy failed SQLite's check ({problem}); the live database may be damaged")
    os.replace(partial, dest)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def check_backup_file(path: Path) -> str:
    """The backup's migration revision, once it is known to be a database of this project."""
    if not path.is_file():
        raise Refused(f"{path} is not a file")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise Refused(f"{path} is not an SQLite database (a PostgreSQL dump is restored with pg_restore)")
    try:
        conn = _connect(path, readonly=True)
        try:
            problem = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = ({r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
                         if "alembic_version" in tables else set())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise Refused(f"{path} cannot be read as an SQLite database: {exc}") from None
    if problem != "ok":
        raise Refused(f"{path} is damaged (SQLite's check says: {problem})")
    if not revisions:
        raise Refused(f"{path} is an SQLite database, but not one of this bot (it has no alembic_version)")
    unknown = revisions - known_revisions()
    if unknown or len(revisions) != 1:
        raise Refused(f"{path} is at revision {', '.join(sorted(revisions))}, which this version of the bot does "
                      "not know (a backup from a newer version?)")
    return next(iter(revisions))


def looks_in_use(live: Path) -> bool:
    # SQLite removes the -wal file when the last connection closes cleanly: one there means a bot
    # (or the console, or a CLI command) has the database open, or died while it had.
    wal = live.with_name(live.name + "-wal")
    return wal.exists()


def restore_sqlite(backup: Path, live: Path, *, force: bool = False) -> str:
    revision = check_backup_file(backup)
    if live.exists() and backup.resolve() == live.resolve():
        raise Refused("the backup file is the live database itself")
    if looks_in_use(live) and not force:
        raise Refused(f"{live} looks in use ({live.name}-wal is there): stop the bot first, then restore. "
                      "If no process has it open (a crash left the file), add --force.")
    live.parent.mkdir(parents=True, exist_ok=True)
    src = _connect(backup, readonly=True)
    try:
        dst = _connect(live)
        try:
            src.backup(dst)  # one transaction on the live file: old or restored, never a mix
        finally:
            dst.close()
    finally:
        src.close()
    return revision


# ---------------------------------------------------------------------- commands
PG_DUMP_HELP = """\
pg_dump is not on PATH. Back up a PostgreSQL database with PostgreSQL's own tool (it takes a
consistent snapshot while the bot runs), from a machine that has it (package postgresql-client):

  pg_dump --format=custom --file={file} "$DATABASE_URL"

and restore with:  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" {file}
then:  python -m bot db upgrade"""

PG_RESTORE_HELP = """\
The database is PostgreSQL: restore a pg_dump file with PostgreSQL's own tool, the bot stopped:

  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" {file}
  python -m bot db upgrade

(This command does not drop and rewrite a PostgreSQL database by itself.)"""


def cmd_backup(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    dest = Path(args.file)
    try:
        live = sqlite_path(settings.database_url)
        if live is None:
            return _pg_dump(settings.database_url, dest)
        backup_sqlite(live, dest)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"backed up {live} to {dest} ({dest.stat().st_size:,} bytes)")
    return 0


def _pg_dump(url: str, dest: Path) -> int:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        print(PG_DUMP_HELP.format(file=dest), file=sys.stderr)
        return EXIT_REFUSED
    result = subprocess.run([pg_dump, "--format=custom", f"--file={dest}", f"--dbname={plain_postgres_url(url)}"],
                            check=False)
    if result.returncode != 0:
        print(f"error: pg_dump failed (exit {result.returncode}); {dest} is not a usable backup", file=sys.stderr)
        return 1
    print(f"backed up the PostgreSQL database to {dest} with pg_dump (restore with pg_restore)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    backup = Path(args.file)
    try:
        live = sqlite_path(settings.database_url)
        if live is None:
            print(PG_RESTORE_HELP.format(file=backup), file=sys.stderr)
            return EXIT_REFUSED
        revision = restore_sqlite(backup, live, force=args.force)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED

    async def migrate() -> set[str]:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await current_revisions(engine)
        finally:
            await engine.dispose()

    now = asyncio.run(migrate())
    print(f"restored {backup} (revision {revision}) into {live}; database now at {', '.join(sorted(now))}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser("backup", help="copy the database to FILE while the bot runs (SQLite; pg_dump for PostgreSQL)")
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="put a backup FILE back as the database (stop the bot first)")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--force", action="store_true",
                         help="restore although the database looks in use (only when no process has it open)")
    restore.set_defaults(func=cmd_restore)
