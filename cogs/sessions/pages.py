"""The sessions on the public web site: upcoming and past ones (with their materials) in a time zone
the visitor picks (``?tz=``, a select of the community's zones; default the community's), and one
page per session with schema.org ``Event`` data and ``webcal://`` links to the calendar feeds.

No Discord ids and no join link (unless ``web.publish_join_links`` says so): members get the link on
Discord. Titles and descriptions are the facilitators' own words, escaped by the templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, babel_locale, format_number, format_when, language_name, ngettext
from bot.countries import directory
from bot.errors import InvalidInput, NotFound
from bot.i18n import LANGUAGES
from bot.timezones import REGION_ZONES, city, parse_zone, utc_offset_label, zone_info
from bot.web.language import html_lang
from bot.web.page import absolute, not_found, render, url, web_app
from cogs.sessions.feeds import FeedScope, feed_path, webcal
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.models import TrainingSession
from cogs.sessions.public import past_sessions, series_choices
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.wording import countries_text, duration_text, languages_text
from db.models import utcnow

UPCOMING_PAGE = 20
PAST_PAGE = 10


@dataclass(frozen=True)
class ZoneOption:
    zone: str
    label: str
    selected: bool


@dataclass(frozen=True)
class ShownSession:
    info: TrainingSessionInfo
    href: str
    when: str  # start in the visitor's zone, in the visitor's language
    ends: str  # end time of day in that zone
    start_iso: str
    end_iso: str
    organiser_when: str | None  # in the session's own zone, when that is another offset
    duration: str
    kind: str
    languages: str
    countries: str
    series: str | None


def publish_join_links(app: App) -> bool:
    """``web.publish_join_links`` (the calendar feeds' setting); off when the config has no such key."""
    return bool(getattr(app.config.web, "publish_join_links", False))


def _shown(request: Request, info: TrainingSessionInfo, zone: str) -> ShownSession:
    own = None
    if info.start_utc.astimezone(zone_info(info.timezone)).utcoffset() != info.start_utc.astimezone(zone_info(zone)).utcoffset():
        own = f"{format_when(info.start_utc, info.timezone)} ({city(info.timezone)}, " \
              f"{utc_offset_label(info.start_utc, info.timezone)})"
    return ShownSession(
        info=info, href=url(request, f"/sessions/{info.id}", tz=_tz_param(request)),
        when=format_when(info.start_utc, zone), ends=format_when(info.end_utc, zone, date="Hm", time=None),
        start_iso=info.start_utc.isoformat(), end_iso=info.end_utc.isoformat(), organiser_when=own,
        duration=duration_text(info.duration_minutes), kind=info.format_text,
        languages=languages_text(info.languages), countries=countries_text(info.countries),
        series=info.series_label,
    )


def _tz_param(request: Request) -> str | None:
    asked = request.query_params.get("tz")
    return asked or None


def chosen_zone(request: Request, default: str) -> tuple[str, str | None]:
    """The zone the visitor picked (``?tz=``; any IANA name or a city the bot knows), else ``default``;
    with a polite message when the pick is not a zone."""
    asked = (request.query_params.get("tz") or "").strip()
    if not asked:
        return default, None
    try:
        return parse_zone(asked[:64]), None
    except InvalidInput as problem:
        return default, problem.message


def zone_options(zone: str, now: datetime) -> list[ZoneOption]:
    zones = list(REGION_ZONES) + ([zone] if zone not in REGION_ZONES else [])
    return [ZoneOption(z, f"{city(z)} ({utc_offset_label(now, z)})", z == zone) for z in zones]


def subscribe(base_url: str, scope: FeedScope) -> str:
    """The ``webcal://`` address of a public feed (cogs/sessions/feeds.py names its path)."""
    return webcal(base_url.rstrip("/") + feed_path(scope))


def feed_links(app: App) -> dict[str, Any]:
    """The public calendar feeds to subscribe to: every session, per country, per language."""
    base = app.config.web.base_url
    countries = sorted(directory(), key=lambda c: c.name.casefold())
    return {
        "all": subscribe(base, FeedScope()),
        "countries": [(c.name, subscribe(base, FeedScope("country", c.code))) for c in countries],
        "languages": [(language_name(code), html_lang(code), subscribe(base, FeedScope("language", code)))
                      for code in LANGUAGES],
    }


def _page_number(request: Request, name: str) -> int:
    try:
        return max(1, int(request.query_params.get(name) or 1))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class SessionFilters:
    """What the visitor narrowed the sessions page to: the same choices as the calendar feeds."""

    country: str | None = None  # a programme country's code (TH)
    language: str | None = None  # one of the community's language codes (th)
    series_id: int | None = None

    def query(self) -> dict[str, str | None]:
        """The filters as the page's query parameters (None: not chosen, left out of links)."""
        return {"country": self.country, "language": self.language,
                "series": str(self.series_id) if self.series_id is not None else None}

    def feeds(self) -> list[FeedScope]:
        """The public calendar feed of each chosen filter (there is one per country, language, series)."""
        chosen: list[FeedScope] = []
        if self.country is not None:
            chosen.append(FeedScope("country", self.country))
        if self.language is not None:
            chosen.append(FeedScope("language", self.language))
        if self.series_id is not None:
            chosen.append(FeedScope("series", self.series_id))
        return chosen


def chosen_filters(request: Request, series_ids: set[int]) -> tuple[SessionFilters, bool]:
    """The filters of ``?country=&language=&series=``; any value that is not a programme country, a
    language of the community or a series is dropped, and the second value says one was."""
    query = request.query_params
    country = (query.get("country") or "").strip().upper()[:8] or None
    language = (query.get("language") or "").strip().lower()[:8] or None
    series = (query.get("series") or "").strip()[:18] or None
    bad = False
    if country is not None and directory().get(country) is None:
        country, bad = None, True
    if language is not None and language not in LANGUAGES:
        language, bad = None, True
    series_id = int(series) if series is not None and series.isascii() and series.isdigit() else None
    if series is not None and series_id not in series_ids:
        series_id, bad = None, True
    return SessionFilters(country, language, series_id), bad


def filter_options(filters: SessionFilters, series: list[tuple[int, str, datetime]],
                   zone: str) -> dict[str, list[Option]]:
    """The choices of the filter form, in the visitor's language, the chosen ones selected."""
    territories = babel_locale().territories
    countries = sorted(((c.code, str(territories.get(c.code) or c.name)) for c in directory()),
                       key=lambda kv: kv[1].casefold())
    return {
        "countries": [Option(code, name, code == filters.country) for code, name in countries],
        "languages": [Option(code, language_name(code), code == filters.language) for code in LANGUAGES],
        "series": [Option(str(sid), f"{title} ({format_when(start, zone, time=None)})", sid == filters.series_id)
                   for sid, title, start in series],
    }


def filter_feed_links(app: App, filters: SessionFilters,
                      series: list[tuple[int, str, datetime]]) -> list[tuple[str, str, str | None]]:
    """(label, webcal:// address, hreflang) of the calendar feed matching each chosen filter."""
    base = app.config.web.base_url
    titles = {sid: title for sid, title, _start in series}
    out: list[tuple[str, str, str | None]] = []
    for scope in filters.feeds():
        if scope.kind == "country":
            territories = babel_locale().territories
            label = _("Sessions for {country}").format(
                country=str(territories.get(str(scope.value)) or directory().name(str(scope.value))))
            out.append((label, subscribe(base, scope), None))
        elif scope.kind == "language":
            label = _("Sessions in {language}").format(language=language_name(str(scope.value)))
            out.append((label, subscribe(base, scope), html_lang(str(scope.value))))
        else:
            out.append((f"{_('Every session of this series')}: {titles.get(int(scope.value or 0), '')}",
                        subscribe(base, scope), None))
    return out


async def sessions_page(request: Request) -> Response:
    app = web_app(request)
    service = app.service(TrainingSessionService)
    zone, error = chosen_zone(request, app.guild.current.timezone)
    now = utcnow()
    page, past_page = _page_number(request, "page"), _page_number(request, "past")
    async with app.db.begin() as session:
        series = await series_choices(session)
        filters, bad_filter = chosen_filters(request, {sid for sid, _title, _start in series})
        upcoming = await service.upcoming(session, now=now, page=page, page_size=UPCOMING_PAGE,
                                          include_cancelled=True, country=filters.country,
                                          language=filters.language, series_id=filters.series_id)
        past = await past_sessions(session, now=now, page=past_page, page_size=PAST_PAGE, country=filters.country,
                                   language=filters.language, series_id=filters.series_id)
    tz = _tz_param(request) if error is None else None
    if bad_filter:
        problem = _("No such country, language or series: showing every session that matches the rest.")
        error = f"{error} {problem}" if error else problem

    def link(**query: Any) -> str:
        return url(request, "/sessions", tz=tz, **filters.query(), **query)

    context = {
        "zone": zone, "zone_label": f"{zone} ({utc_offset_label(now, zone)})", "error": error,
        "zones": zone_options(zone, now), **filter_options(filters, series, zone),
        "filter_feeds": filter_feed_links(app, filters, series),
        "all_href": url(request, "/sessions", tz=tz) if filters.feeds() else None,
        "upcoming": [_shown(request, s, zone) for s in upcoming.items],
        "past": [_shown(request, s, zone) for s in past.items],
        "upcoming_pages": (link(page=upcoming.page - 1, past=past_page if past_page > 1 else None)
                           if upcoming.page > 1 else None,
                           link(page=upcoming.page + 1, past=past_page if past_page > 1 else None)
                           if upcoming.page < upcoming.pages else None),
        "past_pages": (link(past=past.page - 1, page=page if page > 1 else None) if past.page > 1 else None,
                       link(past=past.page + 1, page=page if page > 1 else None) if past.page < past.pages else None),
        "upcoming_total": upcoming.total, "past_total": past.total, "feeds": feed_links(app),
    }
    return render(request, "sessions/index.html", context, title=_("Sessions"),
                  status_code=400 if error else 200)


def event_data(request: Request, app: App, info: TrainingSessionInfo) -> dict[str, Any]:
    """schema.org ``Event`` for one session (an online event; its page is its location unless join
    links are published)."""
    page = absolute(request, f"/sessions/{info.id}")
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Event", "@id": page, "url": page, "name": info.title,
        "startDate": info.start_utc.isoformat(), "endDate": info.end_utc.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled" if info.cancelled else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation",
                     "url": info.join_url if info.join_url and publish_join_links(app) and not info.cancelled else page},
        "inLanguage": [html_lang(code) for code in info.languages] or ["en"],
        "organizer": {"@type": "Organization", "name": _("SSE community of practice in Asia"),
                      "url": app.config.web.base_url + "/"},
    }
    if info.description:
        data["description"] = info.description
    return data


