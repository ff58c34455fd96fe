"""The resource catalogue's web page: the /resources filters as a GET form, narrowing exactly as the
command does (the same parse_filters and search), each entry as the catalogue states it."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.catalogues import use_language
from bot.errors import InvalidInput
from cogs.resources.service import ResourceService
from cogs.resources.web import PAGE_SIZE
from tests.web.pages_helpers import Element, check_page, json_ld, site


def listed(doc: Element) -> list[str]:
    found = doc.find_all("ul", class_="resources")
    return [li.attrs["id"] for li in found[0].find_all("li")] if found else []


def command_ids(app: App, **typed: str | None) -> list[str]:
    """What /resources finds for the same options (every page of it)."""
    service = app.service(ResourceService)
    filters = service.parse_filters(typed.get("q"), typed.get("country"), typed.get("topic"), typed.get("type"),
                                    typed.get("language"))
    return [r.id for r in service.search(filters, page_size=10_000).items]


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_the_catalogue_in_every_language(app: App, lang: str) -> None:
    async with site(app) as client:
        response = await client.get("/resources", params={"lang": lang})
    assert response.status_code == 200
    doc = check_page(response.text, lang)
    assert listed(doc) == command_ids(app)[:PAGE_SIZE]
    first = next(r for r in app.content.resources if r.id == listed(doc)[0])
    item = doc.find("li", id=first.id)
    assert item.find("h3").text() == first.title and item.find("h3").lang() == "en"  # the title as written
    assert first.summary in [p.text() for p in item.find_all("p")]
    for control in ("q", "country", "topic", "type", "language"):
        assert doc.find_all("select", name=control) or doc.find_all("input", name=control)


@pytest.mark.parametrize("typed", [
    {"country": "TH"},
    {"country": "Viet Nam", "type": "law"},
    {"topic": "sse-policy", "language": "ru"},
    {"q": "cooperative"},
    {"q": "สหกรณ์"},  # a glossary name in Thai also finds the English entries naming the term
])
async def test_filters_narrow_the_list_as_the_command_does(app: App, typed: dict[str, str]) -> None:
    expected = command_ids(app, **typed)
    assert 0 < len(expected) < len(app.content.resources)
    async with site(app) as client:
        response = await client.get("/resources", params=typed)
        shown = listed(check_page(response.text, "en"))
        page = 1
        while len(shown) < len(expected):  # the next pages, through the page's own links
            page += 1
            nxt = await client.get("/resources", params={**typed, "page": str(page)})
            shown += listed(check_page(nxt.text, "en"))
    assert response.status_code == 200
    assert shown == expected


async def test_each_entry_says_its_status_and_publisher_as_the_content_does(app: App) -> None:
    draft = next(r for r in app.content.resources if r.status == "validated_draft")
    async with site(app) as client:
        response = await client.get("/resources", params={"q": draft.title, "lang": "th"})
    doc = check_page(response.text, "th")
    item = doc.find("li", id=draft.id)
    text = item.text()
    assert draft.publisher in text
    assert str(draft.validated).split()[-1] in text  # validated, with no invented publication year
    links = {a.attrs["href"] for a in item.find_all("a")}
    assert f"/resources/{draft.id}?lang=th" in links  # its own page
    assert (draft.url in links) == bool(draft.url)  # and the document, only where the catalogue has its address


async def test_an_unknown_filter_value_is_a_polite_message_in_the_visitors_language(app: App) -> None:
    async with site(app) as client:
        response = await client.get("/resources", params={"topic": "astrology", "lang": "km"})
    assert response.status_code == 400
    doc = check_page(response.text, "km")
    with use_language("km"), pytest.raises(InvalidInput) as raised:
        app.service(ResourceService).parse_filters(topic="astrology")
    assert doc.find("p", role="alert").text().startswith(raised.value.message)


async def test_what_a_visitor_types_is_shown_as_text(app: App) -> None:
    hostile = '"><script>alert(1)</script>'
    async with site(app) as client:
        response = await client.get("/resources", params={"q": hostile})
    assert "<script>alert(1)" not in response.text
    doc = check_page(response.text, "en")
    assert doc.find("input", name="q").attrs["value"] == hostile


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_a_page_per_resource_as_the_catalogue_states_it(app: App, lang: str) -> None:
    resource = next(r for r in app.content.resources if r.url and r.status == "published")
    async with site(app) as client:
        response = await client.get(f"/resources/{resource.id}", params={"lang": lang})
        missing = await client.get("/resources/no-such-resource", params={"lang": lang})
    assert response.status_code == 200 and missing.status_code == 404
    doc = check_page(response.text, lang)
    assert doc.find("h1").text() == resource.title and doc.find("h1").lang() == "en"
    assert resource.url in {a.attrs["href"] for a in doc.find("main").find_all("a")}
    assert f"{resource.publisher}, {resource.year}" in doc.find("dl").text()
    [data] = json_ld(doc)
    assert data["@type"] == "CreativeWork" and data["name"] == resource.title
    assert data["datePublished"] == str(resource.year) and data["sameAs"] == resource.url
    check_page(missing.text, lang)


async def test_the_site_search_links_to_the_term_and_resource_pages(app: App) -> None:
    async with site(app) as client:
        response = await client.get("/search", params={"q": "cooperative", "lang": "th"})
    links = {a.attrs["href"].split("?")[0] for a in check_page(response.text, "th").find("main").find_all("a")}
    assert "/glossary/cooperative" in links
    assert any(link.startswith("/resources/") for link in links)
