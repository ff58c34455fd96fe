"""The home page as a visitor reads it: who the community is, the next sessions (their titles as
text), the sections, and no questions at all until their authors publish them."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.app import App
from bot.permissions import Actor
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from db.models import utcnow
from tests.conftest import FACILITATOR_ROLE, said
from tests.web.conftest import Page

FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))


async def plan(app: App, title: str, days: int) -> None:
    start = (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d 14:00")
    draft = SessionDraft(title=title, start=start, timezone="Asia/Bangkok", duration_minutes=90, format="clinic",
                         languages="en, th", countries="TH", join_url="https://zoom.us/j/123", capacity=None)
    async with app.db.begin() as session:
        await app.service(PlanningService).create(session, FAC, draft)


async def test_upcoming_sessions_soonest_first_titles_as_text(client: httpx.AsyncClient, app: App) -> None:
    await plan(app, "Second: <b>cooperative</b> law & tax", days=9)
    await plan(app, "First: peer clinic", days=3)
    response = await client.get("/?lang=th")
    page = Page(response.text)
    titles = [text for tag, text in page.headings if tag == "h3"]
    assert titles[:2] == ["First: peer clinic", "Second: <b>cooperative</b> law & tax"]
    assert not page.all("b"), "a title is text, never markup"
    assert "&lt;b&gt;" in response.text
    assert "zoom.us" not in response.text, "join links stay on Discord"
    times = page.all("time")
    assert len(times) == 2 and all(t["datetime"] for t in times)
    assert said("th", "Languages: {languages}", languages="อังกฤษ, ไทย") in page.text


async def test_no_sessions_no_questions(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/?lang=km")).text)
    assert said("km", "No sessions are planned at the moment.") in page.text
    headings = [text for _tag, text in page.headings]
    assert said("km", "Who we are") in headings
    assert said("km", "Newest solved questions") not in headings, "nothing is published yet"


async def test_the_community_in_the_visitors_words(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/?lang=ja")).text)
    assert "タイ" in page.text and "カンボジア" in page.text, "programme countries by their Japanese names"
    assert page.first("form", role="search")["action"] == "/search"