async def session_page(request: Request) -> Response:
    app = web_app(request)
    raw = request.path_params["session_id"]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return not_found(request)
    try:
        async with app.db.begin() as session:
            info = await app.service(TrainingSessionService).get(session, int(raw))
    except NotFound:
        return not_found(request)
    zone, error = chosen_zone(request, app.guild.current.timezone)
    now = utcnow()
    base = app.config.web.base_url
    shown = _shown(request, info, zone)
    feeds = {"session": subscribe(base, FeedScope("session", info.id)),
             "series": subscribe(base, FeedScope("series", info.series_id)) if info.series_id else None,
             "all": subscribe(base, FeedScope())}
    context = {
        "s": shown, "info": info, "zone": zone, "zones": zone_options(zone, now), "error": error,
        "zone_label": f"{zone} ({utc_offset_label(info.start_utc, zone)})",
        "past": info.end_utc <= now, "feeds": feeds,
        "join_url": info.join_url if publish_join_links(app) and not info.cancelled else None,
        "description": [p for p in info.description.splitlines() if p.strip()],
        "going": ngettext("{count} member is going", "{count} members are going", info.rsvp.going).format(
            count=format_number(info.rsvp.going)),
        "index_href": url(request, "/sessions", tz=_tz_param(request) if error is None else None),
    }
    title = _("Cancelled: {title}").format(title=info.title) if info.cancelled else info.title
    return render(request, "sessions/session.html", context, title=title, json_ld=event_data(request, app, info),
                  canonical=f"/sessions/{info.id}?lang={request.state.lang}",
                  status_code=400 if error else 200)


def routes(app: App) -> list[Route]:
    return [Route("/sessions", sessions_page, methods=["GET"], name="sessions"),
            Route("/sessions/{session_id}", session_page, methods=["GET"], name="session")]


async def sitemap(app: App) -> list[str]:
    """The sessions index and every session page (upcoming and past; cancelled ones too, which say so)."""
    async with app.db.begin() as session:
        ids = (await session.scalars(select(TrainingSession.id).order_by(TrainingSession.id))).all()
    return ["/sessions", *(f"/sessions/{i}" for i in ids)]
