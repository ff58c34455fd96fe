"""What runs inside each bot process of bench_faults.py (``--child``): the App against the shared
database, the offline Discord with a receipt-writing message route, and the drives of the
single-process scenarios."""

# ruff: noqa: ASYNC110  (bounded polls of other processes, files and the database, not in-process events)
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from _common import ANNOUNCEMENTS, FACILITATOR_ROLE, GUILD_ID, ROOT
from _faults_db import POST, POST_ROUTE, REFUSED
from sqlalchemy import func, select

from bot.config import load_settings
from db.models import OutboxDelivery


def child_config(extra: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "guild_id": GUILD_ID,
        "channels": {"announcements": ANNOUNCEMENTS},
        "roles": {"facilitators": [FACILITATOR_ROLE]},
        "content_dir": str(ROOT / "content"),
        "log_level": "WARNING",
        "reminders": {"grace_minutes": 600},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return config


async def child_app(tmp: Path, url: str, extra: dict[str, Any]) -> Any:
    """``_common.make_app``, minus the migrations (the orchestrator migrated the shared database)."""
    from bot.app import App

    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(child_config(extra)), encoding="utf-8")
    settings = load_settings(path, env={"DATABASE_URL": url})
    return await App.create(settings, migrate=False)


def install_recorder(receipts: Path, tag: str, latency: float, seen: list[tuple[str, str, float]],
                     setup: Any = None) -> None:
    """Wrap the message-POST route of the offline Discord this process will boot (before it starts:
    the bot sends what is due while ``boot_offline`` is still settling)."""
    from offline import OfflineDiscord

    fd = os.open(receipts, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    original_start = OfflineDiscord.start
    original_settle = OfflineDiscord.settle

    async def start(self: Any) -> None:
        send = self.routes[POST_ROUTE]

        async def received(call: Any, p: dict[str, str]) -> object:
            nonce = str((call.json or {}).get("nonce") or "-")
            now = time.time()
            os.write(fd, f"{nonce}\t{p.get('channel_id')}\t{now:.6f}\t{tag}\n".encode())
            os.fsync(fd)  # counted even if this process is killed in the next instruction
            seen.append((nonce, str(p.get("channel_id")), now))
            message = send(call, p)
            if latency:
                await asyncio.sleep(latency)  # the answer travelling back
            return message

        self.routes[POST_ROUTE] = received
        if setup is not None:
            setup(self)
        await original_start(self)

    async def settle(self: Any, timeout: float = 10.0) -> None:
        # boot_offline settles the tasks the start began, i.e. the whole burst; let it take its time
        await original_settle(self, timeout=max(timeout, 600.0))

    OfflineDiscord.start = start  # type: ignore[method-assign]
    OfflineDiscord.settle = settle  # type: ignore[method-assign]


def scattered_faults(gw: Any, seed: int, n: int, network: int, server: int) -> None:
    """``network`` ServerDisconnectedErrors and ``server`` HTTP 500s at random POST attempts 1..n."""
    import aiohttp

    from offline.faults import Fault, http_error

    rng = random.Random(seed)
    positions = rng.sample(range(1, max(n, network + server) + 1), network + server)
    plan: dict[int, BaseException] = {}
    for i, pos in enumerate(positions):
        plan[pos] = aiohttp.ServerDisconnectedError() if i < network else http_error(500)

    @dataclass
    class Scattered(Fault):
        plan: dict[int, BaseException] = field(default_factory=dict)
        seen: int = 0

        def matches(self, call: Any) -> bool:
            if call.key != self.route:
                return False
            self.seen += 1
            error = self.plan.get(self.seen)
            if error is None:
                return False
            self.error = error
            return True

    gw.faults.active.append(Scattered(POST, None, 0, None, plan=plan))


async def lanes_idle(bot: Any, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while (bot.delivery.busy or any(lock.locked() for lock in bot.delivery._lanes.values())) \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def drive_forbidden(bot: Any, gw: Any, app: Any, t0: datetime, warnings: list[str]) -> dict[str, Any]:
    """Scenario 4: simulated time, 5 s steps over 10 minutes with the channel refusing, then 2 more
    minutes after the refusal is lifted (parked rows must stay parked: nobody retried them)."""
    from bot.delivery import CHANNEL_LANE
    from cogs.sessions.jobs import SessionJobs

    jobs = bot.runtime(SessionJobs)
    fault = gw.faults.add(POST, 403, path_contains=REFUSED)
    step = timedelta(seconds=5)
    t = t0
    steps = 0
    while t <= t0 + timedelta(minutes=12):
        if t > t0 + timedelta(minutes=10) and fault in gw.faults.active:
            gw.faults.clear()
        await jobs.tick(now=t)
        await lanes_idle(bot)
        await bot.delivery.run_due(CHANNEL_LANE, now=t)
        steps += 1
        t += step
    refused_posts = sum(1 for c in gw.calls if c.key == POST and f"/channels/{REFUSED}/" in c.path)
    healthy_posts = sum(1 for c in gw.calls if c.key == POST and f"/channels/{ANNOUNCEMENTS}/" in c.path)
    async with app.db.begin() as session:
        rows = (await session.execute(select(OutboxDelivery.channel_id, OutboxDelivery.status, func.count())
                                      .group_by(OutboxDelivery.channel_id, OutboxDelivery.status))).all()
    by = {(int(c or 0), s): int(n) for c, s, n in rows}
    return {"steps": steps, "refused_posts": refused_posts, "healthy_posts": healthy_posts,
            "parked": by.get((REFUSED, "parked"), 0), "refused_other": {s: n for (c, s), n in by.items()
                                                                        if c == REFUSED and s != "parked"},
            "healthy_sent": by.get((ANNOUNCEMENTS, "sent"), 0),
            "warnings": [w for w in warnings if "bot.delivery" in w]}


async def drive_digest(bot: Any, gw: Any, app: Any, seen: list[tuple[str, str, float]],
                       limit: float) -> dict[str, Any]:
    """Scenario 5: REAL time with the product's defaults; the first digest POST answers 500."""
    from cogs.digest.jobs import post_digest

    gw.faults.add(POST, 500, path_contains=ANNOUNCEMENTS, times=1)
    failed_at = time.time()
    first = await post_digest(bot)
    async with app.db.begin() as session:
        row = (await session.scalars(select(OutboxDelivery).where(OutboxDelivery.kind == "digest.weekly"))).one()
    nonce = f"sse-o{row.id}"
    due_again = row.due_at
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not any(s[0] == nonce for s in seen):
        await asyncio.sleep(0.2)
    sent = [s[2] for s in seen if s[0] == nonce]
    await lanes_idle(bot)
    async with app.db.begin() as session:
        row = await session.get(OutboxDelivery, row.id)
        status, attempts = row.status, row.attempts
    attempts_posted = sum(1 for c in gw.calls if c.key == POST and f"/channels/{ANNOUNCEMENTS}/" in c.path)
    return {"first_outcome_sent": first, "retry_due_after_s": (due_again.replace(tzinfo=UTC).timestamp() - failed_at),
            "sent_after_s": (sent[0] - failed_at) if sent else None, "status": status, "attempts": attempts,
            "posts": attempts_posted, "received": len(sent), "waited_s": time.time() - failed_at}


async def child_main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    warnings: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(f"{record.levelname} {record.name}: {record.getMessage()}")

    logging.getLogger().addHandler(Keep())
    from offline import boot_offline

    seen: list[tuple[str, str, float]] = []
    setup = None
    if args.mode == "errors":
        def setup(gw: Any) -> None:
            scattered_faults(gw, args.seed, args.n, args.network_errors, args.server_errors)
    install_recorder(Path(args.receipts), args.tag, args.latency_ms / 1000, seen, setup)
    app = await child_app(Path(args.tmp), args.db, json.loads(args.config))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    bot, gw = await boot_offline(app)
    print(f"READY {time.time():.6f}", flush=True)
    result: dict[str, Any] | None = None
    if args.mode == "forbidden":
        result = await drive_forbidden(bot, gw, app, datetime.fromisoformat(args.t0), warnings)
    elif args.mode == "digest":
        result = await drive_digest(bot, gw, app, seen, args.limit)
    else:
        await stop.wait()
    if result is not None:
        print("RESULT " + json.dumps(result, default=str), flush=True)
    try:
        await asyncio.wait_for(gw.close(), 20)
    finally:
        await asyncio.wait_for(app.close(), 10)
