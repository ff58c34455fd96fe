"""Calendar feed generation for 1,000 sessions (one-offs and weekly series, some cancelled, some
with materials, in three time zones): FeedService.build in-process and ``GET /calendar.ics``
through the ASGI stack, p50/p95 and the feed's size; then a country feed, a personal feed of 100
RSVPs, and the 304 a calendar app gets when nothing changed.

    .venv/bin/python bench/bench_feeds.py [--sessions 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
from _common import make_app, percentiles, tempdir
from sqlalchemy import insert

from bot.web.app import create_web_app
from cogs.sessions.feeds import FeedScope, FeedService
from cogs.sessions.models import SessionRsvp, TrainingSeries, TrainingSession

ZONES = ("Asia/Bangkok", "Asia/Tokyo", "Asia/Bishkek")
COUNTRIES = (["TH"], ["VN", "KH"], [], ["JP"], ["MN", "KG"])
SERIES_LENGTH = 8


async def seed(app, n: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """``n`` sessions: a third in weekly series of 8, the rest one-offs; every 20th cancelled, every
    10th with a recording; 100 RSVPs by member 1. Returns (one-offs, series)."""
    now = datetime.now(UTC)
    sessions, series, rsvps = [], [], []
    in_series = (n // 3) // SERIES_LENGTH * SERIES_LENGTH
    sid = 0
    for s in range(1, in_series // SERIES_LENGTH + 1):
        first = now - timedelta(days=30) + timedelta(days=s, hours=s % 7)
        zone = ZONES[s % len(ZONES)]
        series.append({"id": s, "frequency": "weekly", "count": SERIES_LENGTH, "timezone": zone,
                       "first_start_utc": first, "created_by": 1, "created_at": now})
        for k in range(SERIES_LENGTH):
            sid += 1
            start = first + timedelta(weeks=k)
            sessions.append(row(sid, start, zone, now, series_id=s, occurrence=k))
    for _ in range(n - in_series):
        sid += 1
        start = now - timedelta(days=90) + timedelta(hours=5 * sid)
        sessions.append(row(sid, start, ZONES[sid % len(ZONES)], now))
    rsvps = [{"session_id": i, "user_id": 1, "status": "going", "updated_at": now} for i in range(1, n + 1, n // 100)]
    async with app.db.begin() as session:
        await session.execute(insert(TrainingSeries), series)
        await session.execute(insert(TrainingSession), sessions)
        await session.execute(insert(SessionRsvp), rsvps)
    return n - in_series, len(series)


def row(i: int, start: datetime, zone: str, now: datetime, *, series_id: int | None = None,
        occurrence: int = 0) -> dict[str, object]:
    return {
        "id": i, "series_id": series_id, "occurrence": occurrence, "title": f"Cooperative law clinic {i}",
        "description": "What the new cooperative law changes for members, with time for questions.",
        "start_utc": start, "end_utc": start + timedelta(minutes=90), "original_start_utc": start,
        "timezone": zone, "format": "clinic", "languages": ["en", "th"] if i % 2 else ["vi"],
        "countries": COUNTRIES[i % len(COUNTRIES)], "join_url": "https://zoom.us/j/123",
        "status": "cancelled" if i % 20 == 0 else "scheduled", "sequence": i % 3, "time_revision": 0,
        "recording_url": "https://youtu.be/abc" if i % 10 == 0 and start < now else None,
        "created_by": 1, "created_at": now, "updated_at": now,
    }


async def timed(runs: int, call) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    out, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = await call()
        out.append(time.perf_counter() - t)
    return out, result


async def main(n: int, runs: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    app = await make_app(tempdir())
    one_offs, series = await seed(app, n)
    print(f"seeded {n:,} sessions: {one_offs:,} one-offs and {series} weekly series of {SERIES_LENGTH} (SQLite)")
    feeds = app.service(FeedService)

    async def build(scope: FeedScope):  # type: ignore[no-untyped-def]
        async with app.db.begin() as session:
            return await feeds.build(session, scope, language="en")

    cold, cpu = [], []
    for _ in range(max(3, runs // 10)):  # nothing written yet: every event written again
        feeds._cache.clear()
        t, c = time.perf_counter(), time.process_time()
        feed = await build(FeedScope())
        cold.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"FeedService.build (every session, cold: no event cached): {percentiles(cold)}; "
          f"{len(feed.body):,} bytes, {feed.events:,} VEVENTs")
    # the process's CPU time (its threads included): what the build costs when the machine is shared
    print(f"FeedService.build (cold), CPU time: {percentiles(cpu)}")
    for label, scope in (("every session", FeedScope()), ("country TH", FeedScope("country", "TH")),
                         ("personal, 100 RSVPs", FeedScope("member", 1))):
        await build(scope)  # warm: the events written once
        timings, feed = await timed(runs, lambda scope=scope: build(scope))
        print(f"FeedService.build ({label}, warm): {percentiles(timings)}; "
              f"{len(feed.body):,} bytes, {feed.events:,} VEVENTs")  # type: ignore[attr-defined]
    # one edit: only that session's event is written again
    async with app.db.begin() as session:
        edited = await session.get(TrainingSession, n)
        assert edited is not None
        edited.title, edited.sequence = "Renamed", edited.sequence + 1
    timings, _ = await timed(1, lambda: build(FeedScope()))
    print(f"FeedService.build (every session, after one edit): {timings[0] * 1000:.1f} ms")

    web = create_web_app(app)  # the whole site: language and security middleware included
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bench") as client:
        first = await client.get("/calendar.ics")
        timings, _ = await timed(runs, lambda: client.get("/calendar.ics"))
        print(f"GET /calendar.ics through ASGI: {percentiles(timings)}; {len(first.content):,} bytes")
        etag = first.headers["etag"]
        timings, answer = await timed(runs, lambda: client.get("/calendar.ics", headers={"If-None-Match": etag}))
        print(f"GET /calendar.ics with If-None-Match (status {answer.status_code}): {percentiles(timings)}")  # type: ignore[attr-defined]
    await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.runs))
