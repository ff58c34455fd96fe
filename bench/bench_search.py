"""Import throughput, /search end to end through the offline harness vs the raw SQL it runs,
database size and process RSS, over a deterministic mixed-script corpus.

    .venv/bin/python bench/bench_search.py --messages 100000
    .venv/bin/python bench/bench_search.py --messages 1000000 --keep   # reuse with --db next time
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
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
import psutil
import yaml

from bot.app import App
from bot.config import load_settings
from cogs.search import archive, dce_import
from cogs.search import service as search
from db import search as fts
from offline import boot_offline

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = 710000000000000201


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def settings_for(db_path: Path, workdir: Path):  # type: ignore[no-untyped-def]
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump({
        "guild_id": 710000000000000001, "channels": {"archived": [CHANNEL], "qa_forum": 0},
        "content_dir": str(ROOT / "content"), "log_level": "WARNING",
    }), encoding="utf-8")
    return load_settings(cfg, env={"DATABASE_URL": f"sqlite+aiosqlite:///{db_path}"})


async def build(app: App, n: int, batch: int) -> float:
    chunk = 50_000
    stored = 0
    elapsed = 0.0
    for start in range(0, n, chunk):
        data = {"guild": {"id": "710000000000000001"}, "channel": {"id": str(CHANNEL)},
                "messages": list(corpus.messages(min(chunk, n - start), start=start, total=n))}
        t0 = time.perf_counter()
        records, _ = dce_import.parse_dce_export(data)
        for i in range(0, len(records), batch):
            async with app.db.begin() as session:
                stored += await archive.store_messages(session, records[i : i + batch])
        elapsed += time.perf_counter() - t0
        print(f"  imported {stored:,} ({stored / elapsed:,.0f} msg/s)", file=sys.stderr)
    return stored / elapsed


def mark_solved(db: sqlite3.Connection, posts: list[tuple[int, bool]]) -> int:
    """Re-index the messages of Q&A posts with their marks (kind, solved), as recording a question and
    marking an answer do: the old entries (a discussion message's marks) leave the index first."""
    rows = db.execute("SELECT m.id, m.content, m.kind FROM archive_messages m JOIN qa_questions q "
                      "ON q.thread_id = m.thread_id").fetchall()
    solved = {thread for thread, is_solved in posts if is_solved}
    thread_of = dict(db.execute("SELECT id, thread_id FROM archive_messages WHERE thread_id IS NOT NULL").fetchall())
    db.executemany("INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', ?, ?)",
                   [(mid, fts.fts_document(content, fts.message_marks("message"))) for mid, content, _ in rows])
    docs = [(mid, fts.fts_document(content, fts.message_marks(kind, in_post=True, solved=thread_of[mid] in solved)))
            for mid, content, kind in rows]
    for table in fts.SQLITE_TABLES:
        db.executemany(f"INSERT INTO {table}(rowid, body) VALUES (?, ?)", docs)
    return len(rows)


def add_qa(db_path: Path) -> int:
    """Turn every 50th message into Q&A: posts of 4 messages (question + 3 answers), 40 % solved."""
    db = sqlite3.connect(db_path)
    if db.execute("SELECT count(*) FROM qa_questions").fetchone()[0]:
        return 0
    ids = [r[0] for r in db.execute("SELECT id FROM archive_messages WHERE id % 50 = 0 ORDER BY id")]
    questions = []
    for i in range(0, len(ids) - 3, 4):
        thread = ids[i]
        db.execute("UPDATE archive_messages SET kind = 'question', thread_id = ? WHERE id = ?", (thread, thread))
        db.executemany("UPDATE archive_messages SET kind = 'answer', thread_id = ? WHERE id = ?",
                       [(thread, a) for a in ids[i + 1 : i + 4]])
        solved = "2025-01-01 00:00:00.000000" if (i // 4) % 5 < 2 else None
        questions.append((thread, CHANNEL, 1, 1, "bench question", "2024-01-01 00:00:00.000000", ids[i + 1] if solved
                          else None, solved))
    db.executemany("INSERT INTO qa_questions(thread_id, forum_id, guild_id, author_id, title, created_at, answer_id, "
                   "solved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", questions)
    mark_solved(db, [(q[0], q[-1] is not None) for q in questions])
    db.commit()
    db.close()
    return len(questions)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--db", help="reuse (or keep) this database file")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="sse-bench-"))
    db_path = Path(args.db) if args.db else workdir / "bench.db"
    fresh = not db_path.exists()
    app = await App.create(settings_for(db_path, workdir))
    print(f"corpus: {args.messages:,} messages, mixed scripts {corpus.MIX}")
    if fresh:
        rate = await build(app, args.messages, args.batch)
        print(f"import (parse DCE + upsert + FTS index, batches of {args.batch}): {rate:,.0f} msg/s")
        # replaying the import stores nothing twice
        async with app.db.begin() as session:
            total = await archive.count_messages(session)
        print(f"stored rows: {total:,}")
    added = await asyncio.to_thread(add_qa, db_path)
    if added:
        print(f"Q&A: {added:,} questions of 4 messages each, 40% solved")
    async with app.db.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
    print(f"database size: {size / 1e6:,.0f} MB")

    queries = corpus.queries(args.queries)
    _bot, gw = await boot_offline(app)
    # warm-up (page cache, statement cache)
    for q in queries[:20]:
        await gw.slash("search", query=q)
    raw = sqlite3.connect(db_path)
    harness: list[float] = []
    rawt: list[float] = []
    rawall: list[float] = []
    hits = 0
    for q in queries:
        params = search.parse_params(q)
        terms, filters = fts.query_terms(params.query), search._filters(params)
        sql, sql_params = fts.candidate_sql("sqlite", terms, filters, limit=search.CANDIDATES)
        t0 = time.perf_counter()
        rows = raw.execute(sql, sql_params).fetchall()
        if len(rows) >= search.CANDIDATES:  # the solved supplement the service runs in that case
            sql2, p2 = fts.candidate_sql("sqlite", terms, filters, limit=search.SOLVED_EXTRA, solved_only=True)
            rows += raw.execute(sql2, p2).fetchall()
        rawt.append((time.perf_counter() - t0) * 1000)
        hits += bool(rows)
        # ...and every statement the command runs: candidates, the page's rows, the saved query.
        ids = [c.message_id for c in search.rank([fts.Candidate(*r) for r in rows])[: search.PAGE_SIZE]]
        hq = search.hits_query(ids).compile(compile_kwargs={"literal_binds": True})
        t1 = time.perf_counter()
        raw.execute(str(hq)).fetchall()
        raw.execute("INSERT INTO saved_queries(kind, params, owner_id, locale, created_at) "
                    "VALUES ('bench', '{}', 0, NULL, '2026-01-01 00:00:00.000000')")
        raw.commit()
        rawall.append((time.perf_counter() - t1) * 1000 + rawt[-1])
        t0 = time.perf_counter()
        result = await gw.slash("search", query=q)
        harness.append((time.perf_counter() - t0) * 1000)
        assert result.callback is not None
    raw.close()
    print(f"queries: {len(queries)} mixed, {hits} with a hit")
    print(f"raw SQL candidates query: p50 {statistics.median(rawt):.1f} ms, p95 {pct(rawt, 95):.1f} ms, "
          f"max {max(rawt):.1f} ms")
    print(f"raw SQL, all statements of one /search: p50 {statistics.median(rawall):.1f} ms, "
          f"p95 {pct(rawall, 95):.1f} ms")
    print(f"/search through the harness: p50 {statistics.median(harness):.1f} ms, p95 {pct(harness, 95):.1f} ms, "
          f"max {max(harness):.1f} ms")
    print(f"ratio harness/raw candidates query: p50 {statistics.median(harness) / statistics.median(rawt):.2f}x, "
          f"p95 {pct(harness, 95) / pct(rawt, 95):.2f}x")
    print(f"ratio harness/raw all statements: p50 {statistics.median(harness) / statistics.median(rawall):.2f}x, "
          f"p95 {pct(harness, 95) / pct(rawall, 95):.2f}x")
    print(f"process RSS: {psutil.Process(os.getpid()).memory_info().rss / 1e6:,.0f} MB")
    await gw.close()
    await app.close()
    if not args.keep and not args.db:
        shutil.rmtree(workdir)
    else:
        print(f"database kept at {db_path}")


if __name__ == "__main__":
    asyncio.run(main())
