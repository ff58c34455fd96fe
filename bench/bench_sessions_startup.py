"""Start-up with 10,000 future sessions and their reminders: time to rebuild the scheduler's jobs
from the database (target < 1 s), and the whole offline boot of the bot for context.

    .venv/bin/python bench/bench_sessions_startup.py [--sessions 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from _common import make_app, tempdir
from sqlalchemy import insert

from cogs.sessions.jobs import SessionJobs
from cogs.sessions.models import SessionReminder, TrainingSession
from offline import boot_offline


async def seed(app, n: int) -> int:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    offsets = app.config.reminders.offsets_minutes
    sessions, reminders = [], []
    for i in range(1, n + 1):
        start = now + timedelta(days=2, minutes=10 * i)
        sessions.append({
            "id": i, "occurrence": 0, "title": f"Session {i}", "description": "", "start_utc": start,
            "end_utc": start + timedelta(minutes=60), "original_start_utc": start, "timezone": "Asia/Bangkok",
            "format": "webinar", "languages": ["en"], "countries": [], "status": "scheduled", "sequence": 0,
            "time_revision": 0, "created_by": 1, "created_at": now, "updated_at": now,
            "channel_id": 1, "message_id": i,  # already announced: the boot does not post 10,000 messages
        })
        for off in offsets:
            reminders.append({"session_id": i, "offset_minutes": off, "kind": "channel",
                              "revision": 0, "due_at": start - timedelta(minutes=off)})
        reminders.append({"session_id": i, "offset_minutes": -75, "kind": "followup", "revision": 0,
                          "due_at": start + timedelta(minutes=75)})
    async with app.db.begin() as session:
        await session.execute(insert(TrainingSession), sessions)
        await session.execute(insert(SessionReminder), reminders)
    return len(reminders)


async def main(n: int, runs: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir())
    rows = await seed(app, n)
    print(f"seeded {n:,} future sessions with {rows:,} reminder rows (SQLite)")
    bot, gw = await boot_offline(app)
    try:
        jobs = bot.runtime(SessionJobs)
        timings = []
        for _ in range(runs):
            for job_id in app.scheduler.job_ids("sessions:"):
                app.scheduler.cancel(job_id)
            t = time.perf_counter()
            due = await jobs.rebuild()
            timings.append(time.perf_counter() - t)
        print(f"rebuild of the reminder timer from {rows:,} reminder rows (next due {due:%Y-%m-%d %H:%M} UTC): "
              f"best {min(timings) * 1000:.0f} ms, median {sorted(timings)[len(timings) // 2] * 1000:.0f} ms, "
              f"worst {max(timings) * 1000:.0f} ms over {runs} runs (target < 1000 ms)")
    finally:
        await gw.close()
    # a cold start: a new App and bot, the scheduler empty, the cog rebuilding in setup_hook
    await app.close()
    app2 = await make_app(app.settings.config_path.parent)
    t = time.perf_counter()
    _bot2, gw2 = await boot_offline(app2)
    boot = time.perf_counter() - t
    print(f"whole offline boot (login, cogs, rebuild, READY): {boot * 1000:.0f} ms; "
          f"jobs: {app2.scheduler.job_ids('sessions:')}")
    await gw2.close()
    await app2.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.runs))
