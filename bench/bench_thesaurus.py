"""/search with and without the glossary's expansion across languages, on the same queries, through
the offline harness, over bench_search's mixed-script corpus (SQLite).

    .venv/bin/python bench/bench_thesaurus.py --messages 100000
    .venv/bin/python bench/bench_thesaurus.py --messages 1000000 --db bench/out/1m.db --keep

Each query runs twice in a row, once with the thesaurus and once without (which goes first
alternates), so both see the same cache and the same load. Wall time, and the CPU time of the
process (every thread: the harness, the bot, SQLite's worker), which other load on the machine
disturbs far less. The issue's target: p95 with expansion at most 1.3x the p95 without, at 1M
messages.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_search
import corpus

from bot.app import App
from cogs.glossary.thesaurus import Thesaurus
from cogs.search import archive
from cogs.search.service import SearchService
from offline import boot_offline


def report(kind: str, queries: list[str], expanding: set[str], with_all: list[float],
           without_all: list[float]) -> None:
    subsets = [("all queries", with_all, without_all)]
    if expanding:
        subsets.append(("expanded queries only",
                        [t for q, t in zip(queries, with_all, strict=True) if q in expanding],
                        [t for q, t in zip(queries, without_all, strict=True) if q in expanding]))
    for label, w, wo in subsets:
        print(line(f"{kind:>4} /search without expansion, {label}", wo))
        print(line(f"{kind:>4} /search with expansion,    {label}", w))
        print(f"{kind:>4} ratio with/without, {label}: p50 {statistics.median(w) / statistics.median(wo):.2f}x, "
              f"p95 {bench_search.pct(w, 95) / bench_search.pct(wo, 95):.2f}x")


def line(label: str, values: list[float]) -> str:
    return (f"{label}: n={len(values)} p50 {statistics.median(values):.1f} ms, p95 {bench_search.pct(values, 95):.1f} ms, "
            f"max {max(values):.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--db", help="reuse (or keep) this database file (e.g. one bench_search.py --keep built)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worst", type=int, default=5, help="list the queries the expansion slows most (CPU)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="sse-bench-"))
    db_path = Path(args.db) if args.db else workdir / "bench.db"
    fresh = not db_path.exists()
    app: App = await App.create(bench_search.settings_for(db_path, workdir))
    started = time.perf_counter()
    if fresh:
        rate = await bench_search.build(app, args.messages, args.batch)
        print(f"import: {rate:,.0f} msg/s")
    await bench_search.add_qa(app)
    async with app.db.begin() as session:
        stored = await archive.count_messages(session)
    print(f"corpus: {stored:,} messages (mixed scripts {corpus.MIX}), 1 in 50 in Q&A posts, 40% solved"
          + (f"; built in {time.perf_counter() - started:,.0f} s" if fresh else ""))

    searches = app.service(SearchService)
    thesaurus = app.service(Thesaurus)
    queries = corpus.queries(args.queries)
    expanding = {q for q in queries if thesaurus.expand(q)}
    print(f"queries: {len(queries)} mixed, {len(expanding)} of them name a glossary term (expanded)")
    _bot, gw = await boot_offline(app)
    for q in queries[:20]:  # warm-up: page cache, statement cache, the thesaurus' index
        await gw.slash("search", query=q)
    timed: dict[bool, list[float]] = {True: [], False: []}  # wall ms per query, in order
    cpu: dict[bool, list[float]] = {True: [], False: []}  # CPU ms per query, in order
    added_results: list[int] = []
    for n, q in enumerate(queries):
        for expand in ((True, False) if n % 2 == 0 else (False, True)):
            searches.thesaurus = thesaurus if expand else None
            t0, c0 = time.perf_counter(), time.process_time()
            result = await gw.slash("search", query=q)
            timed[expand].append((time.perf_counter() - t0) * 1000)
            cpu[expand].append((time.process_time() - c0) * 1000)
            assert result.callback is not None
        if q in expanding:
            searches.thesaurus = thesaurus
            async with app.db.begin() as session:
                page = await searches.search(session, searches.parse(q))
            searches.thesaurus = None
            async with app.db.begin() as session:
                exact = await searches.search(session, searches.parse(q))
            added_results.append(page.total - exact.total)
    searches.thesaurus = thesaurus

    for kind, values in (("wall", timed), ("CPU", cpu)):
        report(kind, queries, expanding, values[True], values[False])
    slowest = sorted(range(len(queries)), key=lambda i: cpu[False][i] - cpu[True][i])[: args.worst]
    for i in slowest:
        print(f"  slowed most: {queries[i]!r}: CPU {cpu[False][i]:.1f} -> {cpu[True][i]:.1f} ms, "
              f"wall {timed[False][i]:.1f} -> {timed[True][i]:.1f} ms")
    if expanding:
        print(f"results added by the expansion per expanded query: median {statistics.median(added_results):.0f}, "
              f"max {max(added_results)}")
    await gw.close()
    await app.close()
    if not args.keep and not args.db:
        shutil.rmtree(workdir)
    else:
        print(f"database kept at {db_path}")


if __name__ == "__main__":
    asyncio.run(main())
