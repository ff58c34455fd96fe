"""``python -m bot country NAME``: a country's profile from a terminal, through the same service as /country."""

from __future__ import annotations

import argparse
from typing import Any

from bot.app import App
from bot.catalogues import _, format_when, use_language
from bot.cli import cli_language, emit, run_with_app
from cogs.countries.service import KIND_LABELS, CountryMiss, CountryProfile, CountryProfileService


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
    """The profile as plain text, in the current language (``--lang``)."""
    c = p.country
    lines = [f"{c.name} ({c.code}) · {', '.join(_(phase) for phase in p.phases)}"]
    if c.names:
        lines.append(_("Also called: {names}").format(names=", ".join(c.names)))
    if c.summary:
        lines += ["", c.summary, _("Sources: {sources}").format(sources="; ".join(c.summary_sources))]

    def section(title: str, rows: list[str]) -> None:
        # TRANSLATORS: a section's heading in the terminal, e.g. "Institutions:"
        lines.extend(["", _("{heading}:").format(heading=title), *(f"  {r}" for r in rows or [_("(none yet)")])])

    def sources(items: tuple[str, ...] | list[str]) -> str:
        return _("[sources: {sources}]").format(sources="; ".join(items))

    section(_("Laws, decrees, strategies and plans"),
            [f"{e.date} {_(KIND_LABELS[e.kind])}: {e.title} {sources(e.sources)}" for e in c.timeline])
    section(_("Institutions"), [f"{i.name}: {i.role} {sources(i.sources)}" for i in c.institutions])
    section(_("Resources"), [f"{r.title} ({r.type}; {r.status_label}) {r.url or ''}".rstrip() for r in p.resources])
    section(_("Glossary terms"), [f"{t.local_name} — {t.term}" if t.local_name else t.term for t in p.terms])
    section(_("Upcoming sessions"), [f"{format_when(s.start_utc, 'UTC')} UTC #{s.id} {s.title}" for s in p.sessions])
    section(_("Recently solved questions"), [f"{q.title} {q.jump_url}" for q in p.solved])
    return "\n".join(lines)


def cmd_country(args: argparse.Namespace) -> int:
    lang = cli_language(args)

    async def go(app: App) -> int:
        async with app.db.begin() as session:
            result = await app.service(CountryProfileService).profile(session, args.name, lang)
        if isinstance(result, CountryMiss):
            names = [name for _code, name in result.suggestions]
            hint = (_("Did you mean: {names}").format(names=", ".join(names)) if names
                    else _("No programme country is close to that."))
            # --json: the error for scripts stays English; the hint is for people, in --lang
            emit(args, {"error": f"no programme country matches {result.query!r}", "suggestions": names,
                        "hint": hint},
                 _("No programme country matches “{typed}”. {hint}").format(typed=result.query, hint=hint))
            return 1
        emit(args, profile_json(result), profile_text(result))
        return 0

    with use_language(lang):
        return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    country = sub.add_parser("country", help="a programme country's profile: laws, institutions, resources, sessions")
    country.add_argument("name", help="any usual name, in any script (Laos, ລາວ, 한국), or the ISO code")
    country.add_argument("--lang", help="language of the profile and its glossary names (th, vi, km, lo, mn, ky, ru, "
                                        "id, ms, fil, zh, ja, ko; default English)")
    country.add_argument("--json", action="store_true")
    country.set_defaults(func=cmd_country)
