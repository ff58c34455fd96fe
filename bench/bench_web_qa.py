"""The published Q&A on the web site through the ASGI stack in-process (httpx's ASGI transport):
the home page (with its newest published questions), ``/qa``, a question page and ``/search`` with
its Q&A section, over the mixed-script corpus with 5,000 Q&A posts (every 50th message of 1M
becomes part of a post of 4 messages), half their authors publishing.

    .venv/bin/python bench/bench_web_qa.py --messages 1000000 --keep   # reuse with --db next time
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import httpx
import yaml
from bench_search import CHANNEL, build, mark_solved, pct

from bot.app import App
from bot.config import load_settings
from bot.web.app import create_web_app

ROOT = Path(__file__).resolve().parent.parent
FORUM = 710000000000000202
AUTHORS = 2000  # question and answer authors; the even ones publish


def settings_for(db_path: Path, workdir: Path):  # type: ignore[no-untyped-def]
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump({
        "guild_id": 710000000000000001, "channels": {"archived": [CHANNEL], "qa_forum": FORUM},
        "content_dir": str(ROOT / "content"), "log_level": "WARNING",
    }), encoding="utf-8")
    return load_settings(cfg, env={"DATABASE_URL": f"sqlite+aiosqlite:///{db_path}"})


def add_qa(db_path: Path, posts: int) -> int:
    """``posts`` Q&A posts of 4 messages (question + 3 answers) spread over the corpus, 40% solved,
    authors drawn from AUTHORS members of whom half publish."""
    db = sqlite3.connect(db_path)
    if db.execute("SELECT count(*) FROM qa_questions").fetchone()[0]:
        if not db.execute("SELECT count(*) FROM user_preferences").fetchone()[0]:
            adopt(db)  # a database bench_search.py built
            db.commit()
        db.close()
        return 0
    total = db.execute("SELECT count(*) FROM archive_messages").fetchone()[0]
    step = max(1, total // (posts * 4))
    ids = [r[0] for r in db.execute(f"SELECT id FROM archive_messages WHERE rowid % {step} = 0 ORDER BY id")]
    rng = random.Random(5)
    questions = []
    for n, i in enumerate(range(0, min(len(ids) - 3, posts * 4), 4)):
        thread = ids[i]
        asker = 100000 + rng.randrange(AUTHORS)
        db.execute("UPDATE archive_messages SET kind = 'question', thread_id = ?, author_id = ? WHERE id = ?",
                   (thread, asker, thread))
        db.executemany("UPDATE archive_messages SET kind = 'answer', thread_id = ?, author_id = ? WHERE id = ?",
                       [(thread, 100000 + rng.randrange(AUTHORS), a) for a in ids[i + 1 : i + 4]])
        content = db.execute("SELECT content FROM archive_messages WHERE id = ?", (thread,)).fetchone()[0]
        solved = "2025-01-01 00:00:00.000000" if n % 5 < 2 else None
        questions.append((thread, FORUM, 1, asker, content[:90] or "question", "2024-01-01 00:00:00.000000",
                          ids[i + 1] if solved else None, solved))
    db.executemany("INSERT INTO qa_questions(thread_id, forum_id, guild_id, author_id, title, created_at, answer_id, "
                   "solved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", questions)
    db.executemany("INSERT INTO user_preferences(user_id, dm_reminders, publish_web, web_name, updated_at) "
                   "VALUES (?, 1, ?, ?, '2026-01-01 00:00:00.000000')",
                   [(100000 + a, a % 2 == 0, f"Member {a}" if a % 2 == 0 else None) for a in range(AUTHORS)])
    mark_solved(db)
    db.commit()
    db.close()
    return len(questions)


def adopt(db: sqlite3.Connection) -> None:
    """Make the posts of a bench_search.py database (every post by member 1, in its archived channel,
    which is never published) this benchmark's: posts of the Q&A forum, asked and answered by AUTHORS
    members of whom half publish, titled by their first words."""
    rng = random.Random(5)
    posts = db.execute("SELECT thread_id FROM qa_questions ORDER BY thread_id").fetchall()
    for (thread,) in posts:
        asker = 100000 + rng.randrange(AUTHORS)
        db.execute("UPDATE archive_messages SET author_id = ? WHERE id = ?", (asker, thread))
        answers = db.execute("SELECT id FROM archive_messages WHERE thread_id = ? AND kind = 'answer'", (thread,))
        db.executemany("UPDATE archive_messages SET author_id = ? WHERE id = ?",
                       [(100000 + rng.randrange(AUTHORS), a) for (a,) in answers.fetchall()])
        content = db.execute("SELECT content FROM archive_messages WHERE id = ?", (thread,)).fetchone()[0]
        db.execute("UPDATE qa_questions SET author_id = ?, forum_id = ?, title = ? WHERE thread_id = ?",
                   (asker, FORUM, content[:90] or "question", thread))
    db.executemany("INSERT INTO user_preferences(user_id, dm_reminders, publish_web, web_name, updated_at) "
                   "VALUES (?, 1, ?, ?, '2026-01-01 00:00:00.000000')",
                   [(100000 + a, a % 2 == 0, f"Member {a}" if a % 2 == 0 else None) for a in range(AUTHORS)])


async def timed(client: httpx.AsyncClient, paths: list[str]) -> list[float]:
    out = []
    for path in paths:
        t0 = time.perf_counter()
        response = await client.get(path)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 404), (path, response.status_code)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--db", help="reuse (or keep) this database file")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="sse-bench-"))
    db_path = Path(args.db) if args.db else workdir / "bench.db"
    fresh = not db_path.exists()
    app = await App.create(settings_for(db_path, workdir))
    if fresh:
        rate = await build(app, args.messages, args.batch)
        print(f"import: {rate:,.0f} msg/s")
    added = await asyncio.to_thread(add_qa, db_path, args.posts)
    async with app.db.engine.connect() as conn:
        total = (await conn.exec_driver_sql("SELECT count(*) FROM archive_messages")).scalar_one()
        posts = (await conn.exec_driver_sql("SELECT count(*) FROM qa_questions")).scalar_one()
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"corpus: {total:,} archived messages, {posts:,} Q&A posts ({added:,} added now), 40% solved, "
          f"half the authors publishing")
    web = create_web_app(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bench") as client:
        listing = await client.get("/qa")
        published = [int(href.split("/qa/")[1].split('"')[0]) for href in listing.text.split('href="')[1:]
                     if href.startswith("/qa/")]
        async with app.db.begin() as session:
            from cogs.qa.public import PublishedQA

            ids = await app.service(PublishedQA).ids(session)
            shown = await app.service(PublishedQA).count(session)
        print(f"published questions: {shown:,}")
        rng = random.Random(3)
        n = args.requests
        words = corpus.queries(n)
        cases = {
            "home /": ["/"] * n,
            "/qa (first page)": ["/qa"] * n,
            "/qa?page=k": [f"/qa?page={rng.randint(1, max(1, shown // 20))}" for _ in range(n)],
            "/qa/{id} (published)": [f"/qa/{rng.choice(ids)}" for _ in range(n)] if ids else [],
            "/qa/{id} (unknown: 404)": [f"/qa/{rng.randint(1, 10**9)}" for _ in range(n)],
            "/search?q= (terms, resources, Q&A)": [str(httpx.URL("/search", params={"q": w})) for w in words],
        }
        await timed(client, ["/", "/qa", *cases["/search?q= (terms, resources, Q&A)"][:10]])  # warm-up
        for name, paths in cases.items():
            if not paths:
                continue
            times = await timed(client, paths)
            print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms, "
                  f"max {max(times):.1f} ms (n={len(times)})")
        assert published or not ids
    await app.close()
    if not args.keep and not args.db:
        shutil.rmtree(workdir)
    else:
        print(f"database kept at {db_path}")


if __name__ == "__main__":
    asyncio.run(main())
