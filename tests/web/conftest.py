"""The web site through its ASGI stack in-process (httpx's ASGI transport), on a real migrated DB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from bot.app import App
from bot.web.app import create_web_app


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


class Page(HTMLParser):
    """A page as an independent parser (the standard library's, not Jinja) reads it: every element
    with its attributes, the text under each heading, and all visible text."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text_parts: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._stack: list[str] = []
        self._heading: list[str] | None = None
        self._script: tuple[dict[str, str | None], list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading = [tag]
        if tag == "script":
            self._script = (dict(attrs), [])
        if tag not in self.VOID:
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((tag, "".join(self._heading[1:]).strip()))
            self._heading = None
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def first(self, tag: str, **attrs: str) -> dict[str, Any]:
        found = self.all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]
