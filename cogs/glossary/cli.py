"""``python -m bot define`` and ``python -m bot glossary``: the glossary from a terminal, through the
same services as /define and /glossary."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli import emit, run_with_app
from bot.errors import UserError
from bot.i18n import parse_language
from cogs.glossary.browse import GlossaryIndex
from cogs.glossary.service import GlossaryService, Miss, display_name, quote_block


def _language(text: str | None) -> str:
    if not text:
        return "en"
    parsed = parse_language(text)
    if parsed is None:
        raise UserError(f"unknown language {text!r}")
    return parsed


def cmd_define(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        result = app.service(GlossaryService).define(args.text, _language(args.lang))
        if isinstance(result, Miss):
            suggestions = [{"id": s.value, "name": s.name} for s in result.suggestions]
            hint = ("Did you mean: " + ", ".join(s["name"] for s in suggestions) if suggestions
                    else "No term is close; try another word, or `resources` for documents.")
            emit(args, {"error": f"no term matches {result.query!r}", "suggestions": suggestions, "hint": hint},
                 f"No term matches {result.query!r}. {hint}")
            return 1
        quote = result.quote
        data = {
            "id": result.id, "term": result.term, "language": result.language, "local_name": result.local_name,
            "definition": result.short,
            "quote": {"text": quote.text, "source": quote.source} if quote else None,
            "explanation": result.explanation, "aliases": list(result.aliases),
            "related": [r for r, _ in result.related], "countries": list(result.countries),
            "topics": list(result.topics),
            "translations": {t.language: t.text for t in result.translations},
            "translation_status": "draft" if result.draft_translation else "reviewed",
            "sources": list(result.sources),
        }
        # As in Discord: the plain-words definition, then the quotation marked as one, with its source.
        quoted = quote_block(quote) + "\n\n" if quote else ""
        text = (f"{display_name(result.term, result.local_name)}\n\n{result.short}\n\n{quoted}{result.explanation}\n\n"
                f"Sources: {'; '.join(result.sources)}")
        emit(args, data, text)
        return 0

    return run_with_app(args, go)


def cmd_glossary(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        index = app.service(GlossaryIndex)
        filters = index.parse(args.letter, args.topic, args.country)
        if filters.empty:
            o = index.overview()
            data = {"total": o.total, "letters": dict(o.letters), "topics": dict(o.topics), "countries": dict(o.countries)}
            text = "\n".join([f"{o.total} terms", "By letter: " + " ".join(f"{k} {n}" for k, n in o.letters),
                              "By topic: " + ", ".join(f"{k} {n}" for k, n in o.topics),
                              "By country: " + ", ".join(f"{k} {n}" for k, n in o.countries)])
            emit(args, data, text)
            return 0
        page = index.browse(filters, _language(args.lang), page=1, page_size=10_000)
        items = [{"id": e.id, "term": e.term, "local_name": e.local_name, "definition": e.short} for e in page.items]
        emit(args, items, "\n".join(f"{display_name(e.term, e.local_name)}: {e.short}" for e in page.items)
             or f"No term matches {filters.describe()}.")
        return 0 if page.items else 1

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    languages = "language code or name (th, vi, km, lo, mn, ky, ru, id, ms, fil, zh, ja, ko)"
    define = sub.add_parser("define", help="look up a glossary term")
    define.add_argument("text")
    define.add_argument("--lang", help=languages)
    define.add_argument("--json", action="store_true")
    define.set_defaults(func=cmd_define)
    browse = sub.add_parser("glossary", help="list glossary terms by letter, topic or country (none: an overview)")
    browse.add_argument("--letter", help="A-Z, or # for names starting with a digit or another script")
    browse.add_argument("--topic")
    browse.add_argument("--country", help="any name of the country")
    browse.add_argument("--lang", help=languages)
    browse.add_argument("--json", action="store_true")
    browse.set_defaults(func=cmd_glossary)
