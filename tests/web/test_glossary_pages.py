"""The glossary's web pages through the ASGI app: the index by letter, topic and country (the same
terms /glossary browse lists), a page per term in every language with its status, sources, related
terms and DefinedTerm data; English shown (and marked lang="en") where a language has no text yet."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from bot.catalogues import language_name, use_language
from bot.errors import InvalidInput
from cogs.glossary.browse import BrowseFilters, GlossaryIndex
from cogs.glossary.service import GlossaryService
from cogs.glossary.web import status_text
from tests.conftest import said
from tests.web.pages_helpers import Element, check_page, json_ld, site


def term_links(doc: Element) -> set[str]:
    listed = doc.find("ul", class_="terms")
    return {a.attrs["href"].split("?")[0].removeprefix("/glossary/") for a in listed.find_all("a")}


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_the_index_lists_every_term_in_the_visitors_language(app: App, lang: str) -> None:
    async with site(app) as client:
        response = await client.get("/glossary", params={"lang": lang})
    assert response.status_code == 200
    doc = check_page(response.text, lang)
    assert term_links(doc) == {t.id for t in app.content.terms}
    cooperative = next(t for t in app.content.terms if t.id == "cooperative")
    link = next(a for a in doc.find("ul", class_="terms").find_all("a") if a.attrs["href"].startswith("/glossary/cooperative"))
    if lang == "en":
        assert link.text() == "Cooperative"
    else:
        assert link.text() == cooperative.translations[lang].name
        assert link.attrs["href"] == f"/glossary/cooperative?lang={lang}"  # links keep the visitor's language
    [data] = json_ld(doc)
    assert data["@type"] == "DefinedTermSet" and len(data["hasDefinedTerm"]) == len(app.content.terms)
    assert doc.find("h1").text() == said(lang, "Glossary")


@pytest.mark.parametrize(("query", "filters"), [
    ({"letter": "c"}, BrowseFilters(letter="C")),
    ({"topic": "finance"}, BrowseFilters(topic="finance")),
    ({"country": "TH"}, BrowseFilters(country="TH")),
    ({"country": "ไทย", "topic": "cooperatives"}, BrowseFilters(topic="cooperatives", country="TH")),
])
async def test_filters_narrow_the_index_as_the_command_does(app: App, query: dict[str, str],
                                                             filters: BrowseFilters) -> None:
    expected = {t.id for t in app.service(GlossaryIndex).matching(filters)}
    assert 0 < len(expected) < len(app.content.terms)
    async with site(app) as client:
        response = await client.get("/glossary", params=query)
    assert response.status_code == 200
    doc = check_page(response.text, "en")
    assert term_links(doc) == expected
    if "topic" in query:  # the form says what is picked, so the visitor can change it
        selected = [o for o in doc.find("select", name="topic").find_all("option") if "selected" in o.attrs]
        assert [o.attrs["value"] for o in selected] == [query["topic"]]


async def test_a_filter_that_names_nothing_is_answered_politely(app: App) -> None:
    async with site(app) as client:
        response = await client.get("/glossary", params={"letter": "ZZ", "lang": "th"})
    assert response.status_code == 400
    doc = check_page(response.text, "th")
    with use_language("th"), pytest.raises(InvalidInput) as raised:
        app.service(GlossaryIndex).parse("ZZ")
    assert doc.find("p", role="alert").text() == raised.value.message
    assert term_links(doc) == {t.id for t in app.content.terms}  # and the whole glossary is still there


@pytest.mark.parametrize("lang", ["th", "km"])
async def test_a_term_page_in_thai_and_khmer(app: App, lang: str) -> None:
    term = next(t for t in app.content.terms if t.id == "cooperative")
    async with site(app) as client:
        response = await client.get("/glossary/cooperative", params={"lang": lang})
    assert response.status_code == 200
    doc = check_page(response.text, lang)
    assert doc.find("h1").text() == term.translations[lang].name
    assert doc.find("p", class_="english-name").text() == "Cooperative"
    assert doc.find("p", class_="short").text() == term.translations[lang].short
    # every language the term has, each linked in its own language with its status
    rows = doc.find("table", class_="versions").find("tbody").find_all("tr")
    assert len(rows) == 1 + len(term.translations)
    by_lang = {row.find("a").attrs["hreflang"]: row for row in rows}
    assert {"en", "th", "km", "zh-Hans"} <= set(by_lang)
    khmer = by_lang["km"]
    assert khmer.find("a").attrs["href"] == "/glossary/cooperative?lang=km"
    assert khmer.find("td").attrs["lang"] == "km" and term.translations["km"].name in khmer.find("td").text()
    with use_language(lang):
        assert khmer.find_all("td")[1].text() == status_text(term.translations["km"].status)
        assert by_lang["en"].find_all("td")[1].text() == status_text("original")
    # sources as officials cite them, with their links; related terms link to their pages
    sources = [li.text() for li in doc.find("ul", class_="sources").find_all("li")]
    assert sources == list(term.sources)
    related = {a.attrs["href"].split("?")[0] for a in doc.find("section", aria_labelledby="related").find_all("a")}
    assert related == {f"/glossary/{r}" for r in term.related}
    [data] = json_ld(doc)
    assert data["@type"] == "DefinedTerm" and data["name"] == term.translations[lang].name
    assert data["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert "Cooperative" in data["alternateName"] and term.translations["ja"].name in data["alternateName"]
    assert data["inLanguage"] == lang


async def test_the_quotation_is_the_official_wording_with_its_source(app: App) -> None:
    term = next(t for t in app.content.terms if t.quote)
    async with site(app) as client:
        response = await client.get(f"/glossary/{term.id}", params={"lang": "km"})
    doc = check_page(response.text, "km")
    quote = doc.find("blockquote")
    assert quote.lang() == "en"
    assert term.quote is not None and term.quote.source in doc.find("figure").text()
    assert said("km", "The official wording, quoted as adopted:") == doc.find("figcaption").text()


async def test_text_a_language_lacks_is_shown_in_english_and_marked_so(app: App) -> None:
    glossary, index = app.service(GlossaryService), app.service(GlossaryIndex)
    terms = [t.model_copy(update={"translations": {k: v for k, v in t.translations.items() if k != "lo"}})
             if t.id == "cooperative" else t for t in app.content.terms]
    glossary.replace_terms(terms)
    index.replace_terms(terms)
    async with site(app) as client:
        response = await client.get("/glossary/cooperative", params={"lang": "lo"})
    doc = check_page(response.text, "lo")
    assert doc.find("h1").text() == "Cooperative" and doc.find("h1").find("span").attrs["lang"] == "en"
    short = doc.find("p", class_="short")
    assert short.text() == next(t for t in terms if t.id == "cooperative").short and short.lang() == "en"
    with use_language("lo"):
        note = said("lo", "The definition and the explanation are not yet written in {language}; they are shown in "
                          "English.", language=language_name("lo"))
    assert note in [p.text() for p in doc.find_all("p", class_="small-print")]
    rows = doc.find("table", class_="versions").find("tbody").find_all("tr")
    assert "lo" not in {row.find("a").attrs["hreflang"] for row in rows}


async def test_an_unknown_term_is_not_found(app: App) -> None:
    async with site(app) as client:
        response = await client.get("/glossary/no-such-term", params={"lang": "th"})
    assert response.status_code == 404
    check_page(response.text, "th")


async def test_an_approved_text_shows_on_the_term_page_at_once_here_and_soon_on_another_instance(
        app: App, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import cogs.glossary.service
    from bot.permissions import Actor
    from cogs.glossary.web import FRESH_SECONDS
    from cogs.glossary_review.service import ReviewService

    better = "An enterprise its members own and run together, one member one vote, for needs they share."
    clock = [1000.0]
    monkeypatch.setattr(cogs.glossary.service.time, "monotonic", lambda: clock[0])
    second = await App.create(settings, content=app.content)
    try:
        async with site(app) as here, site(second) as there:
            assert better not in (await here.get("/glossary/cooperative")).text
            assert better not in (await there.get("/glossary/cooperative")).text
            review = app.service(ReviewService)
            async with app.db.begin() as session:
                submitted = await review.suggest(session, 7, "cooperative", "en", "short", better)
            async with app.db.begin() as session:
                await review.approve(session, Actor(user_id=9, system=True), submitted.suggestion.id)
            await review.refresh()  # as the approving component does
            # the instance that approved shows it at once
            assert better in check_page((await here.get("/glossary/cooperative")).text, "en").find("main").text()
            # another web process looks again within FRESH_SECONDS
            clock[0] += FRESH_SECONDS
            page = check_page((await there.get("/glossary/cooperative")).text, "en")
            assert better in page.find("main").text()
    finally:
        await second.close()
