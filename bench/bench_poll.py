"""Poll storm: 1,000 votes in 10 s through PollService on a real database file; every vote counted once.

600 members vote for one or several of 5 slots; some press a slot a second time later (taking
the vote back), as a person changing their mind would. Votes are dispatched at a steady rate
without waiting for each other, each in its own unit of work (``db.begin_write``, as the button
does). At the end the stored votes must equal, per slot, what the members' presses add up to,
with no (slot, member) pair stored twice. SQLite by default; PostgreSQL when TEST_DATABASE_URL
(or --postgres) points at one.

    .venv/bin/python bench/bench_poll.py [--votes 1000] [--seconds 10] [--members 600] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from _common import FACILITATOR_ROLE, make_app, percentiles, tempdir
from sqlalchemy import func, select

from bot.permissions import Actor
from cogs.polls.models import PollVote
from cogs.polls.service import PollService


async def main(votes: int, seconds: float, members: int, database_url: str | None) -> int:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir(), database_url)
    polls = app.service(PollService)
    facilitator = Actor(user_id=1, role_ids=frozenset({FACILITATOR_ROLE}))
    base = datetime.now(UTC) + timedelta(days=7)
    slots = "; ".join((base + timedelta(days=d)).strftime("%Y-%m-%d %H:%M") for d in range(5))
    async with app.db.begin() as session:
        poll, _keys = await polls.create(session, facilitator, title="Benchmark poll", slots=slots, timezone="UTC")
    slot_ids = [s.id for s in poll.slots]

    rng = random.Random(14)
    firsts = [(10_000 + rng.randrange(members), rng.choice(slot_ids)) for _ in range(votes - votes // 10)]
    plan: list[tuple[int, int] | None] = list(firsts)
    # every 9th press is pressed again ~0.5 s later (taking it back, or voting again after that)
    gap = max(1, int(0.5 * votes / seconds))
    for i in range(0, len(firsts), 9):
        if len(plan) >= votes:
            break
        at = min(len(plan), i + gap)
        plan.insert(at, firsts[i])
    plan = plan[:votes]

    latencies: list[float] = []
    failures: list[BaseException] = []

    async def press(uid: int, slot_id: int) -> None:
        t = time.perf_counter()
        try:
            async with app.db.begin_write() as session:
                await polls.vote(session, poll.id, slot_id, uid)
        except BaseException as exc:
            failures.append(exc)
        latencies.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    interval = seconds / len(plan)
    tasks = []
    for i, item in enumerate(plan):
        assert item is not None
        delay = t0 + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(press(*item)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0

    presses = Counter(item for item in plan if item is not None)
    expected = Counter(slot for (uid, slot), n in presses.items() if n % 2 == 1)
    async with app.db.begin() as session:
        rows = (await session.execute(select(PollVote.slot_id, PollVote.user_id).where(PollVote.poll_id == poll.id))).all()
        total = await session.scalar(select(func.count()).select_from(PollVote).where(PollVote.poll_id == poll.id))
    stored = Counter(slot for slot, _uid in rows)
    duplicates = len(rows) - len(set(rows))
    repeats = sum(n - 1 for n in presses.values())
    print(f"{len(plan)} presses ({repeats} of them a second press of the same slot) from "
          f"{len({u for u, _ in presses})} members on {len(slot_ids)} slots dispatched in {seconds:.0f} s; "
          f"all stored after {elapsed:.1f} s ({app.db.dialect})")
    print(f"press -> committed latency: {percentiles(latencies)}; failures: {len(failures)}")
    print(f"stored votes per slot {[stored[s] for s in slot_ids]}; expected {[expected[s] for s in slot_ids]}; "
          f"rows {total}; duplicate (slot, member) rows {duplicates}")
    ok = stored == expected and not failures and not duplicates
    print("every vote counted exactly once:", "YES" if ok else "NO")
    await app.close()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"),
                        help="run on PostgreSQL at this URL instead of SQLite (default: TEST_DATABASE_URL)")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.votes, args.seconds, args.members, args.postgres)))
