"""Fault benchmark: real bot processes, one shared database, an offline Discord each.

Every bot below is a separate ``python`` process (this script with ``--child``) that builds the
App like ``_common.make_app`` against the SHARED database (a SQLite file, or a fresh PostgreSQL
database per scenario), boots the real bot with ``offline.boot_offline`` and runs until it is
SIGKILLed or told to stop (SIGTERM). What "Discord" received is counted across processes: each
child wraps its offline Discord's message-POST route so that every POST that reaches it appends
one line (nonce, channel, time, process) to a shared file, written with O_APPEND and fsync'd
BEFORE the route answers, so a POST received just before a SIGKILL is still counted. Raw POSTs
are counted, not distinct messages (the offline Discord's nonce dedupe is per process).

Scenarios (rows of the table):
 1. kill -9 at a random point of a reminder burst, then a recovery process; ``--rounds`` rounds.
 2. rolling deploy: B started against the same database while A is sending; both run until done.
 3. 20 network errors + 20 HTTP 500 scattered over the first ``--reminders`` POST attempts.
 4. a channel answering 403 for 10 minutes of SIMULATED time (one process: ``tick(now=t)`` and
    ``run_due(now=t)`` every 5 s of simulated time), then the refusal is lifted.
 5. the weekly digest answers 500 once: REAL time, product defaults (retry 30 s, sweep 30 s).

Discord answers each POST after ``--latency-ms`` (the message is stored, and the receipt line
written, before that delay: a kill during it is a message Discord has but the bot never heard of).

    .venv/bin/python bench/bench_faults.py [--rounds 10] [--reminders 200] [--pg URL]
"""

# ruff: noqa: ASYNC110  (bounded polls of other processes, files and the database, not in-process events)
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, tempdir
from _faults_child import child_main
from _faults_db import (
    REFUSED,
    Backend,
    PostgresBackend,
    SQLiteBackend,
    State,
    count_lines,
    receipts_of,
    seed,
    state,
)
from sqlalchemy import select

from db.engine import Database
from db.models import OutboxDelivery

SCRIPT = Path(__file__).resolve()


# ============================================================================ orchestrator
CHILDREN: list[subprocess.Popen[bytes]] = []


def kill_children() -> None:
    for proc in CHILDREN:
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class Run:
    """One scenario's children, their files, and the shared receipts file."""

    def __init__(self, tmp: Path, label: str, url: str, latency_ms: float):
        self.dir = tmp / label
        self.dir.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.receipts = self.dir / "receipts.tsv"
        self.latency_ms = latency_ms
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, tag: str, config: dict[str, Any], mode: str = "serve", **extra: Any) -> subprocess.Popen[bytes]:
        ctmp = self.dir / tag
        ctmp.mkdir(exist_ok=True)
        cmd = [sys.executable, str(SCRIPT), "--child", "--tag", tag, "--db", self.url, "--tmp", str(ctmp),
               "--receipts", str(self.receipts), "--config", json.dumps(config), "--mode", mode,
               "--latency-ms", str(self.latency_ms)]
        for key, value in extra.items():
            cmd += [f"--{key.replace('_', '-')}", str(value)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=(ctmp / "stdout").open("wb"),
                                stderr=(ctmp / "stderr").open("wb"), start_new_session=True)
        CHILDREN.append(proc)
        self.procs[tag] = proc
        return proc

    async def stop(self, tag: str, timeout: float = 30) -> None:
        proc = self.procs[tag]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    def kill(self, tag: str) -> None:
        proc = self.procs[tag]
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()

    def output(self, tag: str, stream: str = "stdout") -> str:
        return (self.dir / tag / stream).read_text(encoding="utf-8", errors="replace")

    def result(self, tag: str) -> dict[str, Any]:
        for line in self.output(tag).splitlines():
            if line.startswith("RESULT "):
                return json.loads(line.removeprefix("RESULT "))
        raise RuntimeError(f"{tag} gave no result; stderr:\n{self.output(tag, 'stderr')[-3000:]}")

    def delivery_warnings(self, tag: str) -> list[str]:
        return [line for line in self.output(tag, "stderr").splitlines() if " WARNING bot.delivery:" in line]

    async def wait_done(self, n_reminders: int, limit: float) -> tuple[bool, State]:
        """Until every reminder is handed over and no outbox row is pending (or ``limit`` seconds)."""
        deadline = time.monotonic() + limit
        while True:
            s = await state(self.url)
            done = (s.reminders_waiting == 0 and s.statuses.get("pending", 0) == 0
                    and len(s.nonce_of_reminder) >= n_reminders)
            if done or time.monotonic() > deadline:
                return done, s
            for tag, proc in self.procs.items():
                if proc.poll() is not None and proc.returncode not in (0, -signal.SIGKILL):
                    raise RuntimeError(f"child {tag} died ({proc.returncode}):\n{self.output(tag, 'stderr')[-3000:]}")
            await asyncio.sleep(0.25)


