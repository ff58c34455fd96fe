"""Waitlist under load: 500 members, 50 places, 100 cancellations in 10 s, concurrently, through
the service on a real database file (SQLite by default; PostgreSQL with --postgres URL, or when
TEST_DATABASE_URL / DATABASE_URL points at one).

Members 0–49 hold the places and the other 450 join the waitlist in order. The first 50
cancellations are the original holders; the next 50 are the first 50 members promoted (each
cancels 5 s after the cancellation that gave them their place). Every cancellation runs as its
own unit of work, dispatched at a steady rate without waiting for the others. At the end every
freed place must have gone to exactly one member, in waitlist order, and each promoted member
must have exactly one waitlist DM in the outbox.

    .venv/bin/python bench/bench_waitlist.py [--members 500] [--places 50] [--cancellations 100]
                                             [--seconds 10] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from datetime import UTC, datetime, timedelta

from _common import make_app, percentiles, tempdir
from sqlalchemy import func, select

from cogs.sessions.models import SessionRsvp, SessionWaitlist, TrainingSession
from cogs.sessions.outgoing import WAITLIST_DM
from cogs.sessions.rsvp import RsvpService
from cogs.sessions.waitlist import WaitlistService
from db.models import OutboxDelivery


def _postgres_from_env() -> str | None:
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return None


async def main(members: int, capacity: int, cancellations: int, seconds: float, database_url: str | None) -> int:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir(), database_url)
    now = datetime.now(UTC)
    start = now + timedelta(days=3)
    async with app.db.begin() as session:
        row = TrainingSession(occurrence=0, title="Popular clinic", description="", start_utc=start,
                              end_utc=start + timedelta(hours=1), original_start_utc=start, timezone="Asia/Bangkok",
                              format="clinic", languages=["en"], countries=[], capacity=capacity, status="scheduled",
                              sequence=0, time_revision=0, created_by=1)
        session.add(row)
        await session.flush()
        sid = row.id
    users = [10_000 + i for i in range(members)]
    rsvp, waitlist = app.service(RsvpService), app.service(WaitlistService)
    t_setup = time.perf_counter()
    for uid in users[:capacity]:
        async with app.db.begin_write() as session:
            await rsvp.rsvp(session, sid, uid, "going")
    for uid in users[capacity:]:
        async with app.db.begin_write() as session:
            await waitlist.join(session, sid, uid)
    setup = time.perf_counter() - t_setup
    queue = users[capacity:]
    first_wave = min(cancellations, capacity)
    cancellers = users[:first_wave] + queue[:cancellations - first_wave]

    latencies: list[float] = []
    failures: list[str] = []

    async def cancel(uid: int) -> None:
        t = time.perf_counter()
        try:
            async with app.db.begin_write() as session:
                await rsvp.rsvp(session, sid, uid, "declined")
        except Exception as exc:  # reported, and fails the run
            failures.append(f"{uid}: {exc!r}")
        latencies.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    interval = seconds / cancellations
    tasks = []
    for i, uid in enumerate(cancellers):
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(cancel(uid)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0

    async with app.db.begin() as session:
        dm_order = (await session.scalars(select(OutboxDelivery.user_id).where(OutboxDelivery.kind == WAITLIST_DM)
                                          .order_by(OutboxDelivery.id))).all()
        going = await session.scalar(select(func.count()).select_from(SessionRsvp).where(
            SessionRsvp.session_id == sid, SessionRsvp.status == "going"))
        left = (await session.scalars(select(SessionWaitlist.user_id).where(SessionWaitlist.session_id == sid)
                                      .order_by(SessionWaitlist.id))).all()
    expected = queue[:cancellations]
    in_order = list(dm_order) == expected
    once = len(dm_order) == len(set(dm_order))
    print(f"{members} members, {capacity} places, {len(queue)} on the waitlist (set up in {setup:.1f} s); "
          f"{cancellations} cancellations dispatched over {seconds:.0f} s, all done after {elapsed:.1f} s ({app.db.dialect})")
    print(f"cancellation (with promotion) latency: {percentiles(latencies)}; failures: {len(failures)}")
    print(f"promoted {len(dm_order)} (expected {len(expected)}); one DM each: {'YES' if once else 'NO'}; "
          f"in waitlist order: {'YES' if in_order else 'NO'}; going now {going}/{capacity}; "
          f"waitlist now {len(left)} (expected {len(queue) - cancellations})")
    for line in failures[:5]:
        print("  failed:", line)
    ok = in_order and once and not failures and going == capacity and list(left) == queue[cancellations:]
    print("every freed place went to exactly one member, in order:", "YES" if ok else "NO")
    await app.close()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--cancellations", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--postgres", help="run on PostgreSQL at this URL instead of SQLite")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.members, args.places, args.cancellations, args.seconds,
                                      args.postgres or _postgres_from_env())))
