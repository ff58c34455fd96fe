"""Country profiles on the web: the index of programme countries and a profile page per country,
over the same CountryProfileService as /country."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.permissions import Actor
from cogs.resources.service import ResourceFilters, ResourceService
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from tests.conftest import FACILITATOR_ROLE, said
from tests.services.test_qa_public import make_posts
from tests.web.pages_helpers import check_page, json_ld, site

FACILITATOR = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_the_index_links_every_programme_country(app: App, lang: str) -> None:
    async with site(app) as client:
        response = await client.get("/countries", params={"lang": lang})
    assert response.status_code == 200
    doc = check_page(response.text, lang)
    links = {a.attrs["href"].split("?")[0] for a in doc.find("main").find_all("a")
             if a.attrs["href"].startswith("/countries/")}
    assert links == {f"/countries/{c.code.lower()}" for c in app.content.countries}
    assert doc.find("h1").text() == said(lang, "Countries")


@pytest.mark.parametrize(("code", "lang"), [("th", "th"), ("kh", "km"), ("vn", "en")])
async def test_a_profile_page_shows_what_the_content_says_with_its_sources(app: App, code: str, lang: str) -> None:
    country = app.content.countries.get(code.upper())
    assert country is not None
    start = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%d 10:00")
    async with app.db.begin() as session:
        [planned] = await app.service(PlanningService).create(session, FACILITATOR, SessionDraft(
            title="Cooperative law clinic", start=start, timezone="Asia/Bangkok", countries=code.upper()))
    async with site(app) as client:
        response = await client.get(f"/countries/{code}", params={"lang": lang})
    assert response.status_code == 200
    doc = check_page(response.text, lang)
    assert doc.find("h1").text() == said(lang, "{country}: social and solidarity economy", country=country.name)
    timeline = [li for li in doc.find("ol", class_="timeline").children if not isinstance(li, str)]
    assert len(timeline) == len(country.timeline)
    first = country.timeline[0]
    assert first.title in timeline[0].text() and first.date in timeline[0].text()
    urls = {a.attrs["href"] for a in timeline[0].find_all("a")}
    assert urls == {word.rstrip(".,;:)]") for s in first.sources for word in s.split() if word.startswith("https://")}
    resources = app.service(ResourceService).search(ResourceFilters(country=code.upper()), page_size=10_000).items
    section = doc.find("section", aria_labelledby="resources")
    for r in resources:
        assert r.title in section.text()
    terms = doc.find("section", aria_labelledby="terms")
    glossary_links = {a.attrs["href"].split("?")[0] for a in terms.find_all("a")}
    assert glossary_links == {f"/glossary/{t.id}" for t in app.content.terms if code.upper() in t.countries}
    sessions = doc.find("section", aria_labelledby="sessions")
    assert sessions.find("a").attrs["href"].split("?")[0] == f"/sessions/{planned.id}"
    # solved questions are Discord content: not on the web unless their askers published them
    assert "discord.com" not in response.text
    [data] = json_ld(doc)
    assert data["@type"] == "Country" and data["identifier"] == code.upper()


@pytest.mark.parametrize("path", ["/countries/xx", "/countries/thailand", "/countries/%E0%B9%84%E0%B8%97%E0%B8%A2"])
async def test_an_unknown_country_is_not_found(app: App, path: str) -> None:
    async with site(app) as client:
        response = await client.get(path, params={"lang": "km"})
    assert response.status_code == 404
    check_page(response.text, "km")


async def test_only_published_solved_questions_are_listed_and_linked_to_their_pages(app: App) -> None:
    posts = await make_posts(app)  # tagged Viet Nam: two askers published, one did not
    async with site(app) as client:
        response = await client.get("/countries/vn", params={"lang": "th"})
    doc = check_page(response.text, "th")
    section = doc.find("section", aria_labelledby="solved")
    assert section.find("h2").text() == said("th", "Recently solved questions")
    links = [a.attrs["href"] for a in section.find_all("a")]
    assert sorted(links) == sorted(f"/qa/{posts[k].thread}?lang=th" for k in ("public", "hidden_accepted"))
    assert "Chanda" not in response.text and "discord.com" not in response.text
    async with site(app) as client:  # each link opens the published question
        for link in links:
            assert (await client.get(link)).status_code == 200


async def test_a_country_page_shows_its_action_plan_with_what_is_overdue(app: App) -> None:
    from cogs.plans.service import PlanService

    plans = app.service(PlanService)
    past = datetime.now(UTC) - timedelta(days=40)
    async with app.db.begin() as session:
        late = await plans.add_action(session, FACILITATOR, country="Cambodia", recommendation="Adopt an SSE <b>framework</b>",
                                      title="Draft the decree", owner="Ministry of Labour", target="2026-12-31",
                                      now=past)
        await plans.add_action(session, FACILITATOR, country="Cambodia", recommendation="Adopt an SSE <b>framework</b>",
                               title="Consult cooperatives", owner="Cooperative federation", target="2030-06-30")
    async with app.db.begin() as session:  # the first action's date passes: it is overdue now
        from cogs.plans.models import PlanAction
        row = await session.get(PlanAction, late.id)
        assert row is not None
        row.target_date = (datetime.now(UTC) - timedelta(days=3)).date()
    async with site(app) as client:
        response = await client.get("/countries/kh", params={"lang": "en"})
        none = await client.get("/countries/la", params={"lang": "en"})
    assert response.status_code == 200
    doc = check_page(response.text, "en")
    section = doc.find("section", aria_labelledby="plan")
    text = section.text()
    assert "2 actions" in text and "Draft the decree" in text and "Consult cooperatives" in text
    assert "Adopt an SSE <b>framework</b>" in text, "facilitators' text is shown as text"
    overdue = section.find("ul", class_="plan-overdue")
    assert "Draft the decree" in overdue.text() and "Consult" not in overdue.text()
    assert "No action plan in the bot yet." in check_page(none.text, "en").find("section", aria_labelledby="plan").text()
