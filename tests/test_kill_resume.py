"""Killing an import part-way and running it again stores every message exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import yaml
from sqlalchemy import func, select

from bot.config import load_settings
from cogs.search.models import ArchivedMessage
from db.engine import Database
from tests.conftest import ROOT, base_config

N = 12_000


def export(path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    path.write_text(json.dumps(corpus.export(N, seed=5), ensure_ascii=False), encoding="utf-8")


async def start(tmp_path: Path, database_url: str, file: Path) -> asyncio.subprocess.Process:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(base_config()), encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "import-archive", str(file), "--batch", "500",
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def counts(tmp_path: Path, database_url: str) -> tuple[int, int]:
    settings = load_settings(tmp_path / "config.yaml", env={"DATABASE_URL": database_url})
    db = Database.from_url(settings.database_url)
    try:
        async with db.begin() as session:
            rows = (await session.execute(select(func.count(), func.count(func.distinct(ArchivedMessage.id)))
                                          .select_from(ArchivedMessage))).one()
            return int(rows[0]), int(rows[1])
    finally:
        await db.close()


async def test_kill_during_import_then_rerun_loses_and_duplicates_nothing(tmp_path: Path, database_url: str) -> None:
    file = tmp_path / "export.json"
    await asyncio.to_thread(export, file)
    proc = await start(tmp_path, database_url, file)
    # Kill it as soon as it has stored something (or whenever it gets there): SIGKILL, no clean-up.
    for _ in range(400):
        await asyncio.sleep(0.05)
        if proc.returncode is not None:
            break
        try:
            stored, _ = await counts(tmp_path, database_url)
        except Exception:
            continue  # not migrated yet
        if stored:
            break
    if proc.returncode is None:
        proc.send_signal(signal.SIGKILL)
    await proc.wait()
    partial, _ = await counts(tmp_path, database_url)
    assert partial <= N
    again = await start(tmp_path, database_url, file)
    out, err = await again.communicate()
    assert again.returncode == 0, err.decode()
    total, distinct = await counts(tmp_path, database_url)
    assert total == distinct == N
    assert f"{N} message(s) read" in out.decode()
