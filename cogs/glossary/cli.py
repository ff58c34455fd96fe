"""``python -m bot define``: the glossary from a terminal, through the same service as /define."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli import emit, run_with_app
from bot.errors import UserError
from cogs.glossary.service import GlossaryService, Miss


def cmd_define(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        from bot.i18n import parse_language

        lang = "en"
        if args.lang:
            parsed = parse_language(args.lang)
            if parsed is None:
                raise UserError(f"unknown language {args.lang!r}")
            lang = parsed
        result = app.service(GlossaryService).define(args.text, lang)
        if isinstance(result, Miss):
            suggestions = [{"id": s.value, "name": s.name} for s in result.suggestions]
            hint = ("Did you mean: " + ", ".join(s["name"] for s in suggestions) if suggestions
                    else "No term is close; try another word, or `resources` for documents.")
            emit(args, {"error": f"no term matches {result.query!r}", "suggestions": suggestions, "hint": hint},
                 f"No term matches {result.query!r}. {hint}")
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
        emit(args, data, f"{title}\n\n{result.short}\n\n{result.explanation}\n\nSources: {'; '.join(result.sources)}")
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    define = sub.add_parser("define", help="look up a glossary term")
    define.add_argument("text")
    define.add_argument("--lang", help="language code or name (th, vi, km, lo, mn, ky, ru, id, ms, fil, zh, ja, ko)")
    define.add_argument("--json", action="store_true")
    define.set_defaults(func=cmd_define)
