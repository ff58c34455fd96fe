"""The calendar feed routes through the web site's whole ASGI stack (create_web_app: the language and
security middleware, the routes the sessions capability declares), through httpx's ASGI transport;
feeds read back with vobject and compared with the sessions in the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.permissions import Actor
from bot.web.app import create_web_app
from cogs.sessions.feeds import FeedService
from cogs.sessions.models import TrainingSession
from cogs.sessions.parsing import SessionChanges, SessionDraft
from cogs.sessions.planning import PlanningService
from cogs.sessions.rsvp import RsvpService
from tests.conftest import FACILITATOR_ROLE, said
from tests.feed_check import read_feed, shown

FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = 22


def soon(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d") + " 10:00"


async def plan(app: App, **kw: object) -> list[int]:
    base: dict[str, object] = dict(title="Cooperative law clinic", start=soon(5), timezone="Asia/Bangkok",
                                   duration_minutes=60, languages="en, th", countries="TH",
                                   join_url="https://zoom.us/j/123")
    base.update(kw)
    async with app.db.begin() as session:
        return [v.id for v in await app.service(PlanningService).create(session, FAC, SessionDraft(**base))]  # type: ignore[arg-type]


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_web_app(app)),
                                 base_url="http://feeds.test") as c:
        yield c


async def starts(app: App, ids: list[int] | None = None) -> list[datetime]:
    async with app.db.begin() as session:
        query = select(TrainingSession).where(TrainingSession.status == "scheduled")
        if ids is not None:
            query = query.where(TrainingSession.id.in_(ids))
        return sorted(r.start_utc for r in (await session.scalars(query)).all())


async def test_the_public_feed_is_calendar_text_with_etag_and_cache_control(app: App, client: httpx.AsyncClient) -> None:
    await plan(app, title="Fair trade basics")
    await plan(app, repeat="weekly", occurrences=3, start=soon(6))
    answer = await client.get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["cache-control"].startswith("public, max-age=")
    etag = answer.headers["etag"]
    _, occurrences = read_feed(answer.content)
    assert shown(occurrences) == await starts(app)
    assert b"zoom.us" not in answer.content  # public: no join links by default
    head = await client.head("/calendar.ics")
    assert head.status_code == 200 and head.headers["etag"] == etag and head.content == b""


async def test_if_none_match_gets_304_until_a_session_changes(app: App, client: httpx.AsyncClient) -> None:
    [sid] = await plan(app)
    first = await client.get("/calendar.ics")
    etag = first.headers["etag"]
    again = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert (await client.get("/calendar.ics", headers={"If-None-Match": '"other", ' + etag})).status_code == 304
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sid, SessionChanges(title="Renamed"))
    changed = await client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    [before] = read_feed(first.content)[1]
    [after] = read_feed(changed.content)[1]
    assert after.uid == before.uid and after.sequence > before.sequence and after.summary.startswith("Renamed")


async def test_country_language_series_and_session_feeds(app: App, client: httpx.AsyncClient) -> None:
    [thai] = await plan(app, title="Thai", countries="TH", languages="th")
    [viet] = await plan(app, title="Viet", countries="VN", languages="vi", start=soon(7))
    series = await plan(app, title="Series", countries="MN", languages="mn", repeat="weekly", occurrences=3,
                        start=soon(8))
    assert shown(read_feed((await client.get("/calendar/country/th.ics")).content)[1]) == await starts(app, [thai])
    assert shown(read_feed((await client.get("/calendar/language/vi.ics")).content)[1]) == await starts(app, [viet])
    async with app.db.begin() as session:
        series_id = (await session.get(TrainingSession, series[0])).series_id  # type: ignore[union-attr]
    series_feed = read_feed((await client.get(f"/calendar/series/{series_id}.ics")).content)[1]
    assert shown(series_feed) == await starts(app, series)
    assert {o.uid for o in series_feed} == {f"series-{series_id}@sse-bot"}
    single = read_feed((await client.get(f"/calendar/session/{viet}.ics")).content)[1]
    assert [o.uid for o in single] == [f"session-{viet}@sse-bot"]


async def test_a_language_feed_is_named_in_its_language_and_others_follow_lang(app: App,
                                                                                client: httpx.AsyncClient) -> None:
    await plan(app)
    cal, _ = read_feed((await client.get("/calendar/language/th.ics")).content)
    from bot.catalogues import language_name, use_language
    with use_language("th"):
        thai = language_name("th")
    assert cal.x_wr_calname.value == said("th", "SSE community sessions in {language}", language=thai)
    cal, _ = read_feed((await client.get("/calendar.ics?lang=km")).content)
    assert cal.x_wr_calname.value == said("km", "SSE community sessions") != "SSE community sessions"
    cal, _ = read_feed((await client.get("/calendar.ics", headers={"Accept-Language": "ja,en;q=0.5"})).content)
    assert cal.x_wr_calname.value == said("ja", "SSE community sessions")


@pytest.mark.parametrize("path", ["/calendar/country/XX.ics", "/calendar/country/Thailand.ics",
                                  "/calendar/language/klingon.ics", "/calendar/series/999.ics",
                                  "/calendar/series/abc.ics", "/calendar/session/999.ics",
                                  "/calendar/session/%2e%2e.ics", "/calendar/me/nope.ics"])
async def test_unknown_feeds_are_404(app: App, client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == 404 and answer.text == "No such calendar feed."
    assert answer.headers["cache-control"] == "no-store"


async def test_the_personal_feed_opens_with_its_token_and_a_revoked_one_is_404(app: App,
                                                                               client: httpx.AsyncClient) -> None:
    [sid] = await plan(app)
    await plan(app, title="Not mine", start=soon(9))
    feeds = app.service(FeedService)
    async with app.db.begin() as session:
        await app.service(RsvpService).rsvp(session, sid, MEMBER, "going")
        token = await feeds.issue_token(session, MEMBER)
    answer = await client.get(f"/calendar/me/{token}.ics")
    assert answer.status_code == 200 and answer.headers["cache-control"].startswith("private")
    assert answer.headers["x-robots-tag"] == "noindex"
    [mine] = read_feed(answer.content)[1]
    assert mine.uid == f"session-{sid}@sse-bot" and mine.url == "https://zoom.us/j/123"  # the join link: personal
    assert (await client.get(f"/calendar/me/{token}.ics", headers={"If-None-Match": answer.headers["etag"]})
            ).status_code == 304
    async with app.db.begin() as session:
        new = await feeds.issue_token(session, MEMBER)  # /session feed reset
    revoked = await client.get(f"/calendar/me/{token}.ics")
    unknown = await client.get(f"/calendar/me/{'A' * len(token)}.ics")
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content and revoked.headers == unknown.headers
    assert (await client.get(f"/calendar/me/{new}.ics")).status_code == 200


async def test_the_personal_feed_is_named_in_the_members_language(app: App, client: httpx.AsyncClient) -> None:
    from db.preferences import update_preferences

    async with app.db.begin() as session:
        await update_preferences(session, MEMBER, language="vi")
        token = await app.service(FeedService).issue_token(session, MEMBER)
    cal, _ = read_feed((await client.get(f"/calendar/me/{token}.ics", headers={"Accept-Language": "ja"})).content)
    assert cal.x_wr_calname.value == said("vi", "My SSE community sessions") != "My SSE community sessions"
