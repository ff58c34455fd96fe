"""Sessions on the web: upcoming and past (with materials) in the time zone the visitor picks, a page
per session with schema.org Event data and webcal:// links to the feeds; facilitators' text escaped,
no join link and no Discord ids unless the config publishes join links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from bot.app import App
from bot.catalogues import format_when, use_language
from bot.config import Web
from bot.permissions import Actor
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from tests.conftest import FACILITATOR_ROLE, base_config, said
from tests.web.pages_helpers import Element, check_page, json_ld, site

FACILITATOR = Actor(user_id=912345678901234567, role_ids=frozenset({FACILITATOR_ROLE}))
HOSTILE = '<script>alert("x")</script> & <b>co-ops</b>'
JOIN = "https://zoom.us/j/987654321"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


async def plan(app: App) -> dict[str, TrainingSessionInfo]:
    """An upcoming session with a hostile title, a cancelled one, and a past series with a recording."""
    soon = datetime.now(UTC) + timedelta(days=3)
    planning = app.service(PlanningService)
    async with app.db.begin() as session:
        [upcoming] = await planning.create(session, FACILITATOR, SessionDraft(
            title=HOSTILE, start=soon.strftime("%Y-%m-%d 14:00"), timezone="Asia/Bangkok", languages="en, th",
            countries="TH, KH", join_url=JOIN, description="Bring your questions <i>here</i>\nSecond line"))
        [cancelled] = await planning.create(session, FACILITATOR, SessionDraft(
            title="Cancelled clinic", start=(soon + timedelta(days=1)).strftime("%Y-%m-%d 10:00"),
            timezone="Asia/Bangkok", join_url=JOIN))
        await planning.cancel(session, FACILITATOR, cancelled.id)
        past = await planning.create(session, FACILITATOR, SessionDraft(
            title="Past webinar on cooperative law", start="2025-01-10 10:00", timezone="Asia/Tokyo",
            repeat="weekly", occurrences=2), now=datetime(2025, 1, 1, tzinfo=UTC))
        await planning.add_materials(session, FACILITATOR, past[0].id, recording="https://example.org/recording",
                                     slides="https://example.org/slides")
    return {"upcoming": upcoming, "cancelled": cancelled, "past": past[0], "past2": past[1]}


def section_titles(doc: Element, section: str) -> list[str]:
    found = doc.find("section", aria_labelledby=section)
    return [h.text() for h in found.find_all("h3")]


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_upcoming_and_past_sessions_in_every_language(app: App, lang: str) -> None:
    planned = await plan(app)
    async with site(app) as client:
        response = await client.get("/sessions", params={"lang": lang})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>co-ops" not in response.text
    doc = check_page(response.text, lang)
    with use_language(lang):
        cancelled = said(lang, "Cancelled: {title}", title="Cancelled clinic")
        # the community's zone by default (config: Asia/Bangkok)
        start = format_when(planned["upcoming"].start_utc, "Asia/Bangkok")
    assert section_titles(doc, "upcoming") == [HOSTILE, cancelled]
    assert section_titles(doc, "past") == ["Past webinar on cooperative law"] * 2
    assert doc.find("section", aria_labelledby="upcoming").find("time").text() == start
    past = doc.find("section", aria_labelledby="past")
    assert {a.attrs["href"] for a in past.find_all("a")} >= {"https://example.org/recording", "https://example.org/slides"}
    feeds = {a.attrs["href"] for a in doc.find("section", aria_labelledby="feeds").find_all("a")}
    assert {"webcal://127.0.0.1:8080/calendar.ics", "webcal://127.0.0.1:8080/calendar/country/TH.ics",
            "webcal://127.0.0.1:8080/calendar/language/km.ics"} <= feeds
    assert JOIN not in response.text and str(FACILITATOR.user_id) not in response.text


async def test_times_are_shown_in_the_zone_the_visitor_picks(app: App) -> None:
    planned = await plan(app)
    async with site(app) as client:
        response = await client.get("/sessions", params={"tz": "Asia/Tokyo", "lang": "th"})
        page = await client.get(f"/sessions/{planned['upcoming'].id}", params={"tz": "Asia/Bishkek"})
    doc = check_page(response.text, "th")
    with use_language("th"):
        tokyo = format_when(planned["upcoming"].start_utc, "Asia/Tokyo")
    assert doc.find("section", aria_labelledby="upcoming").find("time").text() == tokyo
    picked = [o.attrs["value"] for o in doc.find("select", name="tz").find_all("option") if "selected" in o.attrs]
    assert picked == ["Asia/Tokyo"]
    # links to a session keep the zone and the language
    link = doc.find("section", aria_labelledby="upcoming").find("a").attrs["href"]
    assert link == f"/sessions/{planned['upcoming'].id}?tz=Asia%2FTokyo&lang=th"
    session_doc = check_page(page.text, "en")
    assert session_doc.find("dl").find("time").text() == format_when(planned["upcoming"].start_utc, "Asia/Bishkek")


async def test_a_zone_that_is_not_one_is_a_polite_message_and_the_default(app: App) -> None:
    planned = await plan(app)
    async with site(app) as client:
        response = await client.get("/sessions", params={"tz": "Mars/Olympus", "lang": "km"})
    assert response.status_code == 400
    doc = check_page(response.text, "km")
    assert doc.find("p", role="alert").text()
    with use_language("km"):
        assert doc.find("section", aria_labelledby="upcoming").find("time").text() == \
            format_when(planned["upcoming"].start_utc, "Asia/Bangkok")


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_a_session_page_with_event_data(app: App, lang: str) -> None:
    planned = await plan(app)
    upcoming = planned["upcoming"]
    async with site(app) as client:
        response = await client.get(f"/sessions/{upcoming.id}", params={"lang": lang})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<i>here" not in response.text
    doc = check_page(response.text, lang)
    assert doc.find("h1").text() == HOSTILE
    about = [p.text() for p in doc.find("section", aria_labelledby="about").find_all("p")]
    assert about == ["Bring your questions <i>here</i>", "Second line"]
    [data] = json_ld(doc)
    assert data["@type"] == "Event" and data["name"] == HOSTILE
    assert datetime.fromisoformat(data["startDate"]) == upcoming.start_utc
    assert datetime.fromisoformat(data["endDate"]) == upcoming.end_utc
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["inLanguage"] == ["en", "th"]
    assert data["location"]["url"].endswith(f"/sessions/{upcoming.id}")  # its page, not the join link
    assert JOIN not in response.text and str(FACILITATOR.user_id) not in response.text
    feeds = {a.attrs["href"] for a in doc.find("section", aria_labelledby="feeds").find_all("a")}
    assert f"webcal://127.0.0.1:8080/calendar/session/{upcoming.id}.ics" in feeds
    async with site(app) as client:  # each link is a feed the site serves, holding this session
        for feed in feeds:
            calendar = await client.get(feed.removeprefix("webcal://127.0.0.1:8080"))
            assert calendar.status_code == 200 and calendar.headers["content-type"].startswith("text/calendar")
            assert f"UID:session-{upcoming.id}@" in calendar.text


async def test_a_cancelled_and_a_past_session(app: App) -> None:
    planned = await plan(app)
    async with site(app) as client:
        cancelled = await client.get(f"/sessions/{planned['cancelled'].id}", params={"lang": "th"})
        past = await client.get(f"/sessions/{planned['past'].id}", params={"lang": "km"})
    doc = check_page(cancelled.text, "th")
    assert doc.find("h1").text() == said("th", "Cancelled: {title}", title="Cancelled clinic")
    [data] = json_ld(doc)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    past_doc = check_page(past.text, "km")
    materials = {a.attrs["href"] for a in past_doc.find("section", aria_labelledby="materials").find_all("a")}
    assert materials == {"https://example.org/recording", "https://example.org/slides"}
    feeds = {a.attrs["href"] for a in past_doc.find("section", aria_labelledby="feeds").find_all("a")}
    assert f"webcal://127.0.0.1:8080/calendar/series/{planned['past'].series_id}.ics" in feeds


@pytest.mark.parametrize("path", ["/sessions/999999", "/sessions/abc", "/sessions/1%3Cscript%3E"])
async def test_an_unknown_session_is_not_found(app: App, path: str) -> None:
    async with site(app) as client:
        response = await client.get(path, params={"lang": "th"})
    assert response.status_code == 404
    check_page(response.text, "th")


@pytest.mark.skipif("publish_join_links" not in Web.model_fields, reason="no web.publish_join_links in the config")
@pytest.mark.parametrize("config_data", [{**base_config(), "web": {"publish_join_links": True}}])
async def test_join_links_only_when_the_config_publishes_them(app: App) -> None:
    planned = await plan(app)
    async with site(app) as client:
        upcoming = await client.get(f"/sessions/{planned['upcoming'].id}")
        cancelled = await client.get(f"/sessions/{planned['cancelled'].id}")
    doc = check_page(upcoming.text, "en")
    assert doc.find("section", aria_labelledby="join").find("a").attrs["href"] == JOIN
    [data] = json_ld(doc)
    assert data["location"]["url"] == JOIN
    assert JOIN not in check_page(cancelled.text, "en").find("main").text()


async def test_the_sitemap_lists_every_page_and_no_link_between_them_is_broken(app: App) -> None:
    planned = await plan(app)
    base = app.config.web.base_url
    async with site(app) as client:
        sitemap = await client.get("/sitemap.xml")
        locs = {e.text for e in ElementTree.fromstring(sitemap.content).iter(f"{SITEMAP}loc")}
        assert {f"{base}/glossary", f"{base}/glossary/cooperative", f"{base}/resources", f"{base}/countries",
                f"{base}/countries/kh", f"{base}/sessions", f"{base}/sessions/{planned['upcoming'].id}"} <= locs
        # every page these sections link to, in Khmer, is there (one h1 each, the visitor's language kept)
        seen: set[str] = set()
        queue = [f"/{section}?lang=km" for section in ("glossary", "resources", "countries", "sessions")]
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            response = await client.get(path)
            assert response.status_code == 200, path
            doc = check_page(response.text, "km")
            for a in doc.find("main").find_all("a"):
                href = a.attrs["href"]
                if "hreflang" in a.attrs:  # the page in another language, said so
                    continue
                if href.startswith("/") and href.split("?")[0].split("/")[1] in ("glossary", "countries", "sessions", "resources"):
                    assert "lang=km" in href, (path, href)
                    queue.append(href)
    assert len(seen) > len(app.content.terms) + len(app.content.countries)


async def plan_for_filters(app: App) -> dict[str, TrainingSessionInfo]:
    planned = await plan(app)
    soon = datetime.now(UTC) + timedelta(days=5)
    async with app.db.begin() as session:
        [vietnam] = await app.service(PlanningService).create(session, FACILITATOR, SessionDraft(
            title="Hợp tác xã clinic", start=soon.strftime("%Y-%m-%d 09:00"), timezone="Asia/Ho_Chi_Minh",
            languages="vi", countries="VN"))
    return {**planned, "vietnam": vietnam}


def feed_uids(text: str) -> set[str]:
    return {line.removeprefix("UID:").strip() for line in text.splitlines() if line.startswith("UID:")}


async def test_filters_by_country_keep_the_zone_and_link_the_matching_feed(app: App) -> None:
    planned = await plan_for_filters(app)
    async with site(app) as client:
        response = await client.get("/sessions", params={"country": "KH", "tz": "Asia/Tokyo", "lang": "th"})
        assert response.status_code == 200
        doc = check_page(response.text, "th")  # every select labelled
        form = doc.find("form")
        assert form.attrs["method"] == "get" and form.attrs["action"] == "/sessions"
        assert {s.attrs["name"] for s in form.find_all("select")} == {"tz", "country", "language", "series"}

        def picked(name: str) -> list[str]:
            return [o.attrs["value"] for o in form.find("select", name=name).find_all("option") if "selected" in o.attrs]

        # the visitor's zone is in the same form, so changing a filter keeps it (and the reverse)
        assert picked("tz") == ["Asia/Tokyo"] and picked("country") == ["KH"] and picked("language") == []
        assert form.find("input", type="hidden", name="lang").attrs["value"] == "th"
        # Cambodia's sessions and those for every country; not Viet Nam's
        with use_language("th"):
            cancelled = said("th", "Cancelled: {title}", title="Cancelled clinic")
        assert section_titles(doc, "upcoming") == [HOSTILE, cancelled]
        link = doc.find("section", aria_labelledby="upcoming").find("a").attrs["href"]
        assert link == f"/sessions/{planned['upcoming'].id}?tz=Asia%2FTokyo&lang=th"
        # the calendar feed of this choice holds the same upcoming sessions
        [feed] = doc.find("p", id="filter-feeds").find_all("a")
        assert feed.attrs["href"] == "webcal://127.0.0.1:8080/calendar/country/KH.ics"
        calendar = await client.get("/calendar/country/KH.ics")
        uids = feed_uids(calendar.text)
        assert {f"session-{planned['upcoming'].id}@sse-bot", f"session-{planned['cancelled'].id}@sse-bot"} <= uids
        assert f"session-{planned['vietnam'].id}@sse-bot" not in uids


async def test_filters_by_language_and_series(app: App) -> None:
    planned = await plan_for_filters(app)
    async with site(app) as client:
        by_language = await client.get("/sessions", params={"language": "vi", "tz": "Asia/Bishkek"})
        by_series = await client.get("/sessions", params={"series": str(planned["past"].series_id)})
    doc = check_page(by_language.text, "en")
    assert section_titles(doc, "upcoming") == ["Hợp tác xã clinic"]
    assert section_titles(doc, "past") == []
    assert doc.find("section", aria_labelledby="upcoming").find("time").text() == \
        format_when(planned["vietnam"].start_utc, "Asia/Bishkek")
    [feed] = doc.find("p", id="filter-feeds").find_all("a")
    assert feed.attrs["href"] == "webcal://127.0.0.1:8080/calendar/language/vi.ics" and feed.attrs["hreflang"] == "vi"
    series_doc = check_page(by_series.text, "en")
    assert section_titles(series_doc, "upcoming") == []
    assert section_titles(series_doc, "past") == ["Past webinar on cooperative law"] * 2
    options = series_doc.find("select", name="series").find_all("option")
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == [str(planned["past"].series_id)]
    [feed] = series_doc.find("p", id="filter-feeds").find_all("a")
    assert feed.attrs["href"] == f"webcal://127.0.0.1:8080/calendar/series/{planned['past'].series_id}.ics"
    # a link back to every session, without the filter
    assert series_doc.find("form").find("a").attrs["href"] == "/sessions"


@pytest.mark.parametrize("query", [{"country": "ZZ"}, {"language": "xx"}, {"series": "99999"}, {"series": "1<b>"}])
async def test_a_filter_that_is_not_one_is_a_polite_message_and_every_session(app: App, query: dict[str, str]) -> None:
    await plan_for_filters(app)
    async with site(app) as client:
        response = await client.get("/sessions", params={**query, "lang": "km"})
    assert response.status_code == 400
    assert "<b>" not in response.text
    doc = check_page(response.text, "km")
    assert doc.find("p", role="alert").text()
    assert len(section_titles(doc, "upcoming")) == 3
    assert not doc.find_all("p", id="filter-feeds")
