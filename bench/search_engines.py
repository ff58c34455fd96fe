"""Reference engines for ``bench_search.py --engine``: the same export, the same Q&A share and the
same queries file as the project's search, each engine doing it its natural way, timed the same.

* ``fts5``: the stdlib ``sqlite3`` with FTS5, no tokenizer of ours: a messages table, an
  external-content ``unicode61`` table for words and a ``trigram`` table for scripts written
  without spaces; a 1–2 character word of those scripts (below a trigram) is a ``LIKE`` scan.
  Filters are columns joined to the match (kind, the post's country, topic and solved state).
* ``tantivy`` (``pip install tantivy==0.27.0``, bench only): the project's tokenizer writes a folded
  word field and a bigram field (whitespace-tokenized), a single character is a prefix on the
  bigrams; filters are fields of the document (kind, solved, country, topic; dates as the id).

Both answer with the top ``LIMIT`` matches by BM25; "service" is the engine's query time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench_search import Post, Query, log, qa_posts, query_summary

from bot.errors import UserError
from cogs.search import dce_import
from cogs.search import service as search
from cogs.search.archive import MessageRecord
from db import search as fts

LIMIT = 20


class Missing(Exception):
    """The engine's package is not installed."""


def records(path: Path) -> Iterator[MessageRecord]:
    """The export's member messages, streamed and parsed exactly as import-archive reads them."""
    import ijson

    with path.open("rb") as stream:
        start = stream.tell()
        if stream.read(3) != b"\xef\xbb\xbf":
            stream.seek(start)
        start = stream.tell()
        guild_id, channel_id = dce_import._export_ids(*dce_import._read_head(stream, start))
        stream.seek(start)
        for i, m in enumerate(ijson.items(stream, "messages.item", use_float=True)):
            item = dce_import._dce_record(m, i, guild_id, channel_id)
            if isinstance(item, MessageRecord):
                yield item


def parsed(queries: list[Query]) -> list[tuple[Query, search.SearchParams | None]]:
    out: list[tuple[Query, search.SearchParams | None]] = []
    for q in queries:
        try:
            out.append((q, search.parse_params(q.text, **q.options)))
        except UserError:
            out.append((q, None))
    return out


def time_queries(queries: list[Query], run: Callable[[search.SearchParams], int]) -> dict[str, Any]:
    timed: list[tuple[Query, float | None, float | None, int]] = []
    todo = parsed(queries)
    for rnd in range(2):  # the first round warms caches, as for the project
        for q, params in todo:
            if params is None:
                if rnd:
                    timed.append((q, None, None, 0))
                continue
            t0 = time.perf_counter()
            hits = run(params)
            ms = (time.perf_counter() - t0) * 1000
            if rnd:
                timed.append((q, ms, None, hits))
    out = query_summary(timed, harness=False)
    out["refused"] = sum(1 for _q, s, _h, _t in timed if s is None)
    return out


def _qa_of(posts: list[Post]) -> dict[int, tuple[str, Post]]:
    """Message id -> (kind, its post) for the messages of Q&A posts."""
    out: dict[int, tuple[str, Post]] = {}
    for p in posts:
        out[p.thread_id] = ("question", p)
        for a in p.answers:
            out[a] = ("answer", p)
    return out


