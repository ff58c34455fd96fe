"""Search benchmark on a DiscordChatExporter export and a file of queries: import throughput
(through the ``python -m bot import-archive`` path), database size, the search service's own time
and ``/search`` end to end through the offline harness, process RSS; one JSON object with
``--json``, so anyone can compare it with another engine on their own data.

    .venv/bin/python bench/corpus.py --messages 100000 --out bench/out/corpus-100k.json
    .venv/bin/python bench/bench_search.py --corpus bench/out/corpus-100k.json --queries bench/queries.txt --json
    .venv/bin/python bench/bench_search.py --corpus FILE --engine fts5 --json      # reference engines
    .venv/bin/python bench/bench_search.py --corpus FILE --engine tantivy --json   # pip install tantivy==0.27.0
    .venv/bin/python bench/bench_search.py --messages 100000     # writes the seeded corpus first
    .venv/bin/python bench/bench_search.py --corpus FILE --database-url postgresql+asyncpg://...

The queries file holds one query per line (``#`` comments): words, then optional /search filters
``scope:questions|discussions|all country:NAME topic:NAME solved:true|false after:YYYY-MM-DD
before:YYYY-MM-DD`` (a value with spaces in double quotes). Every line goes through
``parse_params`` as a member's /search would, then through ``SearchService.search`` and through
``gw.slash("search", ...)`` with the same options.

After the import, a deterministic share of the messages becomes Q&A (every 50th message, in
posts of a question and three answers, each post tagged with a country and a topic, 40 % solved),
through the project's own functions: the index is taken down and written again around the change
(``db.search.unindex_messages``/``index_messages``) and answers are accepted through
``QuestionService.mark_answer``, so the index carries whatever marks the project gives it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import psutil
import yaml
from sqlalchemy import select, update

from bot.app import App
from bot.config import load_settings
from bot.countries import directory
from bot.errors import UserError
from bot.permissions import Actor
from cogs.qa.models import Question
from cogs.qa.service import QuestionService
from cogs.search import archive, dce_import
from cogs.search import service as search
from cogs.search.models import ArchivedMessage
from cogs.search.service import SearchService
from db import search as fts
from offline import boot_offline

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = corpus.CHANNEL
GUILD = corpus.GUILD
QUERIES = ROOT / "bench" / "queries.txt"
TOPICS = ["Cooperatives", "Finance", "Law & policy", "Social enterprise", "Training", "Women-led", "Youth"]
QA_EVERY = 50  # every 50th message goes into a Q&A post
QA_SIZE = 4  # a question and three answers
FILTER_KEYS = ("scope", "country", "topic", "solved", "after", "before")
_FILTER = re.compile(r'(?:^|\s)(' + "|".join(FILTER_KEYS) + r'):(?:"([^"]*)"|(\S+))')


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"p50_ms": round(statistics.median(values), 2), "p95_ms": round(pct(values, 95), 2),
            "p99_ms": round(pct(values, 99), 2), "max_ms": round(max(values), 2)}


# ---------------------------------------------------------------- the queries file
@dataclass(frozen=True)
class Query:
    line: str
    text: str
    options: dict[str, Any] = field(default_factory=dict)  # /search options: scope, country, solved (bool)...

    @property
    def filtered(self) -> bool:
        return bool(self.options)


def parse_query(line: str) -> Query:
    """One line of the queries file: the words, and the /search options given as ``key:value``."""
    options: dict[str, Any] = {}
    for key, quoted, bare in _FILTER.findall(line):
        value = quoted if quoted else bare
        options[key] = value.lower() in ("true", "yes", "1") if key == "solved" else value
    text = " ".join(_FILTER.sub(" ", line).split())
    return Query(line, text, options)


def read_queries(path: Path) -> list[Query]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(parse_query(line))
    return out


# ---------------------------------------------------------------- the Q&A share of the corpus
@dataclass(frozen=True)
class Post:
    thread_id: int
    answers: tuple[int, ...]
    country: str
    topic: str
    solved: bool


def qa_posts(ids: Sequence[int]) -> list[Post]:
    """Which messages (ids in ascending order) form Q&A posts, with their tags: the same for every engine."""
    picked = list(ids[::QA_EVERY])
    countries = directory().names()
    posts = []
    for n, i in enumerate(range(0, len(picked) - QA_SIZE + 1, QA_SIZE)):
        posts.append(Post(picked[i], tuple(picked[i + 1 : i + QA_SIZE]), countries[n % len(countries)],
                          TOPICS[n % len(TOPICS)], n % 5 < 2))
    return posts


async def add_qa(app: App, *, batch: int = 250) -> int:
    """Turn the share of :func:`qa_posts` into Q&A posts through the project's functions (see the
    module's docstring); returns the number of posts (0 when the database has Q&A already)."""
    async with app.db.begin() as session:
        if (await session.execute(select(Question.thread_id).limit(1))).first() is not None:
            return 0
        ids = list((await session.execute(
            select(ArchivedMessage.id).where(ArchivedMessage.kind == "message").order_by(ArchivedMessage.id)
        )).scalars())
    posts = qa_posts(ids)
    questions = app.service(QuestionService)
    solved_at = datetime(2025, 12, 2, tzinfo=UTC)
    for start in range(0, len(posts), batch):
        chunk = posts[start : start + batch]
        async with app.db.begin() as session:
            members = [mid for p in chunk for mid in (p.thread_id, *p.answers)]
            rows = {mid: (content, author, created) for mid, content, author, created in (await session.execute(
                select(ArchivedMessage.id, ArchivedMessage.content, ArchivedMessage.author_id,
                       ArchivedMessage.created_at).where(ArchivedMessage.id.in_(members))
            ))}
            pairs = [(mid, rows[mid][0]) for mid in members]
            await fts.unindex_messages(session, pairs)  # as indexed now: plain discussion messages
            await session.execute(update(ArchivedMessage), [
                {"id": mid, "kind": "question" if mid == p.thread_id else "answer", "thread_id": p.thread_id}
                for p in chunk for mid in (p.thread_id, *p.answers)
            ])
            session.add_all([Question(
                thread_id=p.thread_id, forum_id=CHANNEL, guild_id=GUILD, author_id=rows[p.thread_id][1],
                title=rows[p.thread_id][0][:100], country=p.country, topic=p.topic,
                created_at=rows[p.thread_id][2]) for p in chunk])
            await session.flush()
            await fts.index_messages(session, pairs)
            for p in chunk:
                if p.solved:
                    await questions.mark_answer(session, Actor(user_id=rows[p.thread_id][1]), p.thread_id,
                                                p.answers[0], solved_at)
    return len(posts)


