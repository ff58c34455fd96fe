"""What ``/healthz`` checks: the gateway is connected, the database answers, the scheduler runs.

Never imports discord: the bot hands in its gateway state (kept up to date by its connect,
disconnect and resume events) and the checks read plain values."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from bot.scheduler import Scheduler
from db.engine import Database


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "detail": self.detail, **self.extra}


class GatewayState:
    """Whether the gateway connection is up: set by the bot's ready/connect/resumed events, cleared
    by disconnect; ``is_closed`` and ``latency`` read the client itself."""

    def __init__(self, is_closed: Callable[[], bool], latency: Callable[[], float]):
        self.is_closed = is_closed
        self.latency = latency
        self.connected = False
        self.changed_at: datetime | None = None

    def up(self) -> None:
        self.connected, self.changed_at = True, datetime.now(UTC)

    def down(self) -> None:
        self.connected, self.changed_at = False, datetime.now(UTC)

    def check(self) -> Check:
        seconds = self.latency()
        # Known only after the first heartbeat is acknowledged (up to ~41 s after connecting):
        # shown, not required, or every fresh start would look dead for a heartbeat interval.
        latency = {"latency_ms": round(seconds * 1000, 1) if math.isfinite(seconds) else None}
        since = f" since {self.changed_at:%Y-%m-%d %H:%M:%S} UTC" if self.changed_at else ""
        if self.is_closed():
            return Check(False, "client closed", latency)
        if not self.connected:
            return Check(False, f"disconnected{since}" if self.changed_at else "not connected yet", latency)
        return Check(True, f"connected{since}", latency)


async def check_database(db: Database, timeout: float) -> Check:
    async def probe() -> None:
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(probe(), timeout)
    except TimeoutError:
        return Check(False, f"no answer to SELECT 1 within {timeout:g} s")
    except Exception as exc:  # any driver error means "not reachable" to a health checker
        return Check(False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
    return Check(True, f"{db.dialect} answers")


def check_scheduler(scheduler: Scheduler) -> Check:
    return Check(True, "running") if scheduler.running else Check(False, "not running")


async def health(gateway: GatewayState, db: Database, scheduler: Scheduler, *, db_timeout: float
                 ) -> tuple[bool, dict[str, Any]]:
    checks = {"gateway": gateway.check(), "database": await check_database(db, db_timeout),
              "scheduler": check_scheduler(scheduler)}
    ok = all(c.ok for c in checks.values())
    body: dict[str, Any] = {"status": "ok" if ok else "failing",
                            "checks": {name: c.as_dict() for name, c in checks.items()}}
    if not ok:
        body["failed"] = [name for name, c in checks.items() if not c.ok]
    return ok, body