# ---------------------------------------------------------------- raw sqlite3 FTS5
FTS5_DDL = [
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, guild_id INTEGER, channel_id INTEGER, thread_id INTEGER, "
    "author_id INTEGER, kind TEXT, content TEXT, created_at TEXT)",
    "CREATE TABLE qa (thread_id INTEGER PRIMARY KEY, country TEXT, topic TEXT, solved INTEGER)",
    "CREATE VIRTUAL TABLE words USING fts5(content, content='messages', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE grams USING fts5(content, content='messages', content_rowid='id', tokenize='trigram')",
]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts5_sql(params: search.SearchParams) -> tuple[str, list[Any]]:
    """A query the plain-FTS5 way: words through unicode61, unspaced scripts through trigrams."""
    words, grams, likes = [], [], []
    for word in params.query.lower().split():
        if any(fts.is_unsegmented(ch) for ch in word):
            (grams if len(word) >= 3 else likes).append(word)
        else:
            words.append(word)
    args: list[Any] = []
    where: list[str] = []
    if words:
        table = "words"
        args.append(" AND ".join(_quote(w) for w in words))
        if grams:
            where.append("m.id IN (SELECT rowid FROM grams WHERE grams MATCH ?)")
            args.append(" AND ".join(_quote(w) for w in grams))
    elif grams:
        table = "grams"
        args.append(" AND ".join(_quote(w) for w in grams))
    else:
        table = ""
    for w in likes:
        where.append("m.content LIKE ?")
        args.append(f"%{w}%")
    f = search._filters(params)
    if f.kinds:
        where.append(f"m.kind IN ({', '.join('?' for _ in f.kinds)})")
        args += list(f.kinds)
    if f.countries:
        where.append(f"lower(q.country) IN ({', '.join('lower(?)' for _ in f.countries)})")
        args += list(f.countries)
    if f.topic is not None:
        where.append("lower(q.topic) = lower(?)")
        args.append(f.topic)
    if f.solved is not None:
        where.append("q.solved = ?")
        args.append(int(f.solved))
    if f.after is not None:
        where.append("m.id >= ?")
        args.append(fts.snowflake_at(f.after))
    if f.before is not None:
        where.append("m.id < ?")
        args.append(fts.snowflake_at(f.before))
    cond = "".join(f" AND {w}" for w in where)
    if table:
        sql = (f"SELECT m.id, bm25({table}) FROM {table} JOIN messages m ON m.id = {table}.rowid "
               f"LEFT JOIN qa q ON q.thread_id = m.thread_id WHERE {table} MATCH ?{cond} ORDER BY rank LIMIT {LIMIT}")
    else:
        sql = (f"SELECT m.id, 0 FROM messages m LEFT JOIN qa q ON q.thread_id = m.thread_id "
               f"WHERE 1{cond} ORDER BY m.id DESC LIMIT {LIMIT}")
    return sql, args


