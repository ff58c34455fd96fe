"""Peak memory and throughput of ``python -m bot import-archive`` on a big export.

Writes a synthetic DiscordChatExporter export of N messages (the seeded mixed-script corpus,
written message by message so this script stays small too), runs the real CLI in a
subprocess on a fresh SQLite file, samples its RSS every 50 ms with psutil and prints the peak
and messages/s. Target: peak RSS <= 300 MB at 1,000,000 messages.

    .venv/bin/python bench/bench_import_memory.py [--messages 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

TARGET_MB = 300


def write_export(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write('{"guild": {"id": "710000000000000001", "name": "bench"}, '
                '"channel": {"id": "710000000000000201", "name": "general"}, "messages": [\n')
        for i, message in enumerate(corpus.messages(n, seed=11)):
            if i:
                f.write(",\n")
            f.write(json.dumps(message, ensure_ascii=False))
        f.write(f'\n], "messageCount": {n}}}\n')


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_import(tmp: Path, export: Path) -> tuple[float, int, str, int]:
    config = tmp / "config.yaml"
    config.write_text(yaml.safe_dump({"content_dir": str(ROOT / "content"), "log_level": "WARNING"}),
                      encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'import.db'}"}
    env.pop("DISCORD_TOKEN", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "import-archive", str(export)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, tree_rss(watched))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    return elapsed, peak, out.strip(), proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the export and database in this directory")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="sse-bench-import-"))
    tmp.mkdir(parents=True, exist_ok=True)
    export = tmp / "export.json"
    try:
        t0 = time.perf_counter()
        write_export(export, args.messages)
        size_mb = export.stat().st_size / 2**20
        print(f"export: {args.messages:,} messages, {size_mb:,.0f} MB, written in {time.perf_counter() - t0:.0f} s")
        elapsed, peak, out, code = run_import(tmp, export)
        print(f"cli: {out.splitlines()[-1] if out else '(no output)'} (exit {code})")
        print(f"import-archive: {elapsed:.1f} s, {args.messages / elapsed:,.0f} msg/s (process start and "
              f"migrations included)")
        verdict = "ok" if peak <= TARGET_MB * 2**20 else "OVER TARGET"
        print(f"peak RSS: {peak / 2**20:,.0f} MB (target <= {TARGET_MB} MB: {verdict})")
        db = tmp / "import.db"
        if db.exists():
            print(f"database: {db.stat().st_size / 2**20:,.0f} MB")
        return 0 if code == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
