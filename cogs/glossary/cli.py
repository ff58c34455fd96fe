"""``python -m bot define`` and ``python -m bot glossary``: the glossary from a terminal, through the
same services as /define and /glossary, in the language ``--lang`` names (English without it)."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.catalogues import DEFAULT as ENGLISH
from bot.catalogues import _, draft_note, format_number, ngettext, use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app
from cogs.glossary.browse import GlossaryIndex
from cogs.glossary.service import GlossaryService, Miss, TextStatus, display_name, quote_block, topic_label
from cogs.glossary.wording import browse_small_print, definition_small_print


def small_print_line(note: str | None) -> str:
    """The reply's small print for a terminal: the line as Discord shows it small, without its marker."""
    return f"\n\n{note.removeprefix('-# ')}" if note else ""


def _written_in(status: TextStatus, language: str) -> str:
    """The language a text is actually in: English when it is the original or the language has none yet."""
    return language if status in ("draft", "reviewed") else ENGLISH


def cmd_define(args: argparse.Namespace) -> int:
    language = cli_language(args)

    async def go(app: App) -> int:
        result = app.service(GlossaryService).define(args.text, language)
        if isinstance(result, Miss):
            suggestions = [{"id": s.value, "name": s.name} for s in result.suggestions]
            hint = (_("Did you mean: {names}").format(names=", ".join(s["name"] for s in suggestions)) if suggestions
                    else _("No term is close; try another word, or `resources` for documents."))
            emit(args, {"error": f"no term matches {result.query!r}", "suggestions": suggestions, "hint": hint},
                 _("No term matches “{query}”.").format(query=result.query) + f" {hint}")
            return 1
        quote = result.quote
        data = {
            "id": result.id, "term": result.term, "language": result.language, "local_name": result.local_name,
            "gloss": result.gloss,
            "definition": result.short,
            "quote": {"text": quote.text, "source": quote.source} if quote else None,
            "explanation": result.explanation, "aliases": list(result.aliases), "also": list(result.also),
            "related": [r for r, _name in result.related], "countries": list(result.countries),
            "topics": list(result.topics),
            "translations": {t.language: t.text for t in result.translations},
            # the term's entry in the language asked for: original (English), draft, reviewed or missing
            "translation_status": result.translation_status,
            # the language each text is written in, and where it comes from ("missing": none yet in the
            # language asked for, the English text is given)
            "lang": {"definition": _written_in(result.short_status, language),
                     "explanation": _written_in(result.explanation_status, language)},
            "status": {"definition": result.short_status, "explanation": result.explanation_status},
            "sources": list(result.sources),
        }
        # As in Discord: the plain-words definition, then the quotation marked as one, with its source.
        quoted = quote_block(quote) + "\n\n" if quote else ""
        sources = _("Sources: {sources}").format(sources="; ".join(result.sources))
        note = draft_note(definition_small_print(result, fields=("short", "explanation")))
        text = (f"{display_name(result.term, result.local_name, result.gloss)}\n\n{result.short}\n\n{quoted}"
                f"{result.explanation}\n\n{sources}{small_print_line(note)}")
        emit(args, data, text)
        return 0

    async def in_language(app: App) -> int:
        with use_language(language):
            return await go(app)

    return run_with_app(args, in_language)


def cmd_glossary(args: argparse.Namespace) -> int:
    language = cli_language(args)

    async def go(app: App) -> int:
        index = app.service(GlossaryIndex)
        filters = index.parse(args.letter, args.topic, args.country)
        if filters.empty:
            o = index.overview()
            data = {"total": o.total, "letters": dict(o.letters), "topics": dict(o.topics), "countries": dict(o.countries)}
            count = format_number(o.total)
            letters = " ".join(f"{k} {format_number(n)}" for k, n in o.letters)
            topics = ", ".join(f"{topic_label(k)} {format_number(n)}" for k, n in o.topics)
            countries = ", ".join(f"{k} {format_number(n)}" for k, n in o.countries)
            text = "\n".join([ngettext("{count} term", "{count} terms", o.total).format(count=count),
                              _("By letter: {counts}").format(counts=letters),
                              _("By topic: {counts}").format(counts=topics),
                              _("By country: {counts}").format(counts=countries)])
            emit(args, data, text)
            return 0
        page = index.browse(filters, language, page=1, page_size=10_000)
        items = [{"id": e.id, "term": e.term, "local_name": e.local_name, "gloss": e.gloss, "definition": e.short,
                  "lang": _written_in(e.short_status, language), "status": e.short_status} for e in page.items]
        lines = "\n".join(f"{display_name(e.term, e.local_name, e.gloss)}: {e.short}" for e in page.items)
        text = (lines + small_print_line(draft_note(browse_small_print(page))) if lines
                else _("No term matches {filters}.").format(filters=filters.describe()))
        emit(args, items, text)
        return 0 if page.items else 1

    async def in_language(app: App) -> int:
        with use_language(language):
            return await go(app)

    return run_with_app(args, in_language)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    define = sub.add_parser("define", help="look up a glossary term")
    define.add_argument("text")
    add_language_option(define)
    define.add_argument("--json", action="store_true")
    define.set_defaults(func=cmd_define)
    browse = sub.add_parser("glossary", help="list glossary terms by letter, topic or country (none: an overview)")
    browse.add_argument("--letter", help="A-Z, or # for names starting with a digit or another script")
    browse.add_argument("--topic")
    browse.add_argument("--country", help="any name of the country")
    add_language_option(browse)
    browse.add_argument("--json", action="store_true")
    browse.set_defaults(func=cmd_glossary)