def run_fts5(corpus_path: Path, queries: list[Query], workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    path = workdir / "fts5.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for stmt in FTS5_DDL:
        db.execute(stmt)
    stored = 0
    t0, c0 = time.perf_counter(), time.process_time()
    batch: list[MessageRecord] = []

    def flush() -> None:
        db.execute("BEGIN")
        rows = [(r.id, r.guild_id, r.channel_id, r.author_id, r.kind, r.content[:8000], r.created_at.isoformat())
                for r in batch]
        db.executemany("INSERT OR IGNORE INTO messages(id, guild_id, channel_id, author_id, kind, content, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        pairs = [(r[0], r[5]) for r in rows]
        db.executemany("INSERT INTO words(rowid, content) VALUES (?, ?)", pairs)
        db.executemany("INSERT INTO grams(rowid, content) VALUES (?, ?)", pairs)
        db.execute("COMMIT")
        batch.clear()

    for r in records(corpus_path):
        batch.append(r)
        stored += 1
        if len(batch) >= args.batch:
            flush()
    if batch:
        flush()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"fts5: {stored:,} messages in {elapsed:.1f} s")
    ids = [r[0] for r in db.execute("SELECT id FROM messages ORDER BY id")]
    posts = qa_posts(ids)
    db.execute("BEGIN")
    db.executemany("UPDATE messages SET kind = ?, thread_id = ? WHERE id = ?",
                   [(kind, p.thread_id, mid) for mid, (kind, p) in _qa_of(posts).items()])
    db.executemany("INSERT INTO qa VALUES (?, ?, ?, ?)", [(p.thread_id, p.country, p.topic, int(p.solved))
                                                           for p in posts])
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out: dict[str, Any] = {"engine": "fts5", "messages": stored, "qa_posts": len(posts),
                           "ingest_msgs_per_s": round(stored / elapsed), "ingest_s": round(elapsed, 1),
                           "ingest_cpu_s": round(cpu, 1), "db_bytes": sum(p.stat().st_size for p in workdir.glob("fts5.db*"))}
    if not args.skip_queries:
        def run(params: search.SearchParams) -> int:
            sql, sql_args = fts5_sql(params)
            return len(db.execute(sql, sql_args).fetchall())

        out.update(time_queries(queries, run))
    db.close()
    return out


# ---------------------------------------------------------------- tantivy
def run_tantivy(corpus_path: Path, queries: list[Query], workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    try:
        import tantivy
    except ImportError:
        raise Missing("tantivy is not installed: .venv/bin/pip install tantivy==0.27.0 (bench only)") from None
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("words", stored=False, tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("grams", stored=False, tokenizer_name="whitespace", index_option="position")
    for name in ("kind", "country", "topic"):
        sb.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("solved", indexed=True)
    schema = sb.build()
    path = workdir / "tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=128_000_000, num_threads=min(2, os.cpu_count() or 1))

    def document(mid: int, content: str, kind: str = "message", post: Post | None = None) -> Any:
        words, grams = [], []
        for tok in fts.index_tokens(content):
            (grams if fts.is_unsegmented(tok) else words).append(tok)
        fields: dict[str, Any] = {"id": mid, "words": " ".join(words), "grams": " ".join(grams), "kind": kind,
                                  "solved": int(bool(post and post.solved))}
        if post is not None:
            fields["country"] = post.country.lower()
            fields["topic"] = post.topic.lower()
        return tantivy.Document(**fields)

    stored = 0
    every: dict[int, str] = {}  # the contents of the Q&A share's candidates (every 50th message)
    t0, c0 = time.perf_counter(), time.process_time()
    for r in records(corpus_path):
        content = r.content[:8000]
        if stored % 50 == 0:
            every[r.id] = content
        writer.add_document(document(r.id, content))
        stored += 1
    writer.commit()
    writer.wait_merging_threads()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"tantivy: {stored:,} messages in {elapsed:.1f} s")
    posts = qa_posts(_spread(sorted(every)))
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for mid, (kind, post) in _qa_of(posts).items():
        writer.delete_documents_by_term("id", mid)
        writer.add_document(document(mid, every[mid], kind, post))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    out: dict[str, Any] = {"engine": "tantivy", "messages": stored, "qa_posts": len(posts),
                           "ingest_msgs_per_s": round(stored / elapsed), "ingest_s": round(elapsed, 1),
                           "ingest_cpu_s": round(cpu, 1), "db_bytes": sum(f.stat().st_size for f in path.rglob("*") if f.is_file())}
    if args.skip_queries:
        return out

    def term_query(t: fts.Term) -> Any:
        if t.prefix:
            return tantivy.Query.regex_query(schema, "grams", _regex_escape(t.tokens[0]) + ".*")
        parts = []
        fields = ["grams" if fts.is_unsegmented(tok) else "words" for tok in t.tokens]
        if len(set(fields)) == 1 and len(t.tokens) > 1:
            return tantivy.Query.phrase_query(schema, fields[0], list(t.tokens))
        for tok, name in zip(t.tokens, fields, strict=True):
            parts.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, name, tok)))
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    def any_of(name: str, values: list[Any]) -> Any:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(schema, name, v))
                                            for v in values])

    def run(params: search.SearchParams) -> int:
        terms = fts.query_terms(params.query)
        f = search._filters(params)
        must: list[tuple[Any, Any]] = [(tantivy.Occur.Must, term_query(t)) for t in terms]
        if f.kinds:
            must.append((tantivy.Occur.Must, any_of("kind", list(f.kinds))))
        if f.countries:
            must.append((tantivy.Occur.Must, any_of("country", [c.lower() for c in f.countries])))
        if f.topic is not None:
            must.append((tantivy.Occur.Must, any_of("topic", [f.topic.lower()])))
        if f.solved is not None:
            must.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, "solved", int(f.solved))))
            if not f.solved:
                must.append((tantivy.Occur.Must, any_of("kind", ["question", "answer"])))
        if f.after is not None or f.before is not None:
            lo = fts.snowflake_at(f.after) if f.after is not None else 0
            hi = fts.snowflake_at(f.before) if f.before is not None else 2**63 - 1
            must.append((tantivy.Occur.Must, tantivy.Query.range_query(
                schema, "id", tantivy.FieldType.Integer, lo, hi, include_lower=True, include_upper=False)))
        query = must[0][1] if len(must) == 1 else tantivy.Query.boolean_query(must)
        return len(searcher.search(query, LIMIT).hits)

    out.update(time_queries(queries, run))
    return out


def _spread(every_50th: list[int]) -> list[int]:
    """A list whose every 50th element is each of these ids (so qa_posts picks exactly them)."""
    out: list[int] = []
    for mid in every_50th:
        out.append(mid)
        out.extend([0] * 49)
    return out


def _regex_escape(text: str) -> str:
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\\" else ch for ch in text)


RUNNERS: dict[str, Callable[[Path, list[Query], Path, argparse.Namespace], dict[str, Any]]] = {
    "fts5": run_fts5, "tantivy": run_tantivy,
}
