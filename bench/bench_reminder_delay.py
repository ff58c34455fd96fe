"""Reminder firing delay under load (target p95 < 2 s).

N sessions have their reminders fall due over a few seconds while members keep clicking RSVP
buttons (~100 clicks/s). The real scheduler fires them through the offline gateway; the delay
is the time between a reminder's due time and its channel message reaching "Discord".

    .venv/bin/python bench/bench_reminder_delay.py [--sessions 500] [--window 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from _common import ANNOUNCEMENTS, announced_session, make_app, percentiles, tempdir
from _gateway import button, click_nowait
from sqlalchemy import insert, select

from cogs.sessions.models import SessionReminder, TrainingSession
from db.models import OutboxDelivery
from offline import Call, boot_offline


async def main(n: int, window: float, clicks_per_second: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir())
    now = datetime.now(UTC)
    first_due = now + timedelta(seconds=3)
    sessions, reminders = [], []
    for i in range(1, n + 1):
        rows = announced_session(i, start=now + timedelta(days=2), due=first_due + timedelta(seconds=window * (i - 1) / n),
                                 now=now)
        sessions.append(rows[0])
        reminders.append(rows[1])
    async with app.db.begin() as session:
        await session.execute(insert(TrainingSession), sessions)
        await session.execute(insert(SessionReminder), reminders)
        due_by_id = {rid: due for rid, due in (await session.execute(
            select(SessionReminder.id, SessionReminder.due_at))).all()}

    bot, gw = await boot_offline(app)
    delays: list[float] = []
    send = gw.routes[("POST", "/channels/{channel_id}/messages")]

    reminder_nonces: set[str] = set()

    async def timed_send(call: Call, p: dict[str, str]) -> object:
        # the outbox row behind the nonce names the reminder, whose due time we know
        nonce = str((call.json or {}).get("nonce") or "")
        if nonce.startswith("sse-o"):
            async with app.db.begin() as session:
                row = await session.get(OutboxDelivery, int(nonce.removeprefix("sse-o")))
            if row is not None and row.kind == "sessions.reminder":
                delays.append((datetime.now(UTC) - due_by_id[row.params["reminder_id"]]).total_seconds())
                reminder_nonces.add(nonce)
        return send(call, p)

    gw.routes[("POST", "/channels/{channel_id}/messages")] = timed_send
    # load: a real announcement that members keep clicking while the reminders fall due
    await gw.slash("session create", user=gw.facilitator_id, title="Load", start=(now + timedelta(days=3)).strftime(
        "%Y-%m-%d %H:%M"), timezone="UTC")
    announcement = next(m for m in gw.messages.values() if m["embeds"] and int(m["channel_id"]) == ANNOUNCEMENTS)
    users = [gw.add_user(f"member{i}") for i in range(2000)]
    statuses = ["Going", "Interested", "Can't go"]
    clicks = 0
    deadline = time.monotonic() + window + 30
    while len(delays) < n and time.monotonic() < deadline:
        for _ in range(clicks_per_second // 20):
            click_nowait(gw, int(announcement["id"]), button(announcement, statuses[clicks % 3]),
                         users[clicks % len(users)])
            clicks += 1
        await asyncio.sleep(0.05)
    await gw.settle(timeout=60)
    print(f"{n} reminders due over {window:.0f} s, with {clicks} RSVP clicks in flight meanwhile")
    print(f"firing delay (due -> message sent): {percentiles(delays)}  (target p95 < 2000 ms)")
    sent = sum(1 for m in gw.messages.values() if m.get("nonce") in reminder_nonces)
    print(f"reminder messages sent: {sent} (expected {n}, each exactly once)")
    await gw.close()
    await app.close()
    _ = bot


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--window", type=float, default=5.0)
    parser.add_argument("--clicks-per-second", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.window, args.clicks_per_second))
