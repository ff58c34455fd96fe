"""Import rules that keep the shape (docs/architecture.md): business rules and the database layer
never import discord, so they work from the CLI, the web and tests alone; capabilities do not
reach into each other's Discord side."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The only modules allowed to import discord: a capability's adapters, and the bot's own.
CAPABILITY_DISCORD_SIDE = {"cog", "ui", "components", "jobs"}
BOT_DISCORD_SIDE = {"bot.bot", "bot.delivery", "bot.translator", "bot.command_strings", "bot.runner", "bot.console", "bot.console_input"}
# The CLI entry point starts the bot or the console (imported lazily): not checked. Records name
# their Discord side by module path (``extension``, ``lazy(...)``), so they are checked like services.
WIRING = {"bot.__main__"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def discord_side(module: str) -> bool:
    parts = module.split(".")
    if parts[0] == "cogs":
        return len(parts) == 3 and parts[2] in CAPABILITY_DISCORD_SIDE
    return module in BOT_DISCORD_SIDE or module.startswith("bot.ui.") or module.startswith("offline")


def product_modules() -> list[Path]:
    return [p for folder in ("bot", "cogs", "db") for p in (ROOT / folder).rglob("*.py")]


def test_only_adapters_import_discord() -> None:
    offenders = []
    for path in product_modules():
        module = module_name(path).removesuffix(".__init__")
        if discord_side(module) or module in WIRING:
            continue
        bad = sorted(m for m in imported_modules(path) if m == "discord" or m.startswith("discord.")
                     or (m.startswith(("cogs.", "bot.")) and discord_side(m)))
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {bad}")
    assert offenders == []


def test_the_rule_sees_the_service_modules() -> None:
    """Not vacuous: the services of every capability are among the modules checked above."""
    checked = {module_name(p) for p in product_modules() if not discord_side(module_name(p))}
    assert {"cogs.sessions.reminders", "cogs.sessions.planning", "cogs.glossary.service", "cogs.qa.service",
            "db.search", "bot.app", "bot.permissions", "cogs.sessions.capability", "bot.capabilities"} <= checked


def test_the_database_layer_knows_no_capability() -> None:
    offenders = [f"{p.relative_to(ROOT)}: {m}" for p in (ROOT / "db").rglob("*.py") if "versions" not in p.parts
                 for m in imported_modules(p) if m.startswith("cogs")]
    assert offenders == []


def test_capabilities_do_not_reach_into_each_others_discord_side() -> None:
    offenders = []
    for path in (ROOT / "cogs").rglob("*.py"):
        own = path.relative_to(ROOT).parts[1]
        for m in imported_modules(path):
            parts = m.split(".")
            if parts[0] == "cogs" and len(parts) == 3 and parts[1] != own and parts[2] in CAPABILITY_DISCORD_SIDE:
                offenders.append(f"{path.relative_to(ROOT)}: {m}")
    assert offenders == []


def test_nothing_in_the_product_uses_get_cog() -> None:
    """Capabilities talk through services and the bot's runtimes, not by looking up each other's cogs."""
    users = [str(p.relative_to(ROOT)) for p in product_modules() if "get_cog(" in p.read_text(encoding="utf-8")]
    assert users == []
