"""The resource catalogue on the public web site: the same filters as ``/resources`` (query, country,
topic, type, language) as a GET form, read by the same ``ResourceService.parse_filters`` and
``search``. Titles, publishers and summaries are shown as the catalogue writes them (in English)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, format_number, language_name
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, country_name
from bot.web.page import absolute, not_found, render, url, web_app
from cogs.glossary.service import topic_label
from cogs.glossary.thesaurus import also_searched
from cogs.resources.service import (
    RESOURCE_TYPES,
    TOPICS,
    ResourceFilters,
    ResourceService,
    ResourceView,
    type_label,
)

PAGE_SIZE = 20
FILTERS = ("q", "country", "topic", "type", "language")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class ShownResource:
    r: ResourceView
    kind: str
    source: str  # "Publisher, 2022" (the year only when published)
    countries: str
    languages: str
    available: str | None  # how to get it when there is no link


def _shown(r: ResourceView) -> ShownResource:
    source = f"{r.publisher}, {r.year}" if r.year is not None and r.status == "published" else r.publisher
    available = None
    if not r.url:
        available = (_("Available from {publisher} ({series})").format(publisher=r.publisher, series=r.series)
                     if r.series else _("Available from {publisher}").format(publisher=r.publisher))
    return ShownResource(
        r=r, kind=type_label(r.type), source=source,
        countries=", ".join(country_name(c) for c in r.countries) or _("Regional / global"),
        languages=", ".join(language_name(code) for code in r.languages), available=available)


def _options(values: Sequence[tuple[str, str]], selected: str | None) -> list[Option]:
    return [Option(value, label, value == selected) for value, label in values]


async def resources_page(request: Request) -> Response:
    app = web_app(request)
    service = app.service(ResourceService)
    query = request.query_params
    typed = {name: (query.get(name) or "").strip() or None for name in FILTERS}
    error: str | None = None
    try:
        filters = service.parse_filters(typed["q"], typed["country"], typed["topic"], typed["type"], typed["language"])
    except InvalidInput as problem:
        error = problem.message
        if problem.suggestions:
            error += " " + _("Did you mean: {names}").format(names=", ".join(problem.suggestions[:5]))
        filters = ResourceFilters()
    try:
        page = max(1, int(query.get("page") or 1))
    except ValueError:
        page = 1
    result = service.search(filters, page=page, page_size=PAGE_SIZE)
    kept = {"q": filters.query, "country": filters.country, "topic": filters.topic, "type": filters.type,
            "language": filters.language}
    pages = {
        "previous": url(request, "/resources", **kept, page=result.page - 1) if result.page > 1 else None,
        "next": url(request, "/resources", **kept, page=result.page + 1) if result.page < result.pages else None,
    }
    countries = sorted(((c.code, c.name) for c in directory()), key=lambda kv: kv[1].casefold())
    context = {
        "result": result, "items": [_shown(r) for r in result.items], "error": error, "query": filters.query or "",
        "countries": _options(countries, filters.country),
        "topics": _options(sorted(((t, topic_label(t)) for t in TOPICS), key=lambda kv: kv[1].casefold()),
                           filters.topic),
        "types": _options(sorted(((t, type_label(t)) for t in RESOURCE_TYPES), key=lambda kv: kv[1].casefold()),
                          filters.type),
        "languages": _options([(code, language_name(code)) for code in LANGUAGES], filters.language),
        "also": also_searched(result.added), "pages": pages,
        "page_text": _("Page {page} of {pages}").format(page=format_number(result.page),
                                                        pages=format_number(result.pages)),
        "all_href": url(request, "/resources"), "filtered": any(kept.values()),
    }
    title = _("Resources: {filters}").format(filters=filters.describe()) if any(kept.values()) else _("Resources")
    return render(request, "resources/index.html", context, title=title, status_code=400 if error else 200)


async def resource_page(request: Request) -> Response:
    """One entry of the catalogue, as it states it, with links to the other entries on its topics."""
    service = web_app(request).service(ResourceService)
    found = service.get(request.path_params["resource_id"])
    if found is None:
        return not_found(request)
    context = {
        "item": _shown(found), "index_href": url(request, "/resources"),
        "topics": [(topic_label(t), url(request, "/resources", topic=t)) for t in found.topics],
        "countries": [(country_name(c), url(request, "/resources", country=c)) for c in found.countries],
    }
    data = {"@context": "https://schema.org", "@type": "CreativeWork", "name": found.title,
            "publisher": {"@type": "Organization", "name": found.publisher}, "abstract": found.summary,
            "inLanguage": list(found.languages), "url": absolute(request, f"/resources/{found.id}")}
    if found.url:
        data["sameAs"] = found.url
    if found.year is not None and found.status == "published":
        data["datePublished"] = str(found.year)
    return render(request, "resources/resource.html", context, title=found.title, json_ld=data)


def routes(app: App) -> list[Route]:
    return [Route("/resources", resources_page, methods=["GET"], name="resources"),
            Route("/resources/{resource_id}", resource_page, methods=["GET"], name="resource")]


def sitemap(app: App) -> list[str]:
    return ["/resources", *(f"/resources/{i}" for i in app.service(ResourceService).ids())]
