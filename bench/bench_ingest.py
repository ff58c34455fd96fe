"""Live ingest: messages arrive through the gateway at a steady rate while a probe measures how
late the event loop wakes up (the worst lag is what members would feel as a slow reply).

    .venv/bin/python bench/bench_ingest.py --rate 200 --seconds 30 [--db bench/out/m1.db]
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

import corpus
from bench_search import CHANNEL, settings_for

from bot.app import App
from cogs.search import archive
from cogs.search.writer import ArchiveWriter
from offline import boot_offline


async def probe(lags: list[float], stop: asyncio.Event, interval: float = 0.005,
                at: list[float] | None = None) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(interval)
        lags.append((loop.time() - t0 - interval) * 1000)
        if at is not None:
            at.append(t0 - start)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=200, help="messages per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--gc-callbacks", action="store_true", help="print full garbage collections")
    parser.add_argument("--db", help="an existing database (e.g. the 1M one from bench_search --keep)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="sse-ingest-"))
    db_path = Path(args.db) if args.db else workdir / "ingest.db"
    app = await App.create(settings_for(db_path, workdir))
    async with app.db.begin() as session:
        before = await archive.count_messages(session)
    _bot, gw = await boot_offline(app)
    if args.gc_callbacks:
        import gc

        def note(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                note.t0 = time.perf_counter()  # type: ignore[attr-defined]
            elif info["generation"] == 2:
                print(f"  gc gen2: {(time.perf_counter() - note.t0) * 1000:.0f} ms")  # type: ignore[attr-defined]

        gc.callbacks.append(note)
    author = gw.add_user("bench")
    texts = [m["content"] for m in corpus.messages(int(args.rate * args.seconds), seed=99)]

    lags: list[float] = []
    at: list[float] = []
    stop = asyncio.Event()
    probe_task = asyncio.create_task(probe(lags, stop, at=at), name="lag-probe")
    loop = asyncio.get_running_loop()
    start = loop.time()
    for i, text in enumerate(texts):
        due = start + i / args.rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        msg = gw.message_payload(text, author=author, channel_id=CHANNEL)
        gw.dispatch("MESSAGE_CREATE", msg)
    sent_in = loop.time() - start
    t0 = time.perf_counter()
    await app.service(ArchiveWriter).flush()
    drain = time.perf_counter() - t0
    stop.set()
    await probe_task
    async with app.db.begin() as session:
        after = await archive.count_messages(session)
    print(f"database held {before:,} messages; sent {len(texts):,} at {args.rate}/s in {sent_in:.1f} s")
    print(f"stored {after - before:,}; queue drained {drain * 1000:.0f} ms after the last message")
    print(f"event-loop lag: p50 {statistics.median(lags):.2f} ms, p99 {sorted(lags)[int(len(lags) * 0.99)]:.2f} ms, "
          f"worst {max(lags):.1f} ms ({len(lags):,} probes)")
    worst = sorted(zip(lags, at, strict=True), reverse=True)[:5]
    print("worst lags (ms @ s into the run): " + ", ".join(f"{lag:.0f} @ {t:.1f}" for lag, t in worst))
    later = [lag for lag, t in zip(lags, at, strict=True) if t > 1.0]
    if later:
        print(f"worst lag after the first second (warm-up excluded): {max(later):.1f} ms")
    await gw.close()
    await app.close()
    if not args.db:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    asyncio.run(main())