# ---------------------------------------------------------------- the project engine
def settings_for(db_path: Path | None, workdir: Path, url: str | None = None,  # type: ignore[no-untyped-def]
                 *, search_engine: str = "database", index_dir: Path | None = None):
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump({
        "guild_id": GUILD, "channels": {"archived": [CHANNEL], "qa_forum": 0},
        "content_dir": str(ROOT / "content"), "log_level": "WARNING",
        "archive": {"search_engine": search_engine, "search_index_dir": str(index_dir or workdir / "search-index")},
    }), encoding="utf-8")
    return load_settings(cfg, env={"DATABASE_URL": url or f"sqlite+aiosqlite:///{db_path}"})


async def build(app: App, n: int, batch: int) -> float:
    """Store the seeded corpus of ``n`` messages in memory-sized chunks (the older benches' way in;
    ``--corpus`` goes through the streaming import instead)."""
    stored = 0
    elapsed = 0.0
    for start in range(0, n, corpus.CHUNK):
        data = {"guild": {"id": str(GUILD)}, "channel": {"id": str(CHANNEL)},
                "messages": list(corpus.messages(min(corpus.CHUNK, n - start), start=start, total=n))}
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


async def db_bytes(app: App, db_path: Path | None) -> int:
    if app.db.dialect == "postgresql":
        async with app.db.engine.connect() as conn:
            return int((await conn.exec_driver_sql("SELECT pg_database_size(current_database())")).scalar_one())
    async with app.db.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert db_path is not None
    return sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))


