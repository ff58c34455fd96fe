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
from bot.catalogues import _, format_number, format_when, language_name, ngettext
from bot.countries import directory
from bot.errors import InvalidInput, NotFound
from bot.i18n import LANGUAGES
from bot.timezones import REGION_ZONES, city, parse_zone, utc_offset_label, zone_info
from bot.web.language import html_lang
from bot.web.page import absolute, not_found, render, url, web_app
from cogs.sessions.feeds import FeedScope, feed_path, webcal
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.models import TrainingSession
from cogs.sessions.public import past_sessions
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


async def sessions_page(request: Request) -> Response:
    app = web_app(request)
    service = app.service(TrainingSessionService)
    zone, error = chosen_zone(request, app.guild.current.timezone)
    now = utcnow()
    page, past_page = _page_number(request, "page"), _page_number(request, "past")
    async with app.db.begin() as session:
        upcoming = await service.upcoming(session, now=now, page=page, page_size=UPCOMING_PAGE,
                                          include_cancelled=True)
        past = await past_sessions(session, now=now, page=past_page, page_size=PAST_PAGE)
    tz = _tz_param(request) if error is None else None

    def link(**query: Any) -> str:
        return url(request, "/sessions", tz=tz, **query)

    context = {
        "zone": zone, "zone_label": f"{zone} ({utc_offset_label(now, zone)})", "error": error,
        "zones": zone_options(zone, now),
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
