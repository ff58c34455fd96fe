"""Reading the site's pages in tests: the ASGI client over ``create_web_app``, and an HTML reader
built on Python's own ``html.parser`` (independent of Jinja, which wrote the pages), with the checks
every page must pass: one h1, every form control labelled, JSON-LD that parses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx

from bot.app import App
from bot.web.app import create_web_app

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.walk() if e.tag == tag
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag: str, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def lang(self) -> str | None:
        """The language this element's text is in: its own ``lang`` or its nearest ancestor's."""
        node: Element | None = self
        while node is not None:
            if "lang" in node.attrs:
                return node.attrs["lang"]
            node = node.parent
        return None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.root


def json_ld(doc: Element) -> list[Any]:
    return [json.loads(s.text()) for s in doc.find_all("script", type="application/ld+json")]


def check_page(html: str, lang: str) -> Element:
    """The page parsed, after the checks every page passes: its language, one h1, a phone viewport,
    every select and input labelled, hreflang alternates."""
    doc = parse(html)
    assert doc.find("html").attrs["lang"] == lang
    assert len(doc.find_all("h1")) == 1
    assert any("width=device-width" in m.attrs.get("content", "") for m in doc.find_all("meta", name="viewport"))
    labelled = {label.attrs.get("for") for label in doc.find_all("label")}
    for control in doc.find_all("select") + [i for i in doc.find_all("input") if i.attrs.get("type") != "hidden"]:
        assert control.attrs.get("id") in labelled, f"unlabelled {control.tag} {control.attrs}"
    alternates = {link.attrs.get("hreflang") for link in doc.find_all("link", rel="alternate")}
    assert {"en", "th", "km"} <= alternates
    for script in doc.find_all("script"):
        assert script.attrs.get("type") == "application/ld+json", "only data blocks, no script"
    return doc


@asynccontextmanager
async def site(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://sse.test") as client:
        yield client