def duplicates(receipts: list[tuple[str, str, float, str]]) -> int:
    counts = Counter(r[0] for r in receipts if r[0].startswith("sse-o"))
    return sum(c - 1 for c in counts.values() if c > 1)


def lost(s: State, receipts: list[tuple[str, str, float, str]], n: int) -> int:
    got = {r[0] for r in receipts}
    return sum(1 for rid in range(1, n + 1) if s.nonce_of_reminder.get(rid) not in got)


def by_tag(receipts: list[tuple[str, str, float, str]]) -> dict[str, int]:
    return dict(Counter(r[3] for r in receipts))


# ---------------------------------------------------------------- scenarios
async def scenario_kill(backend: Backend, tmp: Path, args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    n = args.reminders
    config = {"outbox": {"lease_seconds": 10, "check_seconds": 5, "retry_seconds": 1}}
    rounds = []
    for r in range(1, args.rounds + 1):
        url = await backend.fresh(f"kill{r}")
        await seed(url, n, first_due=datetime.now(UTC))
        run = Run(tmp / backend.name, f"kill{r}", url, args.latency_ms)
        a = run.start("A", config)
        target = rng.randint(1, n - 1)
        deadline = time.monotonic() + 120
        while count_lines(run.receipts) < target and a.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        await asyncio.sleep(rng.uniform(0, (args.latency_ms + 10) / 1000))  # anywhere in a send/mark cycle
        run.kill("A")
        killed_at = time.time()
        at_kill = count_lines(run.receipts)
        before = await state(url)
        run.start("B", config)
        done, s = await run.wait_done(n, limit=120)
        await run.stop("B")
        rec = receipts_of(run.receipts)
        last = max((x[2] for x in rec), default=killed_at)
        row: dict[str, Any] = {"round": r, "kill_after_posts": at_kill, "leased_at_kill": before.leased, "done": done,
               "lost": lost(s, rec, n), "duplicates": duplicates(rec), "posts": by_tag(rec),
               "recovered_s": last - killed_at, "statuses": s.statuses}
        rounds.append(row)
        print(f"  [{backend.name}] kill round {r}: killed A after {at_kill} POSTs ({before.leased} rows leased by A),"
              f" B posted {row['posts'].get('B', 0)}, lost {row['lost']}, duplicates {row['duplicates']},"
              f" all sent {row['recovered_s']:.1f} s after the kill, outbox {s.statuses}", flush=True)
    return {"rounds": rounds}


async def scenario_rolling(backend: Backend, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    n = args.reminders
    config: dict[str, Any] = {}  # product defaults (lease 120 s): a deploy, not a crash
    url = await backend.fresh("rolling")
    await seed(url, n, first_due=datetime.now(UTC))
    run = Run(tmp / backend.name, "rolling", url, args.latency_ms)
    a = run.start("A", config)
    deadline = time.monotonic() + 120
    while count_lines(run.receipts) < max(1, n // 20) and a.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    b_started = count_lines(run.receipts)
    run.start("B", config)
    done, s = await run.wait_done(n, limit=180)
    await run.stop("A")
    await run.stop("B")
    rec = receipts_of(run.receipts)
    b_first = min((x[2] for x in rec if x[3] == "B"), default=None)
    out = {"done": done, "b_started_after_posts": b_started, "posts": by_tag(rec), "duplicates": duplicates(rec),
           "lost": lost(s, rec, n), "statuses": s.statuses,
           # both really sending at once: A's POSTs after B's first one
           "a_posts_after_b_first": sum(1 for x in rec if x[3] == "A" and b_first and x[2] > b_first)}
    print(f"  [{backend.name}] rolling: B started after {b_started} POSTs; POSTs by process {out['posts']} "
          f"(A's after B's first: {out['a_posts_after_b_first']}), duplicates {out['duplicates']}, lost {out['lost']}",
          flush=True)
    return out


async def scenario_errors(backend: Backend, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    n = args.reminders
    config = {"outbox": {"retry_seconds": 1, "max_retry_seconds": 8, "check_seconds": 5}}
    url = await backend.fresh("errors")
    await seed(url, n, first_due=datetime.now(UTC))
    run = Run(tmp / backend.name, "errors", url, args.latency_ms)
    started = time.time()
    run.start("A", config, mode="errors", seed=args.seed, n=n, network_errors=20, server_errors=20)
    done, s = await run.wait_done(n, limit=120)
    await asyncio.sleep(1)  # anything still in flight settles before counting
    s = await state(url)
    await run.stop("A")
    rec = receipts_of(run.receipts)
    last = max((x[2] for x in rec), default=started)
    db = Database.from_url(url)
    async with db.begin() as session:
        attempts = Counter((await session.scalars(select(OutboxDelivery.attempts))).all())
    await db.close()
    out = {"done": done, "stranded": s.statuses.get("pending", 0), "duplicates": duplicates(rec),
           "lost": lost(s, rec, n), "posts": len(rec), "statuses": s.statuses,
           "rows_by_failed_attempts": dict(sorted(attempts.items())), "drained_s": last - started,
           "warnings": len(run.delivery_warnings("A"))}
    print(f"  [{backend.name}] errors: {out['posts']} POSTs received, rows by failed attempts "
          f"{out['rows_by_failed_attempts']}, stranded {out['stranded']}, duplicates {out['duplicates']}, "
          f"lost {out['lost']}, last sent {out['drained_s']:.1f} s after start", flush=True)
    return out


async def scenario_forbidden(backend: Backend, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    url = await backend.fresh("forbidden")
    t0 = datetime.now(UTC) + timedelta(minutes=5)  # simulated clock start: real timers never reach it
    await seed(url, 20, first_due=t0, spread=timedelta(minutes=10) - timedelta(seconds=30), channel_id=REFUSED)
    await seed(url, 20, first_due=t0, spread=timedelta(minutes=10) - timedelta(seconds=30), first_id=21)
    run = Run(tmp / backend.name, "forbidden", url, 0)
    proc = run.start("A", {}, mode="forbidden", t0=t0.isoformat())
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await run.stop("A")
    out = run.result("A")
    out["warning_lines"] = len(run.delivery_warnings("A"))
    print(f"  [{backend.name}] 403: {out['steps']} simulated steps of 5 s; {out['refused_posts']} POSTs to the "
          f"refused channel for {out['parked']} parked rows (others: {out['refused_other']}); "
          f"{out['warning_lines']} WARNING line(s) from bot.delivery: {out['warnings']}; healthy channel "
          f"{out['healthy_sent']}/20 sent", flush=True)
    return out


async def scenario_digest(backend: Backend, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    url = await backend.fresh("digest")
    run = Run(tmp / backend.name, "digest", url, args.latency_ms)
    proc = run.start("A", {}, mode="digest", limit=args.digest_wait)
    deadline = time.monotonic() + args.digest_wait + 60
    while proc.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await run.stop("A")
    out = run.result("A")
    sent = out["sent_after_s"]
    went = f"{sent:.1f} s" if sent is not None else f"NOT within {out['waited_s']:.0f} s"
    print(f"  [{backend.name}] digest: first send failed (500); due again {out['retry_due_after_s']:.1f} s later;"
          f" went out {went} after the "
          f"failure (real time); status {out['status']}, {out['posts']} POSTs", flush=True)
    return out


# ---------------------------------------------------------------- report
def table(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    names = list(results)
    head = "| # | fault | measured | target | " + " | ".join(names) + " |"
    sep = "|---|---|---|---|" + "---|" * len(names)
    lines = [head, sep]

    def row(num: str, fault: str, what: str, target: str, cell: Any) -> None:
        values = []
        for name in names:
            try:
                values.append(cell(results[name]))
            except Exception as exc:  # a scenario that failed shows why
                values.append(f"error: {type(exc).__name__}")
        lines.append(f"| {num} | {fault} | {what} | {target} | " + " | ".join(values) + " |")

    def kills(r: dict[str, Any]) -> list[dict[str, Any]]:
        return r["kill"]["rounds"]

    row("1", f"kill -9 during a {args.reminders}-reminder burst, {args.rounds} rounds", "lost (all rounds)", "0",
        lambda r: str(sum(x["lost"] for x in kills(r))))
    row("1", "", "duplicate POSTs per round", "≤ 1",
        lambda r: f"max {max(x['duplicates'] for x in kills(r))} (per round: "
                  f"{' '.join(str(x['duplicates']) for x in kills(r))})")
    row("1", "", "kill after n POSTs / all sent s after kill", "",
        lambda r: " ".join(f"{x['kill_after_posts']}" for x in kills(r)) + " / max "
                  f"{max(x['recovered_s'] for x in kills(r)):.1f} s")
    row("2", f"rolling deploy: B started mid-send, {args.reminders} reminders", "duplicate POSTs", "0",
        lambda r: str(r["rolling"]["duplicates"]))
    row("2", "", "POSTs by A / by B (overlap), lost", "",
        lambda r: f"{r['rolling']['posts'].get('A', 0)} / {r['rolling']['posts'].get('B', 0)} "
                  f"({r['rolling']['a_posts_after_b_first']} of A's after B's first), lost {r['rolling']['lost']}")
    row("3", f"20 network errors + 20 HTTP 500 among {args.reminders} sends (retry 1 s)", "stranded rows", "0",
        lambda r: str(r["errors"]["stranded"]))
    row("3", "", "duplicate POSTs / lost", "0 / 0",
        lambda r: f"{r['errors']['duplicates']} / {r['errors']['lost']}")
    row("3", "", "last sent after start", "",
        lambda r: f"{r['errors']['drained_s']:.1f} s")
    row("4", "channel answers 403 for 10 min (simulated, 5 s steps), 20 reminders", "requests per parked row",
        "1", lambda r: f"{r['forbidden']['refused_posts'] / max(r['forbidden']['parked'], 1):.2f} "
                       f"({r['forbidden']['refused_posts']} for {r['forbidden']['parked']})")
    row("4", "", "WARNING lines from bot.delivery", "1", lambda r: str(r["forbidden"]["warning_lines"]))
    row("5", "weekly digest POST answers 500 once (real time, defaults)", "went out after the failure",
        "< 1 h", lambda r: (f"{r['digest']['sent_after_s']:.1f} s" if r["digest"]["sent_after_s"] is not None
                            else f"not within {r['digest']['waited_s']:.0f} s"))
    return "\n".join(lines)


async def run_backend(backend: Backend, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    await backend.prepare()
    out: dict[str, Any] = {}
    scenarios = {
        "kill": lambda: scenario_kill(backend, tmp, args, rng),
        "rolling": lambda: scenario_rolling(backend, tmp, args),
        "errors": lambda: scenario_errors(backend, tmp, args),
        "forbidden": lambda: scenario_forbidden(backend, tmp, args),
        "digest": lambda: scenario_digest(backend, tmp, args),
    }
    for name, fn in scenarios.items():
        if name not in args.only:
            continue
        started = time.monotonic()
        print(f"[{backend.name}] {name} ...", flush=True)
        try:
            out[name] = await fn()
        except Exception as exc:
            print(f"[{backend.name}] {name} FAILED: {type(exc).__name__}: {exc}", flush=True)
        finally:
            kill_children()
        print(f"[{backend.name}] {name} took {time.monotonic() - started:.0f} s", flush=True)
    return out


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(args.keep) if args.keep else tempdir()
    tmp.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    backends: list[Backend] = []
    if "sqlite" in args.backends:
        backends.append(SQLiteBackend(tmp))
    if args.pg and "pg" in args.backends:
        backends.append(PostgresBackend(args.pg))
    results: dict[str, dict[str, Any]] = {}
    try:
        for backend in backends:
            try:
                results[backend.name] = await run_backend(backend, tmp, args)
            finally:
                await backend.cleanup()
    finally:
        kill_children()
    print()
    print(f"{args.rounds} kill rounds, {args.reminders} reminders, Discord answering after {args.latency_ms:.0f} ms;"
          f" {time.monotonic() - started:.0f} s in all")
    print(table(results, args))
    (tmp / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(f"details: {tmp / 'results.json'}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--reminders", type=int, default=200)
    parser.add_argument("--pg", help="PostgreSQL URL (a database per scenario is created and dropped)")
    parser.add_argument("--backends", default="sqlite,pg")
    parser.add_argument("--only", default="kill,rolling,errors,forbidden,digest")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="Discord's answer time per POST")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--digest-wait", type=float, default=120.0, help="real seconds to wait for the digest retry")
    parser.add_argument("--keep", help="keep databases, receipts and child logs in this directory")
    # child mode
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="A", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--receipts", help=argparse.SUPPRESS)
    parser.add_argument("--config", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="serve", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=200, help=argparse.SUPPRESS)
    parser.add_argument("--network-errors", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--server-errors", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--t0", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, default=120.0, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.child:
        asyncio.run(child_main(arguments))
    else:
        arguments.only = arguments.only.split(",")
        arguments.backends = arguments.backends.split(",")
        def on_term(*_: object) -> None:
            kill_children()
            sys.exit(1)

        signal.signal(signal.SIGTERM, on_term)
        try:
            asyncio.run(main(arguments))
        finally:
            kill_children()
