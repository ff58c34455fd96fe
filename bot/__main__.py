"""Command line: ``python -m bot <command>``. Every command calls the same services as Discord."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import Settings, load_settings
from bot.content import load_content
from bot.errors import UserError
from bot.yamlfile import YamlProblems
from cogs.glossary.service import Miss

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


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


async def _with_app(settings: Settings, action: Callable[[App], Awaitable[int]]) -> int:
    app = await App.create(settings)
    try:
        return await action(app)
    finally:
        await app.close()


# ---------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return EXIT_USAGE
    from bot.runner import run_bot

    return asyncio.run(run_bot(settings))


def cmd_check(args: argparse.Namespace) -> int:
    settings = _settings(args)  # config problems raise YamlProblems: reported by main()
    content, problems = load_content(settings.content_dir)
    if problems:
        _print_problems(problems)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(
        f"config OK ({settings.config_path}); content OK: {len(content.terms)} glossary terms, "
        f"{len(content.resources)} resources, {len(content.command_strings)} translated command strings."
    )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from db.engine import create_engine
    from db.migrate import current_revisions, upgrade

    async def go() -> int:
        engine = create_engine(_settings(args).database_url)
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

    return asyncio.run(run_console(_settings(args)))


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def cmd_define(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        from bot.i18n import parse_language

        lang = "en"
        if args.lang:
            parsed = parse_language(args.lang)
            if parsed is None:
                raise UserError(f"unknown language {args.lang!r}")
            lang = parsed
        result = app.glossary.define(args.text, lang)
        if isinstance(result, Miss):
            suggestions = [{"id": s.value, "name": s.name} for s in result.suggestions]
            _emit(args, {"error": f"no term matches {result.query!r}", "suggestions": suggestions},
                  f"No term matches {result.query!r}. Did you mean: " + ", ".join(s["name"] for s in suggestions))
            return 1
        data = {
            "id": result.id, "term": result.term, "language": result.language, "local_name": result.local_name,
            "definition": result.short, "explanation": result.explanation, "aliases": list(result.aliases),
            "related": [r for r, _ in result.related], "countries": list(result.countries),
            "translations": {t.language: t.text for t in result.translations},
            "translation_status": "draft" if result.draft_translation else "reviewed",
            "sources": list(result.sources),
        }
        title = f"{result.local_name} — {result.term}" if result.local_name else result.term
        _emit(args, data, f"{title}\n\n{result.short}\n\n{result.explanation}\n\nSources: {'; '.join(result.sources)}")
        return 0

    return asyncio.run(_with_app(_settings(args), go))


def cmd_resources(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        filters = app.resources.parse_filters(args.query, args.country, args.topic, args.type, args.language)
        page = app.resources.search(filters, page=1, page_size=10_000)
        items = [asdict(r) | {"countries": list(r.countries)} for r in page.items]
        lines = [f"{r.title} ({r.type}, {r.publisher} {r.year}) {r.url or ''}".rstrip() for r in page.items]
        _emit(args, items, "\n".join(lines) or "Nothing matched.")
        return 0

    return asyncio.run(_with_app(_settings(args), go))


def cmd_search(args: argparse.Namespace) -> int:
    from cogs.search import service as search

    async def go(app: App) -> int:
        params = search.parse_params(
            args.query, scope=args.scope, country=args.country, topic=args.topic, author_id=args.author,
            solved=args.solved, after=args.after, before=args.before, timezone=app.config.timezone,
        )
        async with app.db.begin() as session:
            page = await search.search_messages(session, params, page_size=args.limit)
        items = [
            {"kind": h.kind, "id": str(h.message_id), "content": h.content, "snippet": h.snippet,
             "author_id": str(h.author_id), "created_at": h.created_at.isoformat(), "jump_url": h.jump_url,
             "score": h.score, "solved": h.solved, "question_title": h.question_title}
            for h in page.hits
        ]
        lines = [f"[{h.kind}{' ✓' if h.solved else ''}] {h.created_at:%Y-%m-%d} {h.snippet}\n    {h.jump_url}"
                 for h in page.hits]
        _emit(args, items, "\n".join(lines) or "Nothing found.")
        return 0

    return asyncio.run(_with_app(_settings(args), go))


def cmd_import_archive(args: argparse.Namespace) -> int:
    from cogs.search import archive

    async def go(app: App) -> int:
        from bot.progress import byte_progress

        path = Path(args.file)
        try:
            with byte_progress((await asyncio.to_thread(path.stat)).st_size, path.name) as progress:
                summary = await archive.import_dce_export(
                    app.db, path, batch=args.batch, progress=progress,
                    problem=lambda p: print(f"warning: {p}", file=sys.stderr))
        except (OSError, UserError) as exc:
            raise UserError(f"cannot read {path}: {getattr(exc, 'message', exc)}") from None
        print(summary.line(path.name))
        return 0

    return asyncio.run(_with_app(_settings(args), go))


def cmd_qa(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from cogs.qa import service as qa

    async def go(app: App) -> int:
        # Without a Discord connection nothing can be posted: list what is due, claim nothing.
        async with app.db.begin() as session:
            due = await qa.route_unanswered(session, app.config, datetime.now(UTC), claim=False)
        items = [{"thread_id": str(r.thread_id), "title": r.title, "target": r.target,
                  "role_ids": [str(x) for x in r.role_ids]} for r in due]
        _emit(args, items, "\n".join(f"{r.target}: {r.title} ({r.thread_id})" for r in due) or "Nothing is due.")
        return 0

    return asyncio.run(_with_app(_settings(args), go))


def cmd_sessions(args: argparse.Namespace) -> int:
    from bot.services.permissions import Actor

    async def go(app: App) -> int:
        if args.action == "list":
            async with app.db.begin() as session:
                page = await app.sessions.upcoming(session, country=args.country, language=args.language,
                                                   page_size=100_000, include_cancelled=args.all)
            items = [v.as_json() for v in page.items]
            lines = [f"#{v.id:<5} {v.start_utc:%Y-%m-%d %H:%M} UTC  {v.title}  [{v.timezone}]  "
                     f"going {v.rsvp.going}, interested {v.rsvp.interested}" + (" (cancelled)" if v.cancelled else "")
                     for v in page.items]
            _emit(args, items, "\n".join(lines) or "No upcoming sessions.")
            return 0
        if args.action == "ics":
            from cogs.sessions.calendar import ics_for

            async with app.db.begin() as session:
                _name, data = await ics_for(app.sessions, session, args.id, whole_series=args.series)
            if args.output:
                await asyncio.to_thread(Path(args.output).write_bytes, data)
                print(f"wrote {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(data.decode("utf-8"))
            return 0
        # import: validated as a whole; nothing is stored unless every entry is valid
        from cogs.sessions.importer import load_programme

        drafts = load_programme(Path(args.file))
        async with app.db.begin() as session:
            views = await app.sessions.import_programme(session, Actor.cli(), drafts)
        for v in views:
            print(f"planned #{v.id} {v.start_utc:%Y-%m-%d %H:%M} UTC  {v.title}")
        print(f"{len(views)} session(s) planned; the bot announces them when it next starts or is running.")
        return 0

    return asyncio.run(_with_app(_settings(args), go))


# ---------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="SSE community of practice bot")
    parser.add_argument("--config", help="path to config.yaml (default: $SSE_CONFIG or ./config.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="connect to Discord and serve").set_defaults(func=cmd_run)
    sub.add_parser("check", help="validate config and all content, printing every problem").set_defaults(func=cmd_check)
    sub.add_parser("console", help="try the bot in a terminal, no Discord account needed").set_defaults(func=cmd_console)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(func=cmd_db)

    define = sub.add_parser("define", help="look up a glossary term")
    define.add_argument("text")
    define.add_argument("--lang", help="language code or name (th, vi, km, lo, mn, ky, ru, id, ms, fil, zh, ja, ko)")
    define.add_argument("--json", action="store_true")
    define.set_defaults(func=cmd_define)

    res = sub.add_parser("resources", help="search the resource catalogue")
    res.add_argument("query", nargs="?")
    res.add_argument("--country")
    res.add_argument("--topic")
    res.add_argument("--type")
    res.add_argument("--language")
    res.add_argument("--json", action="store_true")
    res.set_defaults(func=cmd_resources)

    srch = sub.add_parser("search", help="search Q&A posts and archived discussions")
    srch.add_argument("query")
    srch.add_argument("--scope", choices=["questions", "discussions", "all"], default="all")
    srch.add_argument("--country")
    srch.add_argument("--topic")
    srch.add_argument("--author", type=int, help="Discord user id")
    solved = srch.add_mutually_exclusive_group()
    solved.add_argument("--solved", dest="solved", action="store_const", const=True, default=None)
    solved.add_argument("--unsolved", dest="solved", action="store_const", const=False)
    srch.add_argument("--after", help="YYYY-MM-DD")
    srch.add_argument("--before", help="YYYY-MM-DD")
    srch.add_argument("--limit", type=int, default=20)
    srch.add_argument("--json", action="store_true")
    srch.set_defaults(func=cmd_search)

    imp = sub.add_parser("import-archive", help="import a DiscordChatExporter JSON export (idempotent)")
    imp.add_argument("file")
    imp.add_argument("--batch", type=int, default=2000)
    imp.set_defaults(func=cmd_import_archive)

    qa_cmd = sub.add_parser("qa", help="Q&A maintenance")
    qa_cmd.add_argument("action", choices=["route-unanswered"])
    qa_cmd.add_argument("--json", action="store_true")
    qa_cmd.set_defaults(func=cmd_qa)

    ses = sub.add_parser("sessions", help="capacity-building sessions: list, calendar files, import a programme")
    ses_sub = ses.add_subparsers(dest="action", required=True)
    ses_list = ses_sub.add_parser("list", help="upcoming sessions")
    ses_list.add_argument("--country")
    ses_list.add_argument("--language")
    ses_list.add_argument("--all", action="store_true", help="include cancelled sessions")
    ses_list.add_argument("--json", action="store_true")
    ses_ics = ses_sub.add_parser("ics", help="an .ics calendar file for a session (or its whole series)")
    ses_ics.add_argument("id")
    ses_ics.add_argument("--series", action="store_true", help="the whole series, as one recurring event")
    ses_ics.add_argument("-o", "--output", help="write to this file instead of standard output")
    ses_imp = ses_sub.add_parser("import", help="plan a whole programme from a YAML file")
    ses_imp.add_argument("file")
    ses.set_defaults(func=cmd_sessions, json=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings_level = "INFO"
        try:
            settings_level = _settings(args).config.log_level
        except YamlProblems:
            pass
        logging.basicConfig(level=getattr(logging, settings_level), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
