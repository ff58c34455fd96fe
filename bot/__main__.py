"""Command line: ``python -m bot <command>``. Every command calls the same services as Discord."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from bot.backup import register as register_backup
from bot.cli import settings_of
from bot.content import Content, load_content, translation_gaps
from bot.errors import UserError
from bot.logs import configure as configure_logging
from bot.status import register as register_status
from bot.web.cli import register as register_web
from bot.yamlfile import YamlProblems

log = logging.getLogger("bot")

EXIT_USAGE = 2
NO_TOKEN_HELP = """\
DISCORD_TOKEN is not set, so the bot cannot connect to Discord.

To get a token: open https://discord.com/developers/applications, create an application,
open its Bot page, press "Reset Token" and copy it. Enable the MESSAGE CONTENT intent there.
Invite the bot with the OAuth2 URL generator (scopes: bot, applications.commands).
Then start it with:  DISCORD_TOKEN=your-token ./dev run

To try every command now without a Discord account:  ./dev bot console
"""


def _print_problems(problems: list[Any]) -> None:
    for p in problems:
        print(f"error: {p}", file=sys.stderr)


# ---------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        if not sys.stdin.isatty():
            return EXIT_USAGE
        # A person at a terminal (./dev run on a fresh clone): the console, with the web site beside it.
        print("Starting the console now (:quit to leave).\n", file=sys.stderr)
        from bot.console import DEFAULT_DATABASE, run_console

        return asyncio.run(run_console(settings, database=DEFAULT_DATABASE, web=True))
    from bot.runner import run_bot

    return asyncio.run(run_bot(settings))


def cmd_check(args: argparse.Namespace) -> int:
    settings = settings_of(args)  # config problems raise YamlProblems: reported by main()
    content, problems = load_content(settings.content_dir)
    if problems:
        _print_problems(problems)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(
        f"config OK ({settings.config_path}); content OK: {len(content.terms)} glossary terms, "
        f"{len(content.resources)} resources."
    )
    for warning in translation_warnings(content):
        print(f"warning: {warning}")
    return 0


def translation_warnings(content: Content) -> list[str]:
    """What members of each language still read in English: glossary entries and catalogue messages."""
    from bot.catalogues import untranslated

    core = sum(1 for t in content.terms if t.core)
    warnings = []
    for language, gaps in translation_gaps(content.terms).items():
        if any(gaps.values()):
            warnings.append(
                f"glossary in {language}: {gaps['names']} of {len(content.terms)} names, {gaps['definitions']} of "
                f"{len(content.terms)} definitions, {gaps['explanations']} of {core} core explanations missing "
                f"(content/glossary/translations/{language}.yaml)")
        missing = untranslated(language)
        if missing:
            warnings.append(f"messages in {language}: {len(missing)} untranslated, e.g. {missing[0]!r} "
                            f"(bot/locale/{language}/LC_MESSAGES/messages.po; ./dev i18n after code changes)")
    return warnings


def cmd_db(args: argparse.Namespace) -> int:
    from db.engine import create_engine
    from db.migrate import current_revisions, upgrade

    async def go() -> int:
        engine = create_engine(settings_of(args).database_url)
        try:
            if args.action == "upgrade":
                await upgrade(engine)
            print("database at revision(s):", ", ".join(sorted(await current_revisions(engine))) or "none")
        finally:
            await engine.dispose()
        return 0

    return asyncio.run(go())


def cmd_console(args: argparse.Namespace) -> int:
    from bot.console import run_console

    return asyncio.run(run_console(settings_of(args), database=args.db))


# ---------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="SSE community of practice bot")
    parser.add_argument("--config", help="path to config.yaml (default: $SSE_CONFIG or ./config.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="connect to Discord and serve").set_defaults(func=cmd_run)
    sub.add_parser("check", help="validate config and all content, printing every problem").set_defaults(func=cmd_check)
    sub.add_parser("console", help="try the bot in a terminal, no Discord account needed").set_defaults(func=cmd_console)
    sub.choices["console"].add_argument("--db", default="data/console.db", help="its own database: a path or URL (default: data/console.db)")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(func=cmd_db)
    register_status(sub)
    register_backup(sub)
    register_web(sub)

    from bot.capabilities import CAPABILITIES  # the capabilities add their own commands

    for capability in CAPABILITIES:
        if capability.cli is not None:
            capability.cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        level, log_format = "INFO", "text"
        try:
            config = settings_of(args).config
            level, log_format = config.log_level, config.log_format
        except YamlProblems:
            pass
        configure_logging(level, log_format)
        return int(args.func(args))
    except YamlProblems as exc:
        _print_problems(exc.problems)
        return EXIT_USAGE
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.suggestions:
            print("did you mean: " + ", ".join(exc.suggestions), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
