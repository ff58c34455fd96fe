"""python -m bot import-archive / search / qa route-unanswered, as an admin runs them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, base_config

SAMPLE = ROOT / "tests" / "data" / "dce-channel-export-sample.json"


async def run(tmp_path: Path, database_url: str, *args: str) -> tuple[int, str, str]:
    config = tmp_path / "config.yaml"
    if not config.exists():
        config.write_text(yaml.safe_dump(base_config()), encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": database_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def test_import_is_idempotent_and_search_prints_json(tmp_path: Path, database_url: str) -> None:
    code, out, _ = await run(tmp_path, database_url, "import-archive", str(SAMPLE))
    assert code == 0 and "0 already stored" in out
    code, out, _ = await run(tmp_path, database_url, "import-archive", str(SAMPLE))
    assert code == 0 and "0 new or changed" in out
    code, out, _ = await run(tmp_path, database_url, "search", "certify", "--json")
    assert code == 0
    items = json.loads(out)
    assert items and {"kind", "content", "snippet", "author_id", "created_at", "jump_url", "score"} <= set(items[0])
    assert items[0]["kind"] == "message" and "certify" in items[0]["content"]
    code, out, _ = await run(tmp_path, database_url, "search", '"AND -* c++ :', "--json")
    assert code == 0 and json.loads(out) == []


async def test_cli_errors_are_polite(tmp_path: Path, database_url: str) -> None:
    code, _, err = await run(tmp_path, database_url, "search", "   ")
    assert code == 2 and "Please type what to search for" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = await run(tmp_path, database_url, "import-archive", str(bad))
    assert code == 2 and "cannot read" in err and "Traceback" not in err
    code, out, _ = await run(tmp_path, database_url, "qa", "route-unanswered")
    assert code == 0 and "Nothing is due" in out


async def test_search_also_looks_for_the_glossary_names_unless_exact(tmp_path: Path, database_url: str) -> None:
    code, _, _ = await run(tmp_path, database_url, "import-archive", str(SAMPLE))
    assert code == 0
    code, out, _ = await run(tmp_path, database_url, "search", "วิสาหกิจเพื่อสังคม", "--json")
    items = json.loads(out)
    assert code == 0 and "วิสาหกิจเพื่อสังคม" in items[0]["content"], "the words as typed first"
    assert any("social enterprise" in i["content"].lower() for i in items[1:])
    code, out, _ = await run(tmp_path, database_url, "search", "วิสาหกิจเพื่อสังคม")
    assert code == 0 and out.strip().splitlines()[-1].startswith("Also searched: Social enterprise")
    code, out, _ = await run(tmp_path, database_url, "search", "วิสาหกิจเพื่อสังคม", "--exact", "--json")
    assert code == 0 and len(json.loads(out)) == 1


async def test_search_index_rebuild_builds_the_dedicated_engine_and_says_so(tmp_path: Path, database_url: str) -> None:
    code, _, err = await run(tmp_path, database_url, "search-index", "rebuild")
    assert code == 2 and "no separate index to build" in err  # the default engine is the database's own
    (tmp_path / "config.yaml").write_text(
        yaml.safe_dump({**base_config(), "archive": {"search_engine": "tantivy"}}), encoding="utf-8")
    code, out, _ = await run(tmp_path, database_url, "import-archive", str(SAMPLE))
    stored = int(re.search(r": (\d+) new or changed", out)[1])  # type: ignore[index]
    assert code == 0 and stored > 0
    code, out, _ = await run(tmp_path, database_url, "search-index", "rebuild")
    assert code == 0 and f"search index built again: {stored} messages" in out
    code, out, _ = await run(tmp_path, database_url, "search-index", "rebuild")
    assert code == 0 and f"search index built again: {stored} messages" in out
    folders = [p.name for p in (tmp_path / "data" / "search-index").iterdir() if p.is_dir()]
    assert len(folders) == 1  # each build writes a new folder, and the old one is deleted
    code, out, _ = await run(tmp_path, database_url, "search", "certify", "--json")
    assert code == 0 and any("certify" in item["content"] for item in json.loads(out))
