"""Reminder DMs go out at a bounded rate (Discord flags bots that mass-DM).

40 members RSVP Going; the 1-hour reminder fires; we time every DM reaching "Discord" and
report the achieved rate against ``reminders.dm_per_second`` (default 2/s), plus the delay of
the channel reminder, which must not wait for the DMs.

    .venv/bin/python bench/bench_dm_rate.py [--members 40] [--per-second 2]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from _common import ANNOUNCEMENTS, make_app, tempdir
from _gateway import button, click_nowait

from cogs.sessions.jobs import SessionJobs
from cogs.sessions.reading import TrainingSessionService
from offline import Call, boot_offline


async def main(members: int, per_second: float) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir(), reminders={"dm_per_second": per_second})
    bot, gw = await boot_offline(app)
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    await gw.slash("session create", user=gw.facilitator_id, title="DM pacing", start=start, timezone="UTC")
    msg = next(m for m in gw.messages.values() if m["embeds"] and int(m["channel_id"]) == ANNOUNCEMENTS)
    for i in range(members):
        click_nowait(gw, int(msg["id"]), button(msg, "Going"), gw.add_user(f"m{i}"))
    await gw.settle()
    stamps: list[tuple[float, bool]] = []
    send = gw.routes[("POST", "/channels/{channel_id}/messages")]

    def timed(call: Call, p: dict[str, str]) -> object:
        is_dm = gw.channels.get(int(p["channel_id"]), {}).get("type") == 1
        stamps.append((time.perf_counter(), is_dm))
        return send(call, p)

    gw.routes[("POST", "/channels/{channel_id}/messages")] = timed
    async with app.db.begin() as session:
        training_session = (await app.service(TrainingSessionService).upcoming(session)).items[0]
    jobs = bot.runtime(SessionJobs)
    t0 = time.perf_counter()
    sent = await jobs.fire(training_session.id, now=training_session.start_utc - timedelta(minutes=60))
    dm_times = [t for t, is_dm in stamps if is_dm]
    channel = [t - t0 for t, is_dm in stamps if not is_dm]
    rate = (len(dm_times) - 1) / (dm_times[-1] - dm_times[0]) if len(dm_times) > 1 else float("nan")
    print(f"{sent} messages: channel reminder after {channel[0] * 1000:.0f} ms; {len(dm_times)} DMs over "
          f"{dm_times[-1] - dm_times[0]:.1f} s = {rate:.2f} DMs/s (limit {per_second}/s)")
    await gw.close()
    await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--per-second", type=float, default=2.0)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.per_second))
