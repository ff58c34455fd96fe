"""The example programme shipped in content/sessions/ imports as `sessions import` reads it, and
the calendar files it yields pass a strict RFC 5545 reader of our own and show, in three independent
calendar parsers, exactly the sessions the bot planned (tests/ical_check.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.permissions import Actor
from cogs.sessions.calendar import ics_for
from cogs.sessions.importer import load_programme
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from tests.ical_check import assert_calendar_shows, parse_strict

EXAMPLE = Path(__file__).resolve().parent.parent / "content" / "sessions" / "example-programme.yaml"
BEFORE = datetime(2027, 6, 1, tzinfo=UTC)  # the example's dates are in late 2027


async def test_the_example_programme_imports_and_its_calendars_parse(app: App) -> None:
    drafts = load_programme(EXAMPLE)
    assert len(drafts) == 7
    planning = app.service(PlanningService)
    async with app.db.begin() as session:
        planned = await planning.import_programme(session, Actor.cli(), drafts, now=BEFORE)
    assert len(planned) == 6 + 3  # the course and a monthly clinic of three
    assert {v.timezone for v in planned} == {"Asia/Bangkok", "Asia/Ulaanbaatar", "Asia/Bishkek"}
    assert all(v.join_url is None for v in planned)  # no meeting links, real or made up
    for v in planned:  # every start is inside working hours in every audience country
        assert planning.outside_hours(v.start_utc, v.countries) == [], v.title
    readings = app.service(TrainingSessionService)
    async with app.db.begin() as session:
        for v in planned:
            _, data = await ics_for(readings, session, v.id)
            calendar = parse_strict(data)
            [event] = calendar.walk("VEVENT")
            assert event.get("UID") == [f"session-{v.id}@sse-bot"]
            assert [tz.get("TZID") for tz in calendar.walk("VTIMEZONE")] == [[v.timezone]]
            assert_calendar_shows(data, [v])
        clinic = next(v for v in planned if v.series_id is not None)
        _, data = await ics_for(readings, session, clinic.id, whole_series=True)
    assert_calendar_shows(data, [v for v in planned if v.series_id == clinic.series_id])
    [master] = parse_strict(data).walk("VEVENT")
    [rule] = master.get("RRULE")
    assert set(rule.split(";")) >= {"FREQ=MONTHLY", "COUNT=3"}


def test_the_strict_reader_refuses_what_rfc_5545_forbids() -> None:
    good = b"BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    parse_strict(good)
    for bad in (good.replace(b"\r\n", b"\n"), good.replace(b"PRODID:x", b"PRODID:" + b"x" * 80),
                good.replace(b"PRODID:x\r\n", b""), good.replace(b"END:VCALENDAR", b"END:VEVENT")):
        with pytest.raises(AssertionError):
            parse_strict(bad)
