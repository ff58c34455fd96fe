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


# The Discord adapters of a capability folder; everything else in it is a service, a model or a CLI.
DISCORD_SIDE = {"cog.py", "ui.py", "components.py", "jobs.py"}


def service_modules() -> list[Path]:
    paths = [ROOT / "bot" / "permissions.py", *(ROOT / "db").rglob("*.py")]
    paths += [p for p in (ROOT / "cogs").glob("*/*.py") if p.name not in DISCORD_SIDE]
    return paths


def test_services_and_db_do_not_import_discord() -> None:
    offenders = []
    for path in service_modules():
        bad = {m for m in imported_modules(path) if m == "discord" or m.startswith(("discord.", "bot.ui"))}
        if path.is_relative_to(ROOT / "db"):
            bad |= {m for m in imported_modules(path) if m.startswith("cogs")}
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_the_layering_check_sees_the_service_modules() -> None:
    names = {str(p.relative_to(ROOT)) for p in service_modules()}
    assert {"bot/permissions.py", "db/queries.py", "cogs/qa/service.py", "cogs/sessions/reminders.py"} <= names


def test_cogs_do_not_reach_into_each_other() -> None:
    offenders = []
    for path in (ROOT / "cogs").glob("*.py"):
        mods = {m for m in imported_modules(path) if m.startswith("cogs.")}
        if mods:
            offenders.append(f"{path.name}: {sorted(mods)}")
    assert offenders == []
