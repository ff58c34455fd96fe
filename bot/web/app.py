"""The public, read-only web site: ``create_web_app(app)`` builds the Starlette application.

Why Starlette + Jinja2 + uvicorn: Starlette is a small, well-kept ASGI toolkit (the base FastAPI is
built on) that runs in the bot's own event loop next to discord.py, reads the same async services and
database, and is tested in-process through httpx's ASGI transport; the site serves HTML, so FastAPI's
schema layer would add nothing. Jinja2 autoescapes every value and Babel extracts its strings into the
bot's own catalogues. uvicorn serves it, with several worker processes when the database is PostgreSQL.

Core routes: ``/`` (home), ``/search``, ``/static/...``, ``/robots.txt``, ``/sitemap.xml``. Every
capability whose record names ``web="cogs.<cap>.web:routes"`` adds ``routes(app)``, and, when that
module has one, ``sitemap(app)`` (sync or async) lists the public paths it serves for the sitemap."""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import App
from bot.web.errors import ErrorPages, error_page
from bot.web.home import UpcomingCache, home
from bot.web.language import LanguageMiddleware
from bot.web.page import environment, not_found, web_app
from bot.web.search import search
from bot.web.security import SecurityMiddleware

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)
CORE_SITEMAP = ["/"]


def capability_modules(app: App) -> list[tuple[ModuleType, str]]:
    """(module, routes function name) of every capability with web pages, in the records' order."""
    found = []
    for capability in app.capabilities:
        if capability.web:
            module_name, _sep, attr = capability.web.partition(":")
            found.append((importlib.import_module(module_name), attr or "routes"))
    return found


async def sitemap_paths(app: App) -> list[str]:
    """Every public path of the site: the core's and each capability's ``sitemap(app)``."""
    paths = list(CORE_SITEMAP)
    for module, _attr in capability_modules(app):
        contribute: Callable[[App], list[str] | Awaitable[list[str]]] | None = getattr(module, "sitemap", None)
        if contribute is None:
            continue
        result = contribute(app)
        paths.extend(await result if inspect.isawaitable(result) else result)
    seen: dict[str, None] = {}
    for path in paths:
        if path.startswith("/"):
            seen.setdefault(path)
    return list(seen)[:SITEMAP_LIMIT]


async def robots(request: Request) -> Response:
    config = web_app(request).config.web
    lines = ["User-agent: *"]
    if config.allow_indexing:
        lines += ["Allow: /", "Disallow: /calendar/me/", "Disallow: /search"]
    else:
        lines.append("Disallow: /")
    lines += ["", f"Sitemap: {config.base_url}/sitemap.xml", ""]
    return PlainTextResponse("\n".join(lines))


async def sitemap(request: Request) -> Response:
    app = web_app(request)
    base = app.config.web.base_url
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"<url><loc>{escape(base + path)}</loc></url>" for path in await sitemap_paths(app)]
    body.append("</urlset>")
    return Response("\n".join(body) + "\n", media_type="application/xml")


async def _http_error(request: Request, exc: Exception) -> Response:
    """An ``HTTPException`` (Starlette's own 404 and 405 among them): the site's page for it, in the
    visitor's language; never the exception's text."""
    if isinstance(exc, HTTPException) and exc.status_code != 404:
        return error_page(request, exc.status_code, dict(exc.headers or {}))
    return not_found(request)


def create_web_app(app: App) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/", home, methods=["GET"], name="home"),
        Route("/search", search, methods=["GET"], name="search"),
        Route("/robots.txt", robots, methods=["GET"], name="robots"),
        Route("/sitemap.xml", sitemap, methods=["GET"], name="sitemap"),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    for module, attr in capability_modules(app):
        routes.extend(getattr(module, attr)(app))
    web = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    web.state.app = app
    web.state.jinja = environment()
    web.state.upcoming = UpcomingCache()
    web.state.route_names = frozenset(r.name for r in routes if isinstance(r, Route))
    web.state.served_paths = frozenset(r.path for r in routes if isinstance(r, Route) and "{" not in r.path)
    # innermost first: error pages (and the refusal of writes, before any route runs) inside the
    # visitor's language, inside the security headers
    web.add_middleware(ErrorPages)
    web.add_middleware(LanguageMiddleware, default=lambda: app.guild.current.language)
    web.add_middleware(SecurityMiddleware)
    return web
