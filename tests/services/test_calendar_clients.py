"""The bot's .ics files as members' calendars show them: each file is read by three parsers that
are not the library that wrote it (Mozilla's ical.js, recurring-ical-events, vobject; see
tests/ical_check.py) and every occurrence they show (start in UTC, status, summary, join link,
materials) is compared with the bot's own list of sessions. One test per bug found that way."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.permissions import Actor
from cogs.sessions.calendar import ics_for
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.parsing import SessionChanges, SessionDraft
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from tests.conftest import FACILITATOR_ROLE
from tests.ical_check import assert_calendar_shows, occurrences_recurring_ical_events

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))


def draft(**kw: object) -> SessionDraft:
    base: dict[str, object] = dict(title="Cooperative law clinic", start="2026-12-10 14:00", timezone="Asia/Bangkok",
                                   duration_minutes=90, format="clinic", languages="en, th", countries="TH, VN",
                                   join_url="https://zoom.us/j/123", repeat="weekly", occurrences=4)
    base.update(kw)
    return SessionDraft(**base)  # type: ignore[arg-type]


async def plan(app: App, **kw: object) -> list[TrainingSessionInfo]:
    async with app.db.begin() as session:
        return await app.service(PlanningService).create(session, FAC, draft(**kw), now=NOW)


async def series_file(app: App, any_id: int) -> tuple[bytes, list[TrainingSessionInfo]]:
    """The series' .ics as /session ics series:true sends it, and the bot's own list of its sessions."""
    reading = app.service(TrainingSessionService)
    async with app.db.begin() as session:
        _, data = await ics_for(reading, session, any_id, whole_series=True)
        info = await reading.get(session, any_id)
        assert info.series_id is not None
        return data, await reading.series(session, info.series_id)


async def session_file(app: App, session_id: int) -> tuple[bytes, list[TrainingSessionInfo]]:
    reading = app.service(TrainingSessionService)
    async with app.db.begin() as session:
        _, data = await ics_for(reading, session, session_id)
        return data, [await reading.get(session, session_id)]


async def test_cancelling_the_first_occurrence_cancels_only_that_one(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).cancel(session, FAC, sessions[0].id, now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert [v.cancelled for v in infos] == [True, False, False, False]
    assert_calendar_shows(data, infos)  # three sessions, on 17, 24 and 31 December, none cancelled


async def test_cancelling_a_later_occurrence_and_the_whole_series(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).cancel(session, FAC, sessions[2].id, now=NOW)
    assert_calendar_shows(*await series_file(app, sessions[0].id))
    async with app.db.begin() as session:
        await app.service(PlanningService).cancel(session, FAC, sessions[0].id, scope="series", now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert all(v.cancelled for v in infos)
    assert_calendar_shows(data, infos)  # nothing left to attend


async def test_moving_only_the_first_occurrence_leaves_the_others_where_they_were(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[0].id, SessionChanges(start="2026-12-11 09:00"),
                                                now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert [v.start_utc.day for v in infos] == [11, 17, 24, 31]
    assert_calendar_shows(data, infos)


async def test_moving_a_later_occurrence_writes_an_override(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[1].id, SessionChanges(start="2026-12-18 16:00"),
                                                now=NOW)
        await app.service(PlanningService).edit(session, FAC, sessions[3].id, SessionChanges(title="Closing clinic"),
                                                now=NOW)
    assert_calendar_shows(*await series_file(app, sessions[0].id))


async def test_moving_the_whole_series_leaves_no_stale_overrides(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[0].id, SessionChanges(start="2026-12-10 16:00"),
                                                scope="series", now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert {v.start_utc.hour for v in infos} == {9}
    assert len(occurrences_recurring_ical_events(data)) == 4  # not 7
    assert_calendar_shows(data, infos)


async def test_moving_the_series_from_a_later_occurrence(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[2].id, SessionChanges(start="2026-12-24 10:00"),
                                                scope="series", now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert [v.start_utc.hour for v in infos] == [7, 7, 3, 3]
    assert_calendar_shows(data, infos)


@pytest.mark.parametrize(("zone", "start"), [
    ("America/New_York", "2027-10-26 10:00"),  # summer time ends on 7 November
    ("Europe/Berlin", "2027-10-19 15:00"),  # and on 31 October here
    ("America/New_York", "2027-03-02 10:00"),  # starts on 14 March
    ("Asia/Bangkok", "2027-10-19 15:00"),  # no daylight saving
])
async def test_series_across_a_daylight_saving_change_keeps_its_local_time(app: App, zone: str, start: str) -> None:
    sessions = await plan(app, timezone=zone, start=start, occurrences=5)
    data, infos = await series_file(app, sessions[0].id)
    assert len({v.start_utc.hour for v in infos}) == (1 if zone == "Asia/Bangkok" else 2)  # same wall time, two UTC hours
    assert_calendar_shows(data, infos)
    for v in (infos[0], infos[-1]):  # a one-off file on either side of the change
        assert_calendar_shows(*await session_file(app, v.id))


async def test_a_one_off_session_file(app: App) -> None:
    [one] = await plan(app, repeat=None, occurrences=None)
    assert_calendar_shows(*await session_file(app, one.id))


async def test_the_series_file_carries_the_join_link(app: App) -> None:
    sessions = await plan(app)
    data, infos = await series_file(app, sessions[0].id)
    assert {v.join_url for v in infos} == {"https://zoom.us/j/123"}
    assert_calendar_shows(data, infos)


async def test_materials_belong_to_the_occurrence_they_were_added_to(app: App) -> None:
    sessions = await plan(app)
    async with app.db.begin() as session:
        await app.service(PlanningService).add_materials(session, FAC, sessions[0].id,
                                                         recording="https://youtu.be/first-clinic", slides=None)
        await app.service(PlanningService).add_materials(session, FAC, sessions[2].id, recording=None,
                                                         slides="https://example.org/third-clinic.pdf")
    data, infos = await series_file(app, sessions[0].id)
    assert_calendar_shows(data, infos)


async def test_a_join_link_added_later_reaches_every_occurrence(app: App) -> None:
    sessions = await plan(app, join_url=None)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[1].id,
                                                SessionChanges(join_url="https://meet.jit.si/sse-clinic"),
                                                scope="series", now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert [v.join_url for v in infos] == [None] + ["https://meet.jit.si/sse-clinic"] * 3
    assert_calendar_shows(data, infos)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[0].id,
                                                SessionChanges(join_url="https://meet.jit.si/sse-clinic"), now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    assert_calendar_shows(data, infos)


@pytest.mark.parametrize(("zone", "start", "moved"), [
    ("America/New_York", "2027-10-19 10:00", "2027-11-09 10:00"),  # moved three weeks, over the change of 7 November
    ("Europe/Berlin", "2027-03-16 15:00", "2027-03-30 16:30"),  # over the change of 28 March, and later in the day
])
async def test_moving_a_series_over_a_daylight_saving_change_keeps_every_local_time(
        app: App, zone: str, start: str, moved: str) -> None:
    sessions = await plan(app, timezone=zone, start=start)
    async with app.db.begin() as session:
        await app.service(PlanningService).edit(session, FAC, sessions[0].id, SessionChanges(start=moved),
                                                scope="series", now=NOW)
    data, infos = await series_file(app, sessions[0].id)
    wall = moved.split()[1]
    assert [v.start_utc.astimezone(ZoneInfo(zone)).strftime("%H:%M") for v in infos] == [wall] * 4
    assert_calendar_shows(data, infos)
    assert len(occurrences_recurring_ical_events(data)) == 4
