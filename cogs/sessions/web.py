"""The calendar feeds on the web site: ``/calendar.ics``, per country, language, series and session,
and a member's own behind a secret token. Thin: read the URL, call FeedService, answer. The session
pages (``/sessions``, ``/sessions/<id>``) are in cogs/sessions/pages.py and served with them.

Calendar apps poll feeds: every answer carries an ETag and Cache-Control, and a request whose
If-None-Match names the current ETag gets an empty 304. Anything unknown (a country, a language, a
series, a session, a token, revoked or never issued) is the same 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, current_language
from bot.errors import NotFound
from bot.i18n import LANGUAGES
from cogs.sessions import pages
from cogs.sessions.feeds import FeedKind, FeedScope, FeedService

CALENDAR = "text/calendar; charset=utf-8"
MAX_AGE = 900  # seconds a cache may keep a feed; calendar apps poll far less often


def _language(request: Request) -> str | None:
    """The visitor's language: the web app's middleware sets it; ``?lang=`` is read here too so the
    routes work on their own (a Starlette app with only these routes)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    state = getattr(request.state, "lang", None)
    return state if state in LANGUAGES else current_language()


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def _not_found() -> Response:
    return PlainTextResponse(_("No such calendar feed."), status_code=404,
                             headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})


def routes(app: App) -> list[Route]:
    feeds = app.service(FeedService)

    async def answer(request: Request, scope: FeedScope, *, language: str | None) -> Response:
        async with app.db.begin() as session:
            feed = await feeds.build(session, scope, language=language)
        personal = scope.kind == "member"
        headers = {
            "ETag": feed.etag,
            # a personal feed is one member's: never kept by a shared cache, never indexed
            "Cache-Control": f"private, max-age={MAX_AGE}" if personal else f"public, max-age={MAX_AGE}",
            "Vary": "Accept-Language",
        }
        if personal:
            headers["X-Robots-Tag"] = "noindex"
            headers["Referrer-Policy"] = "no-referrer"
        if _matches(request, feed.etag):
            return Response(status_code=304, headers=headers)
        return Response(feed.body, media_type=CALENDAR, headers=headers)

    def public(kind: FeedKind) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                value = request.path_params.get("value", "")
                scope = feeds.check_scope(kind, str(value))
                # a language's feed is named in that language; the others in the visitor's
                language = str(scope.value) if kind == "language" and "lang" not in request.query_params else _language(request)
                return await answer(request, scope, language=language)
            except NotFound:
                return _not_found()

        endpoint.__name__ = f"calendar_{kind}"
        return endpoint

    async def personal(request: Request) -> Response:
        try:
            async with app.db.begin() as session:
                user_id = await feeds.member_of(session, str(request.path_params.get("token", "")))
            asked = request.query_params.get("lang")
            return await answer(request, FeedScope("member", user_id), language=asked if asked in LANGUAGES else None)
        except NotFound:
            return _not_found()

    return [
        Route("/calendar.ics", public("all"), methods=["GET", "HEAD"]),
        Route("/calendar/country/{value}.ics", public("country"), methods=["GET", "HEAD"]),
        Route("/calendar/language/{value}.ics", public("language"), methods=["GET", "HEAD"]),
        Route("/calendar/series/{value}.ics", public("series"), methods=["GET", "HEAD"]),
        Route("/calendar/session/{value}.ics", public("session"), methods=["GET", "HEAD"]),
        Route("/calendar/me/{token}.ics", personal, methods=["GET", "HEAD"]),
        *pages.routes(app),  # /sessions and a page per session (cogs/sessions/pages.py)
    ]


async def sitemap(app: App) -> list[str]:
    """The public paths for /sitemap.xml: the session pages (the feeds are for calendar apps)."""
    return await pages.sitemap(app)
