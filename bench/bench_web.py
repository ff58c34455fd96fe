"""Web page p95 through the whole ASGI stack in-process (security and language middleware, routing,
services, Jinja2), with a large archive and Q&A in the database: the home page (en and th) and search
pages over the public glossary and resources, and a glossary term page (th, km).

    .venv/bin/python bench/bench_web.py                         # 1,000,000 archived messages, 5,000 Q&A posts
    .venv/bin/python bench/bench_web.py --messages 100000       # quicker
    .venv/bin/python bench/bench_web.py --db bench/out/web.db --keep   # build once, rerun on it

Target (issue 12): p95 ≤ 20 ms per page. The Q&A posts are one in every 200 messages (4 messages
each), as in bench_search.py: 1M messages give 5,000 posts."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import announced_session, percentiles
from bench_search import add_qa, build, settings_for
from sqlalchemy import func, insert, select, update
from starlette.types import ASGIApp, Message

from bot.app import App
from bot.web.app import create_web_app
from bot.web.home import UpcomingCache
from cogs.qa.models import Question
from cogs.qa.public import PublishedQA
from cogs.search.models import ArchivedMessage
from cogs.sessions.models import TrainingSession
from db.models import UserPreference, utcnow

QA_FORUM = 710000000000000301
SESSIONS = 200  # upcoming sessions in the database (the home page shows the next few)
SEARCHES = ["cooperative", "social enterprise", "สหกรณ์", "សហករណ៍", "合作社", "협동조합", "koperasi", "hợp tác xã",
            "кооператив", "ສະຫະກອນ", "microfinance", "fair trade", "law", "<script>alert(1)</script>", "x"]


async def seed_sessions(app: App) -> None:
    now = utcnow()
    async with app.db.begin() as session:
        if await session.scalar(select(func.count()).select_from(TrainingSession)):
            return
        rows = [announced_session(100_000 + i, start=now + timedelta(hours=6 * (i + 1)), due=now, now=now)[0]
                for i in range(SESSIONS)]
        await session.execute(insert(TrainingSession), rows)


async def get(site: ASGIApp, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET through the ASGI app, as a server would call it (no HTTP client in the way)."""
    raw_path, _sep, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": raw_path, "raw_path": raw_path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()] + [(b"host", b"bench")],
             "client": ("127.0.0.1", 5000), "server": ("bench", 80)}
    status = 0
    body: list[bytes] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await site(scope, receive, send)
    return status, b"".join(body)


async def seed_consent(app: App) -> int:
    """Members who chose /privacy publish on: the askers (the corpus posts all have author 1) and every
    other answer author, so the published Q&A search and the home page's newest questions have work."""
    async with app.db.begin() as session:
        if await session.scalar(select(func.count()).select_from(UserPreference).where(UserPreference.publish_web)):
            return 0
        ids = [1, *range(100_000, 102_001, 2)]
        await session.execute(insert(UserPreference), [{"user_id": i, "publish_web": True} for i in ids])
        # bench_search puts the posts in its archived channel, which is never published: here they are
        # posts of a Q&A forum instead
        await session.execute(update(Question).values(forum_id=QA_FORUM))
        return len(ids)


async def timed(site: ASGIApp, path: str, rounds: int, headers: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        status, body = await get(site, path, headers)
        times.append(time.perf_counter() - t0)
        assert status == 200 and body, (path, status)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300, help="requests per page kind")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--db", help="reuse (or keep) this database file")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="sse-bench-web-"))
    db_path = Path(args.db) if args.db else workdir / "bench.db"
    if args.db:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not db_path.exists()
    app = await App.create(settings_for(db_path, workdir))
    if fresh:
        t0 = time.perf_counter()
        rate = await build(app, args.messages, args.batch)
        print(f"built {args.messages:,} archived messages in {time.perf_counter() - t0:,.0f} s ({rate:,.0f} msg/s)")
    await asyncio.to_thread(add_qa, db_path)
    await seed_sessions(app)
    await seed_consent(app)
    async with app.db.begin() as session:
        messages = await session.scalar(select(func.count()).select_from(ArchivedMessage)) or 0
        posts = await session.scalar(select(func.count()).select_from(Question)) or 0
        public = await app.service(PublishedQA).count(session)
    print(f"database: {messages:,} archived messages, {posts:,} Q&A posts ({public:,} published: askers and half "
          f"of the answer authors opted in), {SESSIONS} upcoming sessions")

    searches = SEARCHES + corpus.queries(45)
    site = create_web_app(app)
    for path in ("/", "/?lang=th", "/search?q=coop", "/glossary/cooperative?lang=th"):  # warm-up: templates compiled, caches filled
        await timed(site, path, 20)
    results = {
        "home (en)": await timed(site, "/", args.rounds),
        "home (th, Accept-Language)": await timed(site, "/", args.rounds,
                                                  {"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}),
        "term page (th)": await timed(site, "/glossary/cooperative?lang=th", args.rounds),
        "term page (km)": await timed(site, "/glossary/cooperative?lang=km", args.rounds),
        "home, sessions read each time": [],
        "search (km)": [],
    }
    site.state.upcoming = UpcomingCache(seconds=0)  # no cache: every home page reads the database
    results["home, sessions read each time"] = await timed(site, "/?lang=km", args.rounds)
    per_query = max(1, args.rounds // len(searches))
    for query in searches:
        results["search (km)"] += await timed(site, "/search?" + urlencode({"q": query, "lang": "km"}), per_query)
    for name, values in results.items():
        print(f"{name:31} {percentiles(values)}")
    print(f"search queries: {len(searches)} (glossary and resource words in 10 scripts, markup, corpus queries)")
    await app.close()
    if not args.keep and not args.db:
        shutil.rmtree(workdir)
    else:
        print(f"database kept at {db_path}")


if __name__ == "__main__":
    asyncio.run(main())