async def run_project(args: argparse.Namespace, corpus_path: Path, queries: list[Query], workdir: Path) -> dict[str, Any]:
    db_path = None if args.database_url else (Path(args.db) if args.db else workdir / "bench.db")
    index_dir = args.index_dir or (db_path.with_name(db_path.name + ".search-index") if args.db else None)
    app = await App.create(settings_for(db_path, workdir, args.database_url, search_engine=args.search_engine,
                                        index_dir=index_dir))
    out: dict[str, Any] = {"engine": "project", "dialect": app.db.dialect, "search_engine": args.search_engine}
    try:
        async with app.db.begin() as session:
            before = await archive.count_messages(session)
        if before:
            log(f"reusing the database ({before:,} messages): no import")
            out["ingest_msgs_per_s"] = None
        else:
            t0, c0 = time.perf_counter(), time.process_time()
            summary = await dce_import.import_dce_export(app.db, corpus_path, batch=args.batch)
            elapsed = time.perf_counter() - t0
            out["ingest_msgs_per_s"] = round(summary.stored / elapsed)
            out["ingest_s"] = round(elapsed, 1)
            out["ingest_cpu_s"] = round(time.process_time() - c0, 1)  # all threads: steadier on a shared machine
            log(f"import-archive path: {summary.stored:,} messages in {elapsed:.1f} s")
        t0 = time.perf_counter()
        out["qa_posts"] = await add_qa(app)
        out["qa_s"] = round(time.perf_counter() - t0, 1)
        async with app.db.begin() as session:
            out["messages"] = await archive.count_messages(session)
        out["db_bytes"] = await db_bytes(app, db_path)
        if args.search_engine == "tantivy":
            out.update(await build_index(app, rebuild=args.rebuild_index))
        if args.skip_queries:
            return out
        searches = app.service(SearchService)
        timezone = searches.guild.current.timezone
        _bot, gw = await boot_offline(app)
        timed: list[tuple[Query, float | None, float | None, int]] = []
        for rnd in range(2):  # the first round warms the page cache and statement caches
            for q in queries:
                try:
                    params = search.parse_params(q.text, timezone=timezone, **q.options)
                except UserError:
                    params = None
                s_ms = None
                total = 0
                if params is not None:
                    t0 = time.perf_counter()
                    async with app.db.begin() as session:
                        page = await searches.search(session, params)
                    s_ms = (time.perf_counter() - t0) * 1000
                    total = page.total
                t0 = time.perf_counter()
                result = await gw.slash("search", query=q.text, **q.options)
                h_ms = (time.perf_counter() - t0) * 1000
                assert result.callback is not None, q.line
                if rnd:
                    timed.append((q, s_ms, h_ms, total))
        out.update(query_summary(timed, harness=True))
        out["refused"] = sum(1 for _q, s, _h, _t in timed if s is None)  # parse_params said no (the reply says why)
        await gw.close()
    finally:
        await app.close()
    return out


async def build_index(app: App, *, rebuild: bool) -> dict[str, Any]:
    """The dedicated engine's index made ready as the bot does it (built from the database when it
    is missing or too far behind, else the notes applied): how long until it answers, the time of a
    full build (``search-index rebuild``) with ``rebuild``, and its size on disk."""
    from db.search_index import SearchIndex

    index = app.service(SearchIndex)
    t0 = time.perf_counter()
    await index.wait_built()  # the build App.create started, when there was no index
    await index.catch_up()  # after an import: too many notes, so it is built again
    await index.wait_built()
    out: dict[str, Any] = {"index_ready_s": round(time.perf_counter() - t0, 1)}
    if rebuild:
        t0 = time.perf_counter()
        out["index_messages"] = await index.rebuild()
        out["index_rebuild_s"] = round(time.perf_counter() - t0, 1)
    out["index_bytes"] = sum(p.stat().st_size for p in index.files())
    log(f"search index: {out}")
    return out


