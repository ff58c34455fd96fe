"""The site's error pages, as every other page: in the visitor's language (the language middleware
runs around this one), with the security headers (the security middleware runs around it too), and
nothing of the server's inside (no traceback, no exception text: those go to the log).

``ErrorPages`` is the innermost of the site's middleware: it refuses every method but GET and HEAD
before any route runs (405, a page saying the site only reads), and turns an exception a route
raised into the 500 page. Starlette's own last-resort handler sits outside every middleware, so its
plain "Internal Server Error" would carry neither the headers nor the language."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.catalogues import _
from bot.web.page import render

log = logging.getLogger(__name__)

ALLOWED_METHODS = ("GET", "HEAD")
# written when even the error page cannot be rendered: no template, no catalogue
BARE_500 = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head>'
            b"<body><h1>Something went wrong</h1><p>Please try again in a moment.</p></body></html>")


def error_page(request: Request, status_code: int, headers: dict[str, str] | None = None) -> Response:
    """The page for an HTTP error other than 404 (bot/web/page.py's ``not_found``), in the visitor's
    language."""
    if status_code == 405:
        title = _("This site can only be read")
        message = _("Pages here are read, never changed: the site accepts no forms and no uploads.")
    elif status_code >= 500:
        title = _("Something went wrong")
        message = _("This page could not be shown because of a problem on our side. It has been noted; "
                    "please try again in a moment.")
    else:
        title = _("This page could not be shown")
        message = _("The address or what it asks for is not one this site understands.")
    response = render(request, "error.html", {"message": message}, title=title, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ErrorPages:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ALLOWED_METHODS:
            # the site writes nothing: every other method is refused before any route runs
            await self._answer(scope, receive, send, 405, {"Allow": ", ".join(ALLOWED_METHODS)})
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("web: %s %s failed", scope["method"], scope.get("path", ""))
            if started:  # too late for a page: the server closes the connection
                raise
            await self._answer(scope, receive, send, 500)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, status: int,
                      headers: dict[str, str] | None = None) -> None:
        try:
            response = error_page(Request(scope, receive), status, headers)
        except Exception:
            log.exception("web: the %s page could not be rendered", status)
            response = Response(BARE_500, status_code=status, media_type="text/html; charset=utf-8",
                                headers={"Cache-Control": "no-store", **(headers or {})})
        await response(scope, receive, send)

