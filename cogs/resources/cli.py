"""``python -m bot resources``: the catalogue from a terminal, in the language ``--lang`` names."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from bot.app import App
from bot.catalogues import _, use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app
from cogs.glossary.thesaurus import also_searched
from cogs.resources.service import ResourceService, type_label


def cmd_resources(args: argparse.Namespace) -> int:
    language = cli_language(args)

    async def go(app: App) -> int:
        with use_language(language):
            filters = app.service(ResourceService).parse_filters(args.query, args.country, args.topic, args.type,
                                                                 args.language)
            page = app.service(ResourceService).search(filters, page=1, page_size=10_000)
            items = [asdict(r) | {"countries": list(r.countries)} for r in page.items]
            lines = [f"{r.title} ({type_label(r.type)}, {r.publisher}{f' {r.year}' if r.year else ''}; {r.status_label}) "
                     f"{r.url or ''}".rstrip() for r in page.items]
            text = "\n".join(lines) or _("Nothing matched. {hints}").format(hints=" ".join(page.hints))
            note = also_searched(page.added)
            emit(args, items, f"{text}\n{note}" if note else text)
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    res = sub.add_parser("resources", help="search the resource catalogue")
    res.add_argument("query", nargs="?")
    res.add_argument("--country")
    res.add_argument("--topic")
    res.add_argument("--type")
    res.add_argument("--language", help="only resources available in this language")
    add_language_option(res)
    res.add_argument("--json", action="store_true")
    res.set_defaults(func=cmd_resources)