def query_summary(timed: list[tuple[Query, float | None, float | None, int]], *, harness: bool) -> dict[str, Any]:
    """The keys every engine prints about its queries: counts and percentiles, overall, plain, filtered."""
    def part(rows: list[tuple[Query, float | None, float | None, int]]) -> dict[str, Any]:
        out: dict[str, Any] = {"queries": len(rows),
                               "service": percentiles([s for _q, s, _h, _t in rows if s is not None])}
        if harness:
            out["harness"] = percentiles([h for _q, _s, h, _t in rows if h is not None])
        return out

    out = part(timed)
    out["queries_with_hits"] = sum(1 for _q, _s, _h, total in timed if total)
    out["plain"] = part([r for r in timed if not r[0].filtered])
    out["filtered"] = part([r for r in timed if r[0].filtered])
    slowest = sorted((r for r in timed if r[1] is not None), key=lambda r: -(r[1] or 0))[:8]
    out["slowest"] = [{"query": q.line, "service_ms": round(s or 0, 2),
                       **({"harness_ms": round(h or 0, 2)} if harness else {}), "hits": total}
                      for q, s, h, total in slowest]
    return out


# ---------------------------------------------------------------- main
def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def human(result: dict[str, Any]) -> str:
    lines = [f"engine {result['engine']}: {result.get('messages', 0):,} messages, "
             f"{result.get('qa_posts', 0):,} Q&A posts"]
    if result.get("ingest_msgs_per_s"):
        lines.append(f"ingest: {result['ingest_msgs_per_s']:,} msg/s")
    lines.append(f"database size: {result['db_bytes'] / 1e6:,.0f} MB")
    for name in ("service", "harness"):
        for scope in (result, result.get("plain", {}), result.get("filtered", {})):
            p = scope.get(name)
            if p:
                label = "all" if scope is result else ("plain" if scope is result.get("plain") else "filtered")
                lines.append(f"{name} ({label}, n={scope['queries']}): p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
                             f"p99 {p['p99_ms']} ms, max {p['max_ms']} ms")
    if "queries" in result:
        lines.append(f"queries: {result['queries']}, with hits: {result['queries_with_hits']}")
    lines.append(f"process RSS: {result['rss_mb']} MB")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="a DiscordChatExporter JSON export")
    parser.add_argument("--messages", type=int, default=100_000, help="without --corpus: write the seeded corpus")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="one query per line (default bench/queries.txt)")
    parser.add_argument("--engine", choices=["project", "fts5", "tantivy"], default="project")
    parser.add_argument("--database-url", help="the project engine on this database (default: a new SQLite file)")
    parser.add_argument("--db", help="SQLite file to reuse (or keep with --keep)")
    parser.add_argument("--search-engine", choices=["database", "tantivy"], default="database",
                        help="the project's archive.search_engine (tantivy: the index is built after the import)")
    parser.add_argument("--rebuild-index", action="store_true", help="with tantivy: time a full build of its index")
    parser.add_argument("--index-dir", type=Path, help="tantivy's folder (default: next to --db, else the work directory)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--skip-queries", action="store_true", help="ingest (and Q&A) only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="sse-bench-"))
    try:
        corpus_path = args.corpus
        if corpus_path is None:
            corpus_path = workdir / "corpus.json"
            corpus.write_export(corpus_path, args.messages)
            log(f"corpus: {args.messages:,} seeded messages, mixed scripts {corpus.MIX}")
        queries = read_queries(args.queries)
        if args.engine == "project":
            result = await run_project(args, corpus_path, queries, workdir)
        else:
            import search_engines

            runner = search_engines.RUNNERS[args.engine]
            try:
                result = await asyncio.to_thread(runner, corpus_path, queries, workdir, args)
            except search_engines.Missing as exc:
                print(json.dumps({"engine": args.engine, "skipped": str(exc)}) if args.json else str(exc))
                raise SystemExit(2) from None
        result["corpus"] = str(corpus_path)
        result["rss_mb"] = round(psutil.Process(os.getpid()).memory_info().rss / 1e6)
        result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                             "sqlite": sqlite3.sqlite_version}
        print(json.dumps(result, ensure_ascii=False) if args.json else human(result))
    finally:
        if args.keep or args.db:
            log(f"work directory kept at {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
