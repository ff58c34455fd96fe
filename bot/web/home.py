"""The home page: what the community is, the next sessions, the newest published questions, and the
ways into the site."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from bot.app import App
from bot.catalogues import _, babel_locale, format_when, language_name
from bot.countries import directory
from bot.i18n import country_name
from bot.web.page import render, served_paths, url, web_app
from cogs.qa.public import PublishedQA
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.reading import TrainingSessionService

UPCOMING = 5  # sessions on the home page
NEWEST_QUESTIONS = 5
# The next sessions are read at most this often (per web process): a new or moved session shows on the
# home page within this time, and a busy home page costs no database round trips. The sessions pages
# themselves read the database on every request.
UPCOMING_CACHE_SECONDS = 15.0


@dataclass(frozen=True)
class HomeSession:
    title: str
    when: str  # in the community's time zone, in the visitor's language
    start_iso: str
    languages: str
    href: str | None


@dataclass(frozen=True)
class HomeQuestion:
    title: str
    href: str
    solved: datetime | None = None


async def newest_solved_questions(app: App, request: Request, limit: int) -> list[HomeQuestion]:
    """The newest solved questions whose askers published them (cogs/qa/public.py: only what their
    authors consented to, read from the database on each request); none while /qa is not served."""
    if "/qa" not in served_paths(request):
        return []
    async with app.db.begin() as session:
        found = await app.service(PublishedQA).newest_titles(session, limit)
    return [HomeQuestion(q.title, url(request, f"/qa/{q.id}"), q.solved_at) for q in found]


class UpcomingCache:
    """The next sessions as the service read them (language-free), kept a few seconds."""

    def __init__(self, seconds: float = UPCOMING_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._items: tuple[TrainingSessionInfo, ...] = ()
        self._until = 0.0
        self._lock = asyncio.Lock()

    async def get(self, app: App) -> tuple[TrainingSessionInfo, ...]:
        if time.monotonic() < self._until:
            return self._items
        async with self._lock:  # one read for a burst of visitors
            if time.monotonic() >= self._until:
                async with app.db.begin() as session:
                    page = await app.service(TrainingSessionService).upcoming(
                        session, page_size=UPCOMING, group_series=True)
                self._items, self._until = page.items, time.monotonic() + self.seconds
            return self._items


async def upcoming_sessions(app: App, request: Request) -> list[HomeSession]:
    cache = getattr(request.app.state, "upcoming", None)
    if not isinstance(cache, UpcomingCache):
        cache = request.app.state.upcoming = UpcomingCache()
    items = await cache.get(app)
    zone = app.guild.current.timezone
    sessions_page = "/sessions" in served_paths(request)
    return [HomeSession(
        title=item.title, when=format_when(item.start_utc, zone), start_iso=item.start_utc.isoformat(),
        languages=", ".join(language_name(code) for code in item.languages),
        href=url(request, f"/sessions/{item.id}") if sessions_page else None,
    ) for item in items]


def programme_countries() -> list[str]:
    """The countries of the ILO programme the community grew out of (every country file names its
    phases), by name in the visitor's language."""
    territories = babel_locale().territories
    return sorted(str(territories.get(c.code) or country_name(c.code)) for c in directory() if c.programme)


async def home(request: Request) -> Response:
    app = web_app(request)
    served = served_paths(request)
    sections = [(path, label, blurb) for path, label, blurb in (
        ("/glossary", _("Glossary"), _("The words of the social and solidarity economy, explained in every language of the community.")),
        ("/resources", _("Resources"), _("Laws, policies, guides and studies members share, by country and topic.")),
        ("/sessions", _("Sessions"), _("Online capacity-building sessions: the next ones, and the materials of past ones.")),
        ("/qa", _("Questions and answers"), _("Solved questions from the community, published with their authors' consent.")),
    ) if path in served]
    context = {
        "sessions": await upcoming_sessions(app, request),
        "questions": await newest_solved_questions(app, request, NEWEST_QUESTIONS),
        "countries": programme_countries(),
        "sections": [(url(request, path), label, blurb) for path, label, blurb in sections],
        "zone": app.guild.current.timezone,
    }
    data = {"@context": "https://schema.org", "@type": "WebSite", "name": _("SSE community of practice in Asia"),
            "url": app.config.web.base_url + "/", "inLanguage": request.state.lang}
    return render(request, "home.html", context, title=_("Home"), json_ld=data)
