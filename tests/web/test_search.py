"""/search on the site: a labelled box, glossary terms and resources found in the visitor's language,
and hostile text shown as the text it is, never as markup or script."""

from __future__ import annotations

import httpx
import pytest

from bot.text import clean
from tests.commands.test_hostile_input import HOSTILE
from tests.web.conftest import Page

# The queries the /search command is tested with (tests/commands/test_search.py), every hostile
# parameter value of the knowledge commands, and markup aimed at the page itself.
HOSTILE_QUERIES = [
    '"', "AND OR NOT", "-x", "*", "col:val", "https://a.b/c?d=e&f", "c++", "don't", "🙂", "<@&900000000000000101>",
    "@everyone", "x" * 10_000, "\u200b", "NEAR(", "')--",
    *(value[:5000] for value in HOSTILE.values()),  # a URL holds ~64 KB: 5,000 Thai letters are 45 KB
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><svg onload=alert(1)>",
    "{{ 7*7 }}{% raw %}", "&lt;b&gt;", "javascript:alert(1)", "' onmouseover='alert(1)",
]


async def test_the_search_box_has_a_label(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/search?lang=th")).text)
    form = page.first("form", role="search")
    assert form["method"] == "get" and form["action"] == "/search"
    box = page.first("input", name="q")
    assert page.first("label", **{"for": box["id"]})
    assert page.first("input", name="lang", type="hidden")["value"] == "th", "the language is kept"


async def test_finds_terms_and_resources(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/search", params={"q": "cooperative"})).text)
    headings = [text for tag, text in page.headings if tag == "h3"]
    assert any(h.casefold().startswith("cooperative") for h in headings), headings
    assert page.first("input", name="q")["value"] == "cooperative"
    assert "No glossary term matches" not in page.text
    assert "No resource matches" not in page.text


async def test_finds_a_term_by_its_thai_name_and_shows_it_in_thai(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/search", params={"q": "สหกรณ์", "lang": "th"})).text)
    assert page.first("html")["lang"] == "th"
    assert any("สหกรณ์" in text for tag, text in page.headings if tag == "h3")


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
async def test_hostile_queries_are_shown_as_text(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get("/search", params={"q": query})
    assert response.status_code == 200
    page = Page(response.text)
    # nothing the visitor typed became an element or an attribute
    assert [a for a, _ in page.scripts if a.get("type") != "application/ld+json"] == []
    assert not page.all("img") and not page.all("svg") and not page.all("textarea")
    for _tag, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs), attrs
    assert page.first("input", name="q")["value"] == clean(query)[:200], "shown back exactly as read"
    assert "49" not in page.text or "49" in query, "templates never evaluate what was typed"
