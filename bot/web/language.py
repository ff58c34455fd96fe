"""The visitor's language: ``?lang=xx``, else the browser's ``Accept-Language``, else the community's.

A pure-ASGI middleware (no ``BaseHTTPMiddleware``: that runs the handler in another task, where the
context variable would not be seen) runs the rest of the request inside ``use_language(code)``, so
``_()`` and ``ngettext()`` read in that language in routes, services and templates alike."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.catalogues import use_language
from bot.i18n import LANGUAGES

# Language tags browsers send that are not our codes: the old and the ISO 639-1 forms.
_ALIASES = {"tl": "fil", "in": "id", "zh-hans": "zh", "zh-hant": "zh", "cmn": "zh", "kir": "ky", "khm": "km",
            "lao": "lo", "mon": "mn", "tha": "th", "vie": "vi", "msa": "ms", "may": "ms", "ind": "id"}
# HTML ``lang`` and ``hreflang`` are BCP 47: the one code that differs from ours.
BCP47 = {"zh": "zh-Hans"}


def html_lang(code: str) -> str:
    return BCP47.get(code, code)


def language_of_tag(tag: str) -> str | None:
    """Our language code for one BCP 47 tag (``th-TH`` -> ``th``, ``zh-Hans-CN`` -> ``zh``); None if
    the community has no such language."""
    tag = tag.strip().lower().replace("_", "-")
    if not tag or tag == "*":
        return None
    for candidate in (tag, "-".join(tag.split("-")[:2]), tag.split("-")[0]):
        code = _ALIASES.get(candidate, candidate)
        if code in LANGUAGES:
            return code
    return None


def negotiate(accept_language: str | None) -> str | None:
    """The best of our languages for an ``Accept-Language`` header, by q-value (ties: the order given);
    None when none of them is acceptable."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:40]):
        tag, _sep, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = language_of_tag(tag)
        if code is not None and 0 < quality <= 1:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None


def requested_language(query_string: bytes) -> str | None:
    """The language asked for with ``?lang=`` (a code, or a tag such as ``th-TH``), if it is one of ours."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=False).get("lang")
    return language_of_tag(values[-1]) if values else None


class LanguageMiddleware:
    """Sets ``request.state.lang`` (and ``lang_explicit``: it came from ``?lang=``) and runs the request
    in that language. ``default`` returns the community's language at the moment (``/setup`` may change it)."""

    def __init__(self, app: ASGIApp, default: Callable[[], str]) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        explicit = requested_language(scope.get("query_string", b""))
        negotiated = None if explicit else negotiate(Headers(scope=scope).get("accept-language"))
        default = self.default()
        code = explicit or negotiated or (default if default in LANGUAGES else "en")
        state = scope.setdefault("state", {})
        state["lang"] = code
        state["lang_explicit"] = explicit is not None

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Language", html_lang(code))
                if explicit is None:
                    headers.add_vary_header("Accept-Language")
            await send(message)

        with use_language(code):
            await self.app(scope, receive, send_with_language)
