"""``python -m bot search`` and ``import-archive``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import App
from bot.catalogues import _, use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app
from bot.errors import UserError


def cmd_search(args: argparse.Namespace) -> int:
    from cogs.glossary.thesaurus import also_searched
    from cogs.search.service import SearchService

    async def go(app: App) -> int:
        searches = app.service(SearchService)
        params = searches.parse(
            args.query, scope=args.scope, country=args.country, topic=args.topic, author_id=args.author,
            solved=args.solved, after=args.after, before=args.before, expand=not args.exact,
        )
        async with app.db.begin() as session:
            page = await searches.search(session, params, page_size=args.limit)
        items = [
            {"kind": h.kind, "id": str(h.message_id), "content": h.content, "snippet": h.snippet,
             "author_id": str(h.author_id), "created_at": h.created_at.isoformat(), "jump_url": h.jump_url,
             "score": h.score, "solved": h.solved, "question_title": h.question_title}
            for h in page.hits
        ]
        lines = [f"[{h.kind}{' ✓' if h.solved else ''}] {h.created_at:%Y-%m-%d} {h.snippet}\n    {h.jump_url}"
                 for h in page.hits]
        text = "\n".join(lines) or _("Nothing found.")
        note = also_searched(page.added)
        emit(args, items, f"{text}\n{note}" if note else text)
        return 0

    with use_language(cli_language(args)):  # the refusals and "Nothing found." read in --lang
        return run_with_app(args, go)


def cmd_search_index(args: argparse.Namespace) -> int:
    from db.search_index import IndexBusy, SearchIndex

    async def go(app: App) -> int:
        try:
            index = app.service(SearchIndex)
        except LookupError:
            raise UserError("archive.search_engine is \"database\": there is no separate index to build "
                            "(set it to tantivy in config.yaml)") from None
        try:
            done = await index.rebuild()
        except IndexBusy:
            raise UserError(f"another process (the running bot) holds the index in {index.folder}: it keeps "
                            "the index up to date itself; stop it first to build the index again") from None
        print(f"search index built again: {done} messages in {index.folder}")
        return 0

    return run_with_app(args, go)


def cmd_import_archive(args: argparse.Namespace) -> int:
    from cogs.search import dce_import

    async def go(app: App) -> int:
        from bot.progress import byte_progress

        path = Path(args.file)
        try:
            with byte_progress((await asyncio.to_thread(path.stat)).st_size, path.name) as progress:
                summary = await dce_import.import_dce_export(
                    app.db, path, batch=args.batch, progress=progress,
                    problem=lambda p: print(f"warning: {p}", file=sys.stderr))
        except (OSError, UserError) as exc:
            raise UserError(f"cannot read {path}: {getattr(exc, 'message', exc)}") from None
        print(summary.line(path.name))
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    srch.add_argument("--exact", action="store_true",
                      help="only the words as typed (no glossary names in other languages)")
    srch.add_argument("--json", action="store_true")
    add_language_option(srch)
    srch.set_defaults(func=cmd_search)

    idx = sub.add_parser("search-index", help="build the dedicated search engine's index again from the database "
                         "(archive.search_engine: tantivy)")
    idx.add_argument("action", choices=["rebuild"])
    idx.set_defaults(func=cmd_search_index)

    imp = sub.add_parser("import-archive", help="import a DiscordChatExporter JSON export (idempotent)")
    imp.add_argument("file")
    imp.add_argument("--batch", type=int, default=2000)
    imp.set_defaults(func=cmd_import_archive)
