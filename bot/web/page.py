"""Rendering a page: the Jinja2 environment, ``render`` and ``not_found``, links that keep ``?lang``,
and the JSON-LD block. Route code calls ``render(request, "<cap>/<page>.html", {...}, title=...)``;
the template ``{% extends "base.html" %}`` and fills ``{% block content %}``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.app import App
from bot.catalogues import _, current_language, format_number, is_draft, ngettext
from bot.i18n import LANGUAGES
from bot.web.language import html_lang

ROOT = Path(__file__).resolve().parent.parent.parent
CORE_TEMPLATES = Path(__file__).resolve().parent / "templates"


def template_dirs() -> list[Path]:
    """Where templates are looked up: the core's, then every capability's ``cogs/<cap>/templates``."""
    return [CORE_TEMPLATES, *sorted(p for p in (ROOT / "cogs").glob("*/templates") if p.is_dir())]


def web_app(request: Request) -> App:
    """The App (services, database, config) the site reads."""
    app = request.app.state.app
    assert isinstance(app, App)
    return app


def url(request: Request, path: str, **query: Any) -> str:
    """A link within the site that keeps the visitor's ``?lang=`` (when they chose one); ``None``
    values are left out."""
    params = {k: v for k, v in query.items() if v is not None}
    if getattr(request.state, "lang_explicit", False) and "lang" not in params:
        params["lang"] = request.state.lang
    return path + ("?" + urlencode(params, doseq=True) if params else "")


def absolute(request: Request, path: str) -> str:
    """``path`` at the site's public address (config ``web.public_url``, else host and port)."""
    return web_app(request).config.web.base_url + path


def json_ld(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Markup:
    """schema.org data as the body of a ``<script type="application/ld+json">`` block: ``<``, ``>`` and
    ``&`` (and the JavaScript line separators) are written as ``\\u`` escapes, so no text inside can
    close the block or open markup, and the JSON still reads the same."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # safe: every character that could end the block is escaped above


@dataclass(frozen=True)
class LanguageLink:
    code: str  # ours (zh)
    tag: str  # BCP 47 (zh-Hans): lang and hreflang
    name: str  # in the language itself
    href: str  # this page in that language (absolute)
    current: bool


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool


# The site's sections: shown in the nav once a capability serves the path.
NAV = (("/", "Home"), ("/glossary", "Glossary"), ("/resources", "Resources"), ("/countries", "Countries"),
       ("/sessions", "Sessions"), ("/qa", "Questions and answers"), ("/search", "Search"))


def _nav_label(label: str) -> str:
    labels = {"Home": _("Home"), "Glossary": _("Glossary"), "Resources": _("Resources"),
              "Countries": _("Countries"), "Sessions": _("Sessions"),
              "Questions and answers": _("Questions and answers"), "Search": _("Search")}
    return labels[label]


def served_paths(request: Request) -> frozenset[str]:
    paths = getattr(request.app.state, "served_paths", None)
    return paths if isinstance(paths, frozenset) else frozenset()


def _page_query(request: Request, lang: str | None) -> str:
    """This page's query string with ``lang`` set (None: without it)."""
    rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return _with_lang(rest, lang)


def _with_lang(rest: str, lang: str | None) -> str:
    query = "&".join(part for part in (rest, f"lang={lang}" if lang else "") if part)
    return "?" + query if query else ""


def language_links(request: Request) -> list[LanguageLink]:
    base = web_app(request).config.web.base_url + request.url.path
    rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    current = current_language()
    return [LanguageLink(code, html_lang(code), lang.native, base + _with_lang(rest, code), code == current)
            for code, lang in LANGUAGES.items()]


def nav_links(request: Request) -> list[NavLink]:
    served = served_paths(request)
    here = request.url.path
    return [NavLink(_nav_label(label), url(request, path), path == here or (path != "/" and here.startswith(path + "/")))
            for path, label in NAV if path in served]


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False, trim_blocks=True, lstrip_blocks=True,
    )

    @pass_context
    def url_global(context: Context, path: str, **query: Any) -> str:
        return url(context["request"], path, **query)

    env.globals.update(_=_, gettext=_, ngettext=ngettext, format_number=format_number, url=url_global)
    return env


def render(request: Request, template_name: str, context: Mapping[str, Any] | None = None, *, title: str,
           status_code: int = 200, json_ld: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
           canonical: str | None = None) -> HTMLResponse:
    """A page in the visitor's language. ``canonical`` is a path (with its query) on this site; by
    default the page's own path in its language."""
    env: Environment = request.app.state.jinja
    lang = current_language()
    if canonical is None:
        canonical = request.url.path + _page_query(request, lang)
    values = {
        **(context or {}),
        "request": request, "title": title, "lang": lang, "html_lang": html_lang(lang),
        "languages": language_links(request), "nav": nav_links(request),
        "x_default": absolute(request, request.url.path + _page_query(request, None)),
        "canonical": absolute(request, canonical),
        "json_ld": _json_ld_block(json_ld), "draft_translation": lang != "en" and is_draft(lang),
        "site_name": _("SSE community of practice in Asia"),
    }
    html = env.get_template(template_name).render(values)
    return HTMLResponse(html, status_code=status_code)


def _json_ld_block(data: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None) -> Markup | None:
    return None if data is None else json_ld(data)


def not_found(request: Request) -> HTMLResponse:
    """The 404 page, in the visitor's language."""
    return render(request, "404.html", {}, title=_("Page not found"), status_code=404)
