"""Services and the database layer never import discord: they must work from the CLI and tests alone."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_and_db_do_not_import_discord() -> None:
    offenders = []
    for folder in (ROOT / "bot" / "services", ROOT / "db"):
        for path in folder.rglob("*.py"):
            bad = {m for m in imported_modules(path) if m == "discord" or m.startswith(("discord.", "cogs", "bot.ui"))}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_cogs_do_not_reach_into_each_other() -> None:
    offenders = []
    for path in (ROOT / "cogs").glob("*.py"):
        mods = {m for m in imported_modules(path) if m.startswith("cogs.")}
        if mods:
            offenders.append(f"{path.name}: {sorted(mods)}")
    assert offenders == []
