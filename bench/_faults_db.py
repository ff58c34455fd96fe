"""The shared database of bench_faults.py: SQLite or PostgreSQL backends (a fresh database per
scenario from a migrated template), seeding announced sessions with due reminders, and reading
the outcome back."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import ANNOUNCEMENTS, announced_session
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.config import normalise_database_url
from cogs.sessions.models import SessionReminder, TrainingSession
from db.engine import Database, create_engine
from db.migrate import upgrade
from db.models import OutboxDelivery

POST = "POST /channels/{channel_id}/messages"
POST_ROUTE = ("POST", "/channels/{channel_id}/messages")
REFUSED = 900000000000000299  # the channel that answers 403 in scenario 4


class Backend:
    name = "?"

    async def prepare(self) -> None: ...
    async def fresh(self, label: str) -> str:
        raise NotImplementedError
    async def cleanup(self) -> None: ...


class SQLiteBackend(Backend):
    name = "SQLite"

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.template = tmp / "template.db"

    async def prepare(self) -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{self.template}")
        await upgrade(engine)
        await engine.dispose()

    async def fresh(self, label: str) -> str:
        path = self.tmp / f"{label}.db"
        shutil.copy(self.template, path)
        return f"sqlite+aiosqlite:///{path}"


class PostgresBackend(Backend):
    name = "PostgreSQL"

    def __init__(self, url: str):
        self.url = make_url(normalise_database_url(url))
        self.prefix = f"sse_faults_{os.getpid()}"
        self.created: list[str] = []

    def _admin(self) -> Any:
        return create_engine(self.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")

    async def prepare(self) -> None:
        name = f"{self.prefix}_tpl"
        admin = self._admin()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        self.created.append(name)
        engine = create_engine(self.url.set(database=name).render_as_string(hide_password=False))
        await upgrade(engine)
        await engine.dispose()

    async def fresh(self, label: str) -> str:
        name = f"{self.prefix}_{label}"
        admin = self._admin()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.prefix}_tpl"'))
        await admin.dispose()
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    async def cleanup(self) -> None:
        admin = self._admin()
        async with admin.connect() as conn:
            for name in reversed(self.created):
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def seed(url: str, n: int, *, first_due: datetime, spread: timedelta = timedelta(0),
               channel_id: int = ANNOUNCEMENTS, first_id: int = 1) -> None:
    """``n`` announced sessions whose 60-minute reminder falls due from ``first_due`` over ``spread``."""
    now = datetime.now(UTC)
    sessions, reminders = [], []
    for j in range(n):
        i = first_id + j
        due = first_due + (spread * j / max(n - 1, 1) if n > 1 else timedelta(0))
        rows = announced_session(i, start=due + timedelta(minutes=60), due=due, channel_id=channel_id, now=now)
        sessions.append(rows[0])
        reminders.append(rows[1])
    db = Database.from_url(url)
    try:
        async with db.begin() as session:
            await session.execute(insert(TrainingSession), sessions)
            await session.execute(insert(SessionReminder), reminders)
    finally:
        await db.close()


@dataclass
class State:
    reminders_waiting: int  # not handed to the outbox yet
    statuses: dict[str, int]
    leased: int  # pending rows with a lease
    nonce_of_reminder: dict[int, str]  # reminder id -> nonce of its channel post


async def state(url: str) -> State:
    db = Database.from_url(url)
    try:
        async with db.begin() as session:
            waiting = await session.scalar(select(func.count()).select_from(SessionReminder).where(
                SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None)))
            rows = (await session.execute(select(OutboxDelivery.id, OutboxDelivery.kind, OutboxDelivery.status,
                                                 OutboxDelivery.lease_until, OutboxDelivery.params))).all()
    finally:
        await db.close()
    statuses = Counter(r.status for r in rows)
    leased = sum(1 for r in rows if r.status == "pending" and r.lease_until is not None)
    nonces = {int(r.params["reminder_id"]): f"sse-o{r.id}" for r in rows if r.kind == "sessions.reminder"}
    return State(int(waiting or 0), dict(statuses), leased, nonces)


def receipts_of(path: Path) -> list[tuple[str, str, float, str]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            out.append((parts[0], parts[1], float(parts[2]), parts[3]))
    return out


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0
