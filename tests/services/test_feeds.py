"""Calendar feeds on a real migrated database, read back with vobject (tests/feed_check.py): which
sessions each feed holds, cancellations, SEQUENCE after an edit, materials added after a session,
the join-link policy and personal feed tokens. Every feed's occurrences are compared with the
sessions stored in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.catalogues import use_language
from bot.errors import NotFound
from bot.permissions import Actor
from cogs.sessions.calendar import ics_for
from cogs.sessions.feeds import Feed, FeedScope, FeedService, token_hash
from cogs.sessions.models import CalendarFeedToken, TrainingSession
from cogs.sessions.parsing import SessionChanges, SessionDraft
from cogs.sessions.planning import PlanningService
from cogs.sessions.privacy import PRIVACY
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.rsvp import RsvpService
from tests.conftest import FACILITATOR_ROLE, said
from tests.feed_check import Occurrence, read_feed, shown

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
EVERY = FeedScope()
FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = 22


def draft(**kw: object) -> SessionDraft:
    base: dict[str, object] = dict(title="Cooperative law clinic", start="2026-12-10 14:00", timezone="Asia/Bangkok",
                                   duration_minutes=90, format="clinic", languages="en, th", countries="TH",
                                   join_url="https://zoom.us/j/123")
    base.update(kw)
    return SessionDraft(**base)  # type: ignore[arg-type]


async def plan(app: App, **kw: object) -> list[int]:
    async with app.db.begin() as session:
        return [v.id for v in await app.service(PlanningService).create(session, FAC, draft(**kw), now=NOW)]


async def feed(app: App, scope: FeedScope = EVERY, *, now: datetime = NOW, language: str | None = "en") -> Feed:
    async with app.db.begin() as session:
        return await app.service(FeedService).build(session, scope, now=now, language=language)


async def stored(app: App, ids: list[int] | None = None) -> list[TrainingSession]:
    async with app.db.begin() as session:
        query = select(TrainingSession).order_by(TrainingSession.start_utc)
        if ids is not None:
            query = query.where(TrainingSession.id.in_(ids))
        return list((await session.scalars(query)).all())


def assert_matches_db(occurrences: list[Occurrence], rows: list[TrainingSession]) -> None:
    """The feed shows every scheduled session at its stored start, and nothing else as happening."""
    assert shown(occurrences) == sorted(r.start_utc for r in rows if r.status == "scheduled")


async def test_the_whole_feed_holds_one_offs_and_series_as_the_database_has_them(app: App) -> None:
    one = await plan(app, title="Fair trade basics", start="2026-12-05 10:00")
    series = await plan(app, title="Cooperative law clinic", repeat="weekly", occurrences=4)
    data = await feed(app)
    cal, occurrences = read_feed(data.body)
    assert_matches_db(occurrences, await stored(app))
    assert len(occurrences) == 5
    uids = {o.uid for o in occurrences}
    row = (await stored(app, series))[0]
    assert uids == {f"session-{one[0]}@sse-bot", f"series-{row.series_id}@sse-bot"}
    assert cal.x_wr_calname.value == "SSE community sessions"
    assert cal.contents["refresh-interval"][0].value == "PT1H" and cal.x_published_ttl.value == "PT1H"
    assert data.etag.startswith('"') and data.events == 2


async def test_the_uids_are_those_of_the_per_session_and_per_series_files(app: App) -> None:
    [one] = await plan(app, start="2026-12-05 10:00")
    series = await plan(app, repeat="weekly", occurrences=3)
    async with app.db.begin() as session:
        _, single = await ics_for(app.service(TrainingSessionService), session, one)
        _, whole = await ics_for(app.service(TrainingSessionService), session, series[0], whole_series=True)
    _, in_feed = read_feed((await feed(app)).body)
    _, from_files = read_feed(single)
    _, from_series = read_feed(whole)
    assert {o.uid for o in in_feed} == {o.uid for o in from_files + from_series}
    assert [o.start_utc for o in in_feed] == sorted(o.start_utc for o in from_files + from_series)


async def test_country_language_series_and_session_feeds_select_their_sessions(app: App) -> None:
    [thai] = await plan(app, title="Thai only", countries="TH", languages="th", start="2026-12-05 10:00")
    [everyone] = await plan(app, title="For every country", countries=None, languages="en", start="2026-12-06 10:00")
    [viet] = await plan(app, title="Viet Nam", countries="VN", languages="vi", start="2026-12-07 10:00")
    series = await plan(app, title="Mongolian series", countries="MN", languages="mn", repeat="weekly", occurrences=3)

    def titles(occurrences: list[Occurrence]) -> set[str]:
        return {o.summary.split(" (")[0] for o in occurrences}

    _, th = read_feed((await feed(app, FeedScope("country", "TH"))).body)
    assert titles(th) == {"Thai only", "For every country"}  # a session for every country is in each one's feed
    assert_matches_db(th, await stored(app, [thai, everyone]))
    _, vi = read_feed((await feed(app, FeedScope("language", "vi"))).body)
    assert titles(vi) == {"Viet Nam"}
    assert_matches_db(vi, await stored(app, [viet]))
    rows = await stored(app, series)
    _, mn = read_feed((await feed(app, FeedScope("series", rows[0].series_id))).body)
    assert_matches_db(mn, rows)
    _, single = read_feed((await feed(app, FeedScope("session", viet))).body)
    assert [o.uid for o in single] == [f"session-{viet}@sse-bot"]


async def test_unknown_scopes_are_not_found(app: App) -> None:
    service = app.service(FeedService)
    for kind, value in [("country", "XX"), ("language", "klingon"), ("series", "abc"), ("session", "-1")]:
        with pytest.raises(NotFound):
            service.check_scope(kind, value)  # type: ignore[arg-type]
    for scope in (FeedScope("series", 999), FeedScope("session", 999)):
        with pytest.raises(NotFound):
            await feed(app, scope)
    assert service.check_scope("country", "th") == FeedScope("country", "TH")


async def test_cancelled_sessions_stay_in_the_feed_as_cancelled(app: App) -> None:
    [one] = await plan(app, start="2026-12-05 10:00")
    series = await plan(app, repeat="weekly", occurrences=4)
    before = {o.uid: o.sequence for o in read_feed((await feed(app)).body)[1]}
    async with app.db.begin() as session:
        await app.service(PlanningService).cancel(session, FAC, one, reason="speaker ill", now=NOW)
        await app.service(PlanningService).cancel(session, FAC, series[2], now=NOW)
    data = await feed(app)
    _, occurrences = read_feed(data.body)
    assert_matches_db(occurrences, await stored(app))
    single = next(o for o in occurrences if o.uid == f"session-{one}@sse-bot")
    assert single.status == "CANCELLED" and single.sequence > before[single.uid]
    cancelled = (await stored(app, [series[2]]))[0]
    assert cancelled.start_utc not in [o.start_utc for o in occurrences]  # an EXDATE of the series
    assert b"EXDATE" in data.body


async def test_an_edit_bumps_the_sequence_and_changes_the_etag(app: App) -> None:
    [sid] = await plan(app)
    first = await feed(app)
    again = await feed(app)
    assert again.body == first.body and again.etag == first.etag  # nothing changed: the same bytes
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sid, SessionChanges(title="Renamed",
                                                                                 start="2026-12-11 15:00"), now=NOW)
    second = await feed(app)
    [a] = read_feed(first.body)[1]
    [b] = read_feed(second.body)[1]
    assert a.uid == b.uid and b.sequence > a.sequence
    assert b.summary.startswith("Renamed") and b.start_utc == datetime(2026, 12, 11, 8, 0, tzinfo=UTC)
    assert second.etag != first.etag


async def test_a_session_stays_180_days_with_materials_added_afterwards(app: App) -> None:
    [sid] = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).add_materials(session, FAC, sid, recording="https://youtu.be/abc",
                                                         slides="https://example.org/slides.pdf")
    later = NOW + timedelta(days=100)
    [occurrence] = read_feed((await feed(app, now=later)).body)[1]
    assert "Recording: https://youtu.be/abc" in occurrence.description
    assert "Slides: https://example.org/slides.pdf" in occurrence.description
    assert occurrence.sequence >= 1
    assert read_feed((await feed(app, now=NOW + timedelta(days=200))).body)[1] == []


async def test_public_feeds_leave_join_links_out_unless_configured(app: App) -> None:
    [sid] = await plan(app, description="Bring your questions.")
    series = await plan(app, repeat="weekly", occurrences=3, start="2026-12-12 09:00")
    public = await feed(app)
    assert b"zoom.us" not in public.body
    _, occurrences = read_feed(public.body)
    assert all("/session info" in o.description and o.url is None for o in occurrences)
    assert len({o.uid for o in occurrences}) == 2 and len(occurrences) == 4  # the note makes no overrides
    config = app.config.model_copy(update={"web": app.config.web.model_copy(update={"publish_join_links": True})})
    async with app.db.begin() as session:
        published = await FeedService(config).build(session, FeedScope(), now=NOW, language="en")
    _, with_links = read_feed(published.body)
    assert all(o.url == "https://zoom.us/j/123" for o in with_links)
    async with app.db.begin() as session:
        await app.service(RsvpService).rsvp(session, sid, MEMBER, "going", now=NOW)
        await app.service(RsvpService).rsvp(session, series[1], MEMBER, "interested", now=NOW)
    _, mine = read_feed((await feed(app, FeedScope("member", MEMBER))).body)
    assert [o.uid for o in mine] == [f"session-{sid}@sse-bot", f"session-{series[1]}@sse-bot"]
    assert all(o.url == "https://zoom.us/j/123" and "Join: https://zoom.us/j/123" in o.description for o in mine)


async def test_the_personal_feed_holds_going_and_interested_not_declined(app: App) -> None:
    going, interested, declined, other = [(await plan(app, start=f"2026-12-0{d} 10:00"))[0] for d in (5, 6, 7, 8)]
    async with app.db.begin() as session:
        for sid, status in ((going, "going"), (interested, "interested"), (declined, "declined")):
            await app.service(RsvpService).rsvp(session, sid, MEMBER, status, now=NOW)
        await app.service(RsvpService).rsvp(session, other, 99, "going", now=NOW)
        await app.service(PlanningService).cancel(session, FAC, interested, now=NOW)
    data = await feed(app, FeedScope("member", MEMBER), language=None)
    cal, mine = read_feed(data.body)
    assert [o.uid for o in mine] == [f"session-{going}@sse-bot", f"session-{interested}@sse-bot"]
    assert [o.status for o in mine] == ["CONFIRMED", "CANCELLED"]
    assert data.personal and cal.x_wr_calname.value == "My SSE community sessions"


async def test_the_calendar_name_is_in_the_feed_language(app: App) -> None:
    await plan(app)
    thai = await feed(app, FeedScope("language", "th"), language="th")
    cal, _ = read_feed(thai.body)
    with use_language("th"):
        from bot.catalogues import language_name
        expected = said("th", "SSE community sessions in {language}", language=language_name("th"))
    assert cal.x_wr_calname.value == expected and expected != "SSE community sessions in Thai"
    cal, _ = read_feed((await feed(app, FeedScope("country", "TH"), language="km")).body)
    assert cal.x_wr_calname.value == said("km", "SSE community sessions: {country}", country="Thailand")


async def test_tokens_are_stored_as_hashes_reset_revokes_and_forget_deletes(app: App) -> None:
    service = app.service(FeedService)
    async with app.db.begin() as session:
        token = await service.issue_token(session, MEMBER)
    async with app.db.begin() as session:
        row = await session.get(CalendarFeedToken, MEMBER)
        assert row is not None and row.token_hash == token_hash(token) and token not in (row.token, row.token_hash)
        assert await service.member_of(session, token) == MEMBER
        assert len(token) >= 43
        new = await service.issue_token(session, MEMBER)
    async with app.db.begin() as session:
        for bad in (token, "x" * 43, "", "../../etc/passwd"):
            with pytest.raises(NotFound) as err:
                await service.member_of(session, bad)
            assert err.value.message == "No such calendar feed."
        assert await service.member_of(session, new) == MEMBER
        assert ("calendar_feed_tokens", "user_id") in PRIVACY.columns
        exported = await PRIVACY.export(session, MEMBER)
        assert exported["personal_calendar_feed"] is True and new not in str(exported)
        await PRIVACY.forget(session, MEMBER)
    async with app.db.begin() as session:
        with pytest.raises(NotFound):
            await service.member_of(session, new)


async def test_times_are_utc_where_the_zone_never_shifts_and_keep_their_zone_across_daylight_saving(app: App) -> None:
    await plan(app, timezone="Europe/Berlin", start="2027-03-20 10:00")  # one-off: UTC
    await plan(app, repeat="weekly", occurrences=3)  # Bangkok never shifts: UTC
    await plan(app, timezone="Europe/Berlin", start="2027-03-17 10:00", repeat="weekly", occurrences=3)
    data = (await feed(app)).body
    _, occurrences = read_feed(data)
    assert_matches_db(occurrences, await stored(app))
    by_uid = {o.uid for o in occurrences}
    assert len(by_uid) == 3
    assert b"TZID=Europe/Berlin" in data and b"BEGIN:VTIMEZONE" in data and b"TZID=Asia/Bangkok" not in data
    berlin = [o.start_utc for o in occurrences if o.start_utc.month == 3 and o.start_utc.year == 2027
              and o.uid.startswith("series-")]
    assert [t.hour for t in berlin] == [9, 9, 8]  # 10:00 in Berlin: CET, CET, then CEST from 28 March


async def test_only_a_series_across_daylight_saving_keeps_its_time_zone(app: App) -> None:
    await plan(app, timezone="Europe/Berlin", start="2027-03-20 10:00")
    await plan(app, repeat="weekly", occurrences=3)
    data = (await feed(app)).body
    assert b"TZID" not in data and b"BEGIN:VTIMEZONE" not in data  # every time in UTC (…Z)
    _, occurrences = read_feed(data)
    assert_matches_db(occurrences, await stored(app))
    await plan(app, timezone="Europe/Berlin", start="2027-03-17 10:00", repeat="weekly", occurrences=3)
    data = (await feed(app)).body
    assert b"DTSTART;TZID=Europe/Berlin:20270317T100000" in data and b"TZID:Europe/Berlin" in data
    assert b"TZID=Asia/Bangkok" not in data


TEXTS = [
    "Cooperative law clinic",
    "Comma, semicolon; backslash \\ and a literal \\N and \\n, all in one",
    "สหกรณ์และวิสาหกิจเพื่อสังคม: กฎหมายใหม่ที่สมาชิกควรรู้ ถามตอบกับผู้เชี่ยวชาญจากกระทรวง",
    "សហករណ៍ និងសេដ្ឋកិច្ចសង្គម និងសាមគ្គីភាព៖ ច្បាប់ថ្មីសម្រាប់សមាជិក",
    "合作社法律诊所：新法对成员的影响，以及问答时间",
    "x" * 60 + "\\" + "y" * 30,  # a backslash where a line folds
    "a" * 66 + "é\\,z" * 12,
]


@pytest.mark.parametrize("title", TEXTS)
async def test_the_feeds_fast_event_writer_gives_the_bytes_icalendar_writes(app: App, title: str) -> None:
    """The feeds write one-off sessions' events directly (a cold feed of 1,000 sessions was mostly
    icalendar's serialiser): the bytes must be those of calendar.py's icalendar event, for every kind
    of text that escapes or folds, with and without a join link, description and materials."""
    import dataclasses

    from cogs.sessions.calendar import session_event, session_event_bytes

    [sid] = await plan(app, title=title[:100], description=f"{title}\r\nSecond line\rthird\n\nlast")
    async with app.db.begin() as session:
        info = await app.service(TrainingSessionService).get(session, sid)
    stamp = datetime(2026, 12, 1, 3, 4, 5, 678, tzinfo=UTC)
    variants = [
        info,
        dataclasses.replace(info, join_url=None, description=""),
        dataclasses.replace(info, status="cancelled", sequence=7, recording_url="https://youtu.be/a,b;c",
                            slides_url="https://example.org/" + "s" * 80, join_url="https://zoom.us/j/1?pwd=a,b;c"),
        dataclasses.replace(info, title=title, format="webinar", description=title * 3),
    ]
    for variant in variants:
        in_utc = dataclasses.replace(variant, timezone="UTC")
        assert session_event_bytes(in_utc, stamp=stamp) == session_event(in_utc, stamp=stamp).to_ical()


@pytest.mark.parametrize("title", [TEXTS[1], TEXTS[2], TEXTS[5]])
async def test_the_fast_series_writer_gives_the_bytes_icalendar_writes(app: App, title: str) -> None:
    """A series in UTC with an occurrence cancelled (EXDATE), one moved and one retitled (overrides
    with RECURRENCE-ID), materials on another: the directly written events are icalendar's bytes."""
    from cogs.sessions.calendar import series_event_bytes, series_events

    ids = await plan(app, title=title[:100], timezone="UTC", repeat="weekly", occurrences=6,
                     description=title + "\nMore")
    planning = app.service(PlanningService)
    async with app.db.begin() as session:
        await planning.cancel(session, FAC, ids[1], now=NOW)
        await planning.edit(session, FAC, ids[2], SessionChanges(start="2026-12-24 16:30"), now=NOW)
        await planning.edit(session, FAC, ids[3], SessionChanges(title="Another, title; here"), now=NOW)
        await planning.add_materials(session, FAC, ids[4], recording="https://youtu.be/x,y", slides=None)
    async with app.db.begin() as session:
        infos = await app.service(TrainingSessionService).get_many(session, ids)
    rows = {r.id: r.original_start_utc for r in await stored(app, ids)}
    stamp = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)
    series = list(infos.values())
    written = series_event_bytes(series, rows, stamp=stamp)
    assert written == [event.to_ical() for event in series_events(series, rows, stamp=stamp)]
    assert len(written) == 4  # the series, and the moved, retitled and recorded occurrences
    assert written[0].count(b"\r\nEXDATE:") == 1


@pytest.mark.parametrize("length", [60, 73, 74, 75, 76, 147, 148, 149, 300])
@pytest.mark.parametrize("tail", ["x", "\\", "^", ",", "é", "ສ"])
async def test_the_fast_writer_folds_as_icalendar_at_every_length(app: App, length: int, tail: str) -> None:
    import dataclasses

    from cogs.sessions.calendar import session_event, session_event_bytes

    [sid] = await plan(app, join_url=None)
    async with app.db.begin() as session:
        info = await app.service(TrainingSessionService).get(session, sid)
    stamp = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)
    for at in range(length - 3, length + 1):  # the escape or wide character at each place near a fold
        description = ("d" * at + tail * 3 + "e" * 200)[:length * 2]
        variant = dataclasses.replace(info, timezone="UTC", description=description)
        assert session_event_bytes(variant, stamp=stamp) == session_event(variant, stamp=stamp).to_ical()
