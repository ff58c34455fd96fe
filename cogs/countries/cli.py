"""``python -m bot country NAME``: a country's profile from a terminal, through the same service as /country."""

from __future__ import annotations

import argparse
from typing import Any

from bot.app import App
from bot.cli import emit, run_with_app
from bot.errors import UserError
from cogs.countries.service import CountryMiss, CountryProfile, CountryProfileService


def profile_json(p: CountryProfile) -> dict[str, Any]:
    c = p.country
    return {
        "code": c.code, "name": c.name, "names": list(c.names), "programme": list(c.programme),
        "summary": c.summary, "summary_sources": list(c.summary_sources),
        "timeline": [e.model_dump() for e in c.timeline],
        "institutions": [i.model_dump() for i in c.institutions],
        "resources": [{"id": r.id, "title": r.title, "type": r.type, "status": r.status,
                       "status_label": r.status_label, "publisher": r.publisher, "year": r.year, "url": r.url}
                      for r in p.resources],
        "terms": [{"id": t.id, "term": t.term, "local_name": t.local_name} for t in p.terms],
        "upcoming_sessions": [{"id": s.id, "title": s.title, "start_utc": s.start_utc.isoformat(),
                               "format": s.format} for s in p.sessions],
        "solved_questions": [{"thread_id": str(q.thread_id), "title": q.title, "url": q.jump_url,
                              "solved_at": q.solved_at.isoformat()} for q in p.solved],
        "language": p.language,
    }


def profile_text(p: CountryProfile) -> str:
    c = p.country
    lines = [f"{c.name} ({c.code}) · {', '.join(p.phases)}"]
    if c.names:
        lines.append("Also called: " + ", ".join(c.names))
    if c.summary:
        lines += ["", c.summary, "Sources: " + "; ".join(c.summary_sources)]

    def section(title: str, rows: list[str]) -> None:
        lines.extend(["", f"{title}:", *(f"  {r}" for r in rows or ["(none yet)"])])

    section("Laws, decrees, strategies and plans",
            [f"{e.date} {e.kind}: {e.title} [sources: {'; '.join(e.sources)}]" for e in c.timeline])
    section("Institutions", [f"{i.name}: {i.role} [sources: {'; '.join(i.sources)}]" for i in c.institutions])
    section("Resources", [f"{r.title} ({r.type}; {r.status_label}) {r.url or ''}".rstrip() for r in p.resources])
    section("Glossary terms", [f"{t.local_name} — {t.term}" if t.local_name else t.term for t in p.terms])
    section("Upcoming sessions", [f"{s.start_utc:%Y-%m-%d %H:%M} UTC #{s.id} {s.title}" for s in p.sessions])
    section("Recently solved questions", [f"{q.title} {q.jump_url}" for q in p.solved])
    return "\n".join(lines)


def cmd_country(args: argparse.Namespace) -> int:
    async def go(app: App) -> int:
        from bot.i18n import parse_language

        lang = "en"
        if args.lang:
            parsed = parse_language(args.lang)
            if parsed is None:
                raise UserError(f"unknown language {args.lang!r}")
            lang = parsed
        async with app.db.begin() as session:
            result = await app.service(CountryProfileService).profile(session, args.name, lang)
        if isinstance(result, CountryMiss):
            names = [name for _, name in result.suggestions]
            hint = "Did you mean: " + ", ".join(names) if names else "No programme country is close to that."
            emit(args, {"error": f"no programme country matches {result.query!r}", "suggestions": names,
                        "hint": hint}, f"No programme country matches {result.query!r}. {hint}")
            return 1
        emit(args, profile_json(result), profile_text(result))
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    country = sub.add_parser("country", help="a programme country's profile: laws, institutions, resources, sessions")
    country.add_argument("name", help="any usual name, in any script (Laos, ລາວ, 한국), or the ISO code")
    country.add_argument("--lang", help="language of glossary names (th, vi, km, lo, mn, ky, ru, id, ms, fil, zh, ja, ko)")
    country.add_argument("--json", action="store_true")
    country.set_defaults(func=cmd_country)
