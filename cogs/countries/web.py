"""Country profiles on the public web site: an index of the programme countries and one page per
country (``/countries/th``) over the same ``CountryProfileService`` as ``/country``. The profile's
content (summary, timeline, institutions) is shown as written, in English, with its sources linked.
Of the solved questions only those their askers published are listed (cogs/qa/public.py), linked to
their Q&A pages; never a Discord link."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, format_when, language_name
from bot.countries import PHASE_LABELS, Country
from bot.web.links import Piece, pieces
from bot.web.page import not_found, render, served_paths, url, web_app
from cogs.countries.service import KIND_LABELS, SOLVED, CountryProfile, CountryProfileService
from cogs.plans.records import PlanSummary, status_label
from cogs.plans.wording import counts_line
from cogs.qa.public import PublishedQA
from cogs.resources.service import type_label


@dataclass(frozen=True)
class IndexRow:
    name: str
    href: str
    names: str
    phases: str


@dataclass(frozen=True)
class PlanAction:
    title: str
    owner: str
    target: str  # ISO date
    status: str
    overdue: bool


@dataclass(frozen=True)
class PlanSection:
    """The country's national action plan as its web page shows it: what moved, what is overdue, all."""

    title: str
    counts: str
    moved: tuple[PlanAction, ...]
    overdue: tuple[PlanAction, ...]
    recommendations: tuple[tuple[str, tuple[PlanAction, ...]], ...]


def _plan_section(summary: PlanSummary | None) -> PlanSection | None:
    if summary is None:
        return None

    def action(a) -> PlanAction:  # type: ignore[no-untyped-def]
        return PlanAction(a.title, a.owner_org, a.target_date.isoformat(), status_label(a.status),
                          a.overdue(summary.today))

    return PlanSection(summary.plan.title, counts_line(summary.plan), tuple(action(a) for a in summary.moved),
                       tuple(action(a) for a in summary.overdue),
                       tuple((r.text, tuple(action(a) for a in r.actions)) for r in summary.plan.recommendations))


@dataclass(frozen=True)
class Event:
    date: str
    kind: str
    title: str
    note: str | None
    sources: tuple[tuple[Piece, ...], ...]


def _phases(country: Country) -> str:
    return ", ".join(_(PHASE_LABELS[p]) for p in country.programme)


async def countries_index(request: Request) -> Response:
    service = web_app(request).service(CountryProfileService)
    rows = [IndexRow(c.name, url(request, f"/countries/{c.code.lower()}"), " · ".join(c.names), _phases(c))
            for c in sorted(service.countries, key=lambda c: c.name.casefold())]
    return render(request, "countries/index.html", {"rows": rows}, title=_("Countries"))


async def country_page(request: Request) -> Response:
    app = web_app(request)
    service = app.service(CountryProfileService)
    code = request.path_params["code"]
    if not (code.isascii() and code.isalpha() and len(code) == 2) or service.countries.get(code.upper()) is None:
        return not_found(request)
    language = request.state.lang
    served = served_paths(request)
    async with app.db.begin() as session:
        profile = await service.profile(session, code.upper(), language)
        # only questions whose askers published them, and only when the site has Q&A pages
        solved = await app.service(PublishedQA).solved_in_country(session, code.upper(), limit=SOLVED) \
            if "/qa" in served else []
    assert isinstance(profile, CountryProfile)  # a known code always resolves
    c = profile.country
    zone = app.guild.current.timezone
    timeline = [Event(e.date, _(KIND_LABELS[e.kind]), e.title, e.note, tuple(pieces(s) for s in e.sources))
                for e in c.timeline]
    institutions = [(i.name, i.role, tuple(pieces(s) for s in i.sources)) for i in c.institutions]
    resources = [(r.title, r.url, r.publisher, type_label(r.type), r.status_label) for r in profile.resources]
    terms = [(t.local_name, t.term, url(request, f"/glossary/{t.id}") if "/glossary" in served else None)
             for t in profile.terms]
    sessions = [(s.title, format_when(s.start_utc, zone), s.start_utc.isoformat(),
                 url(request, f"/sessions/{s.id}") if "/sessions" in served else None) for s in profile.sessions]
    context = {
        "c": c, "phases": _phases(c), "summary_sources": tuple(pieces(s) for s in c.summary_sources),
        "timeline": timeline, "institutions": institutions, "resources": resources, "terms": terms,
        "sessions": sessions, "zone": zone, "qa": "/qa" in served, "plan": _plan_section(profile.plan),
        "solved": [(q.title, url(request, f"/qa/{q.id}")) for q in solved], "index_href": url(request, "/countries"),
        "resources_href": url(request, "/resources", country=c.code) if "/resources" in served else None,
        "draft_terms": language != "en" and any(t.local_name and t.draft_translation for t in profile.terms),
        "language_native": language_name(language),
    }
    data = {"@context": "https://schema.org", "@type": "Country", "name": c.name,
            "alternateName": list(c.names), "identifier": c.code}
    title = _("{country}: social and solidarity economy").format(country=c.name)
    return render(request, "countries/country.html", context, title=title, json_ld=data,
                  canonical=f"/countries/{c.code.lower()}?lang={language}")


def routes(app: App) -> list[Route]:
    return [Route("/countries", countries_index, methods=["GET"], name="countries"),
            Route("/countries/{code}", country_page, methods=["GET"], name="country")]


def sitemap(app: App) -> list[str]:
    return ["/countries", *(f"/countries/{c.code.lower()}" for c in app.content.countries)]
