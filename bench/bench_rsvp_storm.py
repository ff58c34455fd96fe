"""RSVP storm: 1,000 clicks in 10 s through the offline gateway; every click counted once.

800 members click (some twice, some changing their mind); the clicks are dispatched at a steady
rate without waiting for each other, like a burst on a popular announcement. At the end the
database counts and the announcement's button labels must match what the members last chose.

    .venv/bin/python bench/bench_rsvp_storm.py [--clicks 1000] [--seconds 10] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from datetime import UTC, datetime, timedelta

from _common import ANNOUNCEMENTS, make_app, percentiles, tempdir
from _gateway import button, click_nowait

from cogs.sessions.reading import TrainingSessionService
from offline import Call, boot_offline


async def main(clicks: int, seconds: float, members: int, database_url: str | None) -> int:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir(), database_url)
    bot, gw = await boot_offline(app)
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    await gw.slash("session create", user=gw.facilitator_id, title="Popular webinar", start=start, timezone="UTC")
    msg = next(m for m in gw.messages.values() if m["embeds"] and int(m["channel_id"]) == ANNOUNCEMENTS)
    mid = int(msg["id"])
    ids = {label: button(msg, label) for label in ("Going", "Interested", "Can't go")}
    users = [gw.add_user(f"member{i}") for i in range(members)]
    rng = random.Random(7)
    singles = [(users[i % members], rng.choice(["Going", "Going", "Interested", "Can't go"]))
               for i in range(clicks - clicks // 10)]
    rng.shuffle(singles)
    plan = []
    for i, click in enumerate(singles):
        plan.append(click)
        if i % 9 == 0 and len(plan) < clicks:
            plan.append(click)  # a double click: same member, same button, back to back

    answered: dict[int, float] = {}
    sent_at: dict[int, float] = {}
    callback = gw.routes[("POST", "/interactions/{webhook_id}/{webhook_token}/callback")]

    def timed_callback(call: Call, p: dict[str, str]) -> object:
        answered.setdefault(int(p["webhook_id"]), time.perf_counter())
        return callback(call, p)

    gw.routes[("POST", "/interactions/{webhook_id}/{webhook_token}/callback")] = timed_callback
    # The final choice per member is the last click *processed*: clicks from one member are
    # dispatched at least 10 ms apart, as a person would click.
    t0 = time.perf_counter()
    interval = seconds / clicks
    results = []
    for i, (uid, label) in enumerate(plan):
        target = t0 + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        result = click_nowait(gw, mid, ids[label], uid)
        sent_at[result.id] = time.perf_counter()
        results.append(result)
    await gw.settle(timeout=120)
    elapsed = time.perf_counter() - t0

    latencies = [answered[r.id] - sent_at[r.id] for r in results if r.id in answered]
    unanswered = [r.id for r in results if r.id not in answered]
    last: dict[int, str] = {}
    for uid, label in plan:
        last[uid] = label
    expected = {"going": 0, "interested": 0, "declined": 0}
    for label in last.values():
        expected[{"Going": "going", "Interested": "interested", "Can't go": "declined"}[label]] += 1
    async with app.db.begin() as session:
        page = await app.service(TrainingSessionService).upcoming(session)
        counts = page.items[0].rsvp.as_dict()
    labels = [c["label"] for row in gw.messages[mid]["components"] for c in row["components"]][:3]
    print(f"{len(plan)} clicks ({len(plan) - len(singles)} of them double clicks) from {members} members dispatched in {seconds:.0f} s; all handled after {elapsed:.1f} s "
          f"({app.db.dialect})")
    print(f"click -> response latency: {percentiles(latencies)}; unanswered: {len(unanswered)}")
    print(f"database counts {counts}; expected from last clicks {expected}; announcement buttons {labels}")
    ok = counts == expected and not unanswered and not gw.violations
    print("every click counted once:", "YES" if ok else "NO")
    await gw.close()
    await app.close()
    _ = bot
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--members", type=int, default=800)
    parser.add_argument("--postgres", help="run on PostgreSQL at this URL instead of SQLite")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.clicks, args.seconds, args.members, args.postgres)))
