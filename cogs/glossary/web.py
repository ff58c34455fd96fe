"""The glossary on the public web site: an index by letter, topic and country, and one page per term
with every language it has (each name's draft or reviewed status), its sources and related terms, and
schema.org ``DefinedTerm`` data. A thin adapter over GlossaryService and GlossaryIndex, like the cog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import DEFAULT as ENGLISH
from bot.catalogues import _, format_number, language_name, pgettext
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, country_name
from bot.web.language import html_lang
from bot.web.links import Piece, pieces
from bot.web.page import absolute, not_found, render, served_paths, url, web_app
from cogs.glossary.browse import LETTERS, OTHER, BrowseFilters, GlossaryIndex
from cogs.glossary.service import (
    OFFICIAL_WORDING,
    GlossaryService,
    LanguageVersion,
    entry,
    language_versions,
    local_label,
    topic_label,
)
from cogs.glossary.wording import BOTH_IN_ENGLISH, DEFINITION_IN_ENGLISH, DRAFT_NAMES, EXPLANATION_IN_ENGLISH

# A page looks at the database for approved text at most this often (per web process): an approval
# on another instance shows within this time, one on this instance at once (approving refreshes);
# otherwise every page paid a database round trip (~5 ms on a busy machine) to learn nothing changed.
FRESH_SECONDS = 2.0


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class ListedTerm:
    href: str
    local: str | None  # the name in the visitor's language (with its gloss), when it has one
    english: str
    short: str
    short_in_english: bool  # shown in English: the language has no definition yet (lang="en")


@dataclass(frozen=True)
class VersionRow:
    code: str
    tag: str  # BCP 47, for lang and hreflang
    language: str  # the language's name in the visitor's language
    native: str
    name: str
    gloss: str | None
    also: str
    status: str  # in the visitor's language
    reviewed: bool
    href: str  # this page in that language


def status_text(status: str) -> str:
    """A translation's status as the term page says it, in the visitor's language."""
    return {"original": pgettext("translation status", "original (English)"),
            "draft": pgettext("translation status", "draft"),
            "partly reviewed": pgettext("translation status", "partly reviewed"),
            "reviewed": pgettext("translation status", "reviewed")}[status]


def _listed(request: Request, term: Any, language: str) -> ListedTerm:
    e = entry(term, language)
    return ListedTerm(url(request, f"/glossary/{term.id}"), local_label(term, language), term.term, e.short,
                      language != ENGLISH and e.short_status == "missing")


async def index(request: Request) -> Response:
    app = web_app(request)
    await app.service(GlossaryService).fresh(within=FRESH_SECONDS)
    glossary = app.service(GlossaryIndex)
    language = request.state.lang
    query = request.query_params
    error: str | None = None
    try:
        filters = glossary.parse(query.get("letter") or None, query.get("topic") or None, query.get("country") or None)
    except InvalidInput as problem:
        error, filters = problem.message, BrowseFilters()
    found = glossary.matching(filters)
    overview = glossary.overview()
    codes = {name: directory().parse(name) or name for name, _n in overview.countries}
    letters = [(letter, n, url(request, "/glossary", letter=letter), letter == filters.letter)
               for letter, n in overview.letters]
    topics = [Option(t, f"{topic_label(t)} ({format_number(n)})", t == filters.topic) for t, n in
              sorted(overview.topics, key=lambda kv: topic_label(kv[0]).casefold())]
    countries = [Option(codes[name], f"{name} ({format_number(n)})", codes[name] == filters.country)
                 for name, n in sorted(overview.countries)]
    items = [_listed(request, t, language) for t in found]
    untranslated = sum(1 for i in items if i.short_in_english)
    title = _("Glossary") if filters.empty else _("Glossary: {filters}").format(filters=filters.describe())
    data = {
        "@context": "https://schema.org", "@type": "DefinedTermSet", "@id": absolute(request, "/glossary"),
        "name": _("Glossary"), "inLanguage": html_lang(language),
        "hasDefinedTerm": [{"@type": "DefinedTerm", "name": i.local or i.english,
                            "url": absolute(request, i.href.split("?")[0])} for i in items],
    }
    context = {
        "filters": filters, "error": error, "items": items, "letters": letters, "other": OTHER,
        "topics": topics, "countries": countries, "total": overview.total, "untranslated": untranslated,
        "language_name": language_name(language), "all_href": url(request, "/glossary"),
        "letter_names": LETTERS,
    }
    return render(request, "glossary/index.html", context, title=title, json_ld=data,
                  status_code=400 if error else 200)


def _versions(request: Request, versions: tuple[LanguageVersion, ...], path: str) -> list[VersionRow]:
    rows = []
    for v in versions:
        rows.append(VersionRow(
            code=v.language, tag=html_lang(v.language), language=language_name(v.language),
            native=LANGUAGES[v.language].native, name=v.name, gloss=v.gloss,
            also=pgettext("list of filters", ", ").join(v.also), status=status_text(v.status),
            reviewed=v.status in ("reviewed", "original"),
            href=f"{path}?lang={v.language}",
        ))
    return rows


def _missing_note(short_missing: bool, explanation_missing: bool, language: str) -> str | None:
    if short_missing and explanation_missing:
        return _(BOTH_IN_ENGLISH).format(language=language_name(language))
    if short_missing:
        return _(DEFINITION_IN_ENGLISH).format(language=language_name(language))
    if explanation_missing:
        return _(EXPLANATION_IN_ENGLISH).format(language=language_name(language))
    return None


async def term_page(request: Request) -> Response:
    app = web_app(request)
    glossary = await app.service(GlossaryService).fresh(within=FRESH_SECONDS)
    term = glossary.term(request.path_params["term_id"])
    if term is None:
        return not_found(request)
    language = request.state.lang
    d = glossary.definition(term, language)
    path = f"/glossary/{term.id}"
    versions = language_versions(term)
    served = served_paths(request)
    local = local_label(term, language)
    related = [_listed(request, t, language) for t in (glossary.term(i) for i, _name in d.related) if t is not None]
    countries = [(country_name(code), url(request, f"/countries/{code.lower()}") if "/countries" in served
                  else url(request, "/glossary", country=code)) for code in term.countries]
    topics = [(topic_label(t), url(request, "/glossary", topic=t)) for t in term.topics]
    sources: list[tuple[Piece, ...]] = [pieces(s) for s in d.sources]
    english_shown = language != ENGLISH
    context = {
        "term": term, "d": d, "local": local, "english_shown": english_shown,
        "short_in_english": english_shown and d.short_status == "missing",
        "explanation_in_english": english_shown and d.explanation_status == "missing",
        "missing_note": _missing_note(d.short_status == "missing", d.explanation_status == "missing", language)
        if english_shown else None,
        "draft_names": _(DRAFT_NAMES) if any(v.status != "reviewed" for v in versions[1:]) else None,
        "official_wording": _(OFFICIAL_WORDING),
        "versions": _versions(request, versions, path), "related": related, "countries": countries,
        "topics": topics, "sources": sources, "other_names": d.other_names,
        "index_href": url(request, "/glossary"),
    }
    names = [v.name for v in versions]
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "DefinedTerm", "@id": absolute(request, path),
        "url": absolute(request, path), "termCode": term.id,
        "name": local or term.term, "inLanguage": html_lang(language if local else ENGLISH),
        "description": d.short,
        "alternateName": [n for n in dict.fromkeys(names + list(d.other_names)) if n != (local or term.term)],
        "inDefinedTermSet": {"@type": "DefinedTermSet", "@id": absolute(request, "/glossary"),
                             "name": _("Glossary"), "url": absolute(request, "/glossary")},
    }
    title = local or term.term
    return render(request, "glossary/term.html", context, title=title, json_ld=data)


def routes(app: App) -> list[Route]:
    return [Route("/glossary", index, methods=["GET"], name="glossary"),
            Route("/glossary/{term_id}", term_page, methods=["GET"], name="glossary_term")]


def sitemap(app: App) -> list[str]:
    terms = app.content.terms
    return ["/glossary", *(f"/glossary/{t.id}" for t in terms)]
