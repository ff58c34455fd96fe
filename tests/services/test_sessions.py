"""Sessions, series, RSVPs, the reminder outbox and calendars, on a real migrated database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.app import App
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.calendar import ics_for
from cogs.sessions.parsing import SessionChanges, SessionDraft
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.reminders import ReminderService
from cogs.sessions.rsvp import RsvpService
from tests.conftest import FACILITATOR_ROLE

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = Actor(user_id=22)


def draft(**kw: object) -> SessionDraft:
    base: dict[str, object] = dict(title="Cooperative law clinic", start="2026-12-10 14:00", timezone="Asia/Bangkok",
                                   duration_minutes=90, format="clinic", languages="en, th", countries="TH, VN",
                                   join_url="https://zoom.us/j/123", capacity=2)
    base.update(kw)
    return SessionDraft(**base)  # type: ignore[arg-type]


async def test_create_reads_local_time_in_the_given_zone_and_plans_reminders(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        status = await app.service(ReminderService).status(session, training_session.id)
    assert training_session.start_utc == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)  # 14:00 in Bangkok is 07:00 UTC
    assert training_session.end_utc - training_session.start_utc == timedelta(minutes=90)
    assert training_session.languages == ("en", "th") and training_session.countries == ("TH", "VN")
    assert [(k, o) for k, o, _ in status] == [("channel", 1440), ("channel", 60), ("channel", 0), ("followup", -105)]


async def test_only_facilitators_plan_sessions(app: App) -> None:
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await app.service(PlanningService).create(session, MEMBER, draft(), now=NOW)


@pytest.mark.parametrize(("changes", "message"), [
    ({"start": "2026-11-30 10:00"}, "in the past"),
    ({"start": "next tuesday"}, "no time"),
    ({"start": "whenever suits"}, "couldn't read"),
    ({"timezone": "Mars/Olympus"}, "don't know the time zone"),
    ({"title": "x" * 10_000}, "too long"),
    ({"title": " \u200b "}, "empty"),
    ({"duration_minutes": 0}, "duration"),
    ({"join_url": "javascript:alert(1)"}, "https://"),
    ({"repeat": "monthly", "start": "2026-12-30 10:00"}, "day 1–28"),
    ({"countries": "Atlantis"}, "country"),
    ({"timezone": "America/New_York", "start": "2027-03-14 02:30"}, "does not exist"),
    ({"timezone": "America/New_York", "start": "2027-11-07 01:30"}, "happens twice"),
])
async def test_bad_input_is_refused_clearly_and_nothing_is_stored(app: App, changes: dict[str, object],
                                                                  message: str) -> None:
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput) as err:
            await app.service(PlanningService).create(session, FAC, draft(**changes), now=NOW)
    assert message in err.value.message
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).upcoming(session, now=NOW)).total == 0


async def test_weekly_series_keeps_local_wall_time_and_edits_one_or_all(app: App) -> None:
    async with app.db.begin() as session:
        training_sessions = await app.service(PlanningService).create(session, FAC, draft(repeat="weekly", occurrences=3), now=NOW)
    assert [v.start_utc.day for v in training_sessions] == [10, 17, 24]
    assert {v.start_utc.hour for v in training_sessions} == {7}
    async with app.db.begin() as session:
        one = await app.service(PlanningService).edit(session, FAC, training_sessions[1].id, SessionChanges(title="Special edition"), now=NOW)
        assert [v.title for v in one.training_sessions] == ["Special edition"]
        every = await app.service(PlanningService).edit(session, FAC, training_sessions[0].id, SessionChanges(start="2026-12-10 15:00"),
                                        scope="series", now=NOW)
    assert [v.start_utc.hour for v in every.training_sessions] == [8, 8, 8]
    assert every.time_changed
    async with app.db.begin() as session:
        series = await app.service(TrainingSessionService).series(session, training_sessions[0].series_id or 0)
    assert [v.title for v in series] == ["Cooperative law clinic", "Special edition", "Cooperative law clinic"]


async def test_rsvp_is_counted_once_however_often_it_is_clicked_and_respects_capacity(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
    for _ in range(3):
        async with app.db.begin() as session:
            result = await app.service(RsvpService).rsvp(session, training_session.id, 101, "going", now=NOW)
    assert result.info.rsvp.going == 1 and not result.changed
    async with app.db.begin() as session:
        await app.service(RsvpService).rsvp(session, training_session.id, 102, "going", now=NOW)
        with pytest.raises(InvalidInput, match="full"):
            await app.service(RsvpService).rsvp(session, training_session.id, 103, "going", now=NOW)
    async with app.db.begin() as session:
        changed = await app.service(RsvpService).rsvp(session, training_session.id, 101, "declined", now=NOW)
    assert changed.previous == "going" and changed.info.rsvp.going == 1 and changed.info.rsvp.declined == 1


async def test_a_due_reminder_is_handed_to_the_outbox_once_with_a_dm_per_member(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        await app.service(RsvpService).rsvp(session, training_session.id, 101, "going", now=NOW)
        await app.service(RsvpService).rsvp(session, training_session.id, 102, "declined", now=NOW)
        # announced, so the channel reminder has somewhere to go
        await app.service(TrainingSessionService).mark_announced(session, training_session.id, 555, 777)
    due_time = training_session.start_utc - timedelta(minutes=60)
    reminders = app.service(ReminderService)
    async with app.db.begin() as session:
        due = await reminders.take_due(session, training_session.id, now=due_time)
        # two instances ticking at once: the second hands over nothing
        first = await reminders.hand_over(session, app.outbox, due, now=due_time)
        second = await reminders.hand_over(session, app.outbox, due, now=due_time)
    # the 24 h reminder fell due 23 h earlier: far outside the grace window, so skipped
    assert [d.offset_minutes for d in due] == [60]
    assert sorted(first) == sorted([f"sessions:reminder:{due[0].id}", f"sessions:reminder-dm:{due[0].id}:101"])
    assert second == []
    async with app.db.begin() as session:
        status = {(k, o): s for k, o, s in await reminders.status(session, training_session.id)}
        queued = await app.outbox.claim(session, "test", now=due_time)
    assert status[("channel", 1440)] == "skipped" and status[("channel", 60)] == "sent"
    reminders_queued = [r for r in queued if r.kind.startswith("sessions.reminder")]
    assert sorted((r.channel_id or 0, r.user_id or 0) for r in reminders_queued) == [(0, 101), (555, 0)]


async def test_ics_has_stable_uid_and_sequence_grows_on_edit(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        name, first = await ics_for(app.service(TrainingSessionService), session, training_session.id)
        await app.service(PlanningService).edit(session, FAC, training_session.id, SessionChanges(title="Renamed"), now=NOW)
        _, second = await ics_for(app.service(TrainingSessionService), session, training_session.id)
    a = next(c for c in Calendar.from_ical(first).walk("VEVENT"))
    b = next(c for c in Calendar.from_ical(second).walk("VEVENT"))
    assert name == f"sse-session-{training_session.id}.ics"
    assert str(a["UID"]) == str(b["UID"]) == f"session-{training_session.id}@sse-bot"
    assert int(b["SEQUENCE"]) > int(a["SEQUENCE"])
    assert "Renamed" in str(b["SUMMARY"])
    assert a.decoded("DTSTART") == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)


async def test_series_ics_is_one_rrule_event_with_overrides_and_exdates(app: App) -> None:
    async with app.db.begin() as session:
        training_sessions = await app.service(PlanningService).create(session, FAC, draft(repeat="biweekly", occurrences=4), now=NOW)
        await app.service(PlanningService).cancel(session, FAC, training_sessions[2].id, now=NOW)
        await app.service(PlanningService).edit(session, FAC, training_sessions[1].id, SessionChanges(start="2026-12-24 16:00"), now=NOW)
        _, data = await ics_for(app.service(TrainingSessionService), session, training_sessions[0].id, whole_series=True)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert str(master["UID"]) == f"series-{training_sessions[0].series_id}@sse-bot"
    rule = master["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2] and rule["COUNT"] == [4]
    assert "EXDATE" in master
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(overrides) == 1 and overrides[0].decoded("DTSTART").hour == 16
    assert list(cal.walk("VTIMEZONE"))


async def test_proposed_times_flag_hours_outside_the_working_day(app: App) -> None:
    _, _, times = app.service(PlanningService).proposed_times("2026-12-10 16:30", "Asia/Bangkok")
    by_country = {t.country: t for t in times}
    assert by_country["KG"].local.hour == 15 and not by_country["KG"].outside_working_hours
    assert by_country["JP"].local.hour == 18 and by_country["JP"].outside_working_hours
    assert times[0].country == "KG" and times[-1].country in ("JP", "KR")


async def test_materials_become_catalogue_entries(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        updated, resources = await app.service(PlanningService).add_materials(
            session, FAC, training_session.id, recording="https://youtu.be/abc", slides=None)
    assert updated.recording_url == "https://youtu.be/abc"
    assert [(r.id, r.type, r.url) for r in resources] == [(f"session-{training_session.id}-recording", "recording",
                                                          "https://youtu.be/abc")]


async def test_feedback_only_once_and_only_from_who_attended(app: App) -> None:
    attendance = app.service(AttendanceService)
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        await app.service(RsvpService).rsvp(session, training_session.id, 101, "going", now=NOW)
    sid = training_session.id
    after = training_session.end_utc + timedelta(minutes=20)
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await attendance.submit_feedback(session, sid, 101, 5, "great", now=after)
        await attendance.record_attendance(session, Actor(101), sid, 101, now=after)
        await attendance.submit_feedback(session, sid, 101, "4", "useful", now=after)
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput, match="already"):
            await attendance.submit_feedback(session, sid, 101, 5, None, now=after)
        assert await attendance.feedback_summary(session, FAC, sid) == (1, 4.0)


async def test_only_members_the_session_expected_record_their_attendance(app: App) -> None:
    attendance = app.service(AttendanceService)
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        await app.service(RsvpService).rsvp(session, training_session.id, 102, "declined", now=NOW)
    sid = training_session.id
    after = training_session.end_utc + timedelta(minutes=20)
    for stranger in (101, 102):  # no RSVP at all; "can't go"
        async with app.db.begin() as session:
            with pytest.raises(NotAllowed, match="RSVPed"):
                await attendance.record_attendance(session, Actor(stranger), sid, stranger, now=after)
            with pytest.raises(NotAllowed):
                await attendance.submit_feedback(session, sid, stranger, 5, None, now=after)
    async with app.db.begin() as session:
        # a facilitator's record counts: the member may then answer for themselves and rate it
        await attendance.record_attendance(session, FAC, sid, 103, now=after)
        await attendance.record_attendance(session, Actor(103), sid, 103, now=after)
        await attendance.submit_feedback(session, sid, 103, 3, None, now=after)
        assert await attendance.attended(session, FAC, sid) == [103]
        assert await attendance.feedback_summary(session, FAC, sid) == (1, 3.0)


async def test_upcoming_filters_by_country_and_language_and_pages(app: App) -> None:
    async with app.db.begin() as session:
        await app.service(PlanningService).create(session, FAC, draft(title="For everyone", countries=None, languages="en"), now=NOW)
        await app.service(PlanningService).create(session, FAC, draft(title="Mongolia only", countries="MN", languages="mn, ru",
                                                      start="2026-12-11 10:00"), now=NOW)
        for i in range(3):
            await app.service(PlanningService).create(session, FAC, draft(title=f"Thai {i}", countries="TH", languages="th",
                                                          start=f"2026-12-2{i} 10:00"), now=NOW)
    async with app.db.begin() as session:
        mongolia = await app.service(TrainingSessionService).upcoming(session, now=NOW, country="Монголия")
        russian = await app.service(TrainingSessionService).upcoming(session, now=NOW, language="ru")
        second = await app.service(TrainingSessionService).upcoming(session, now=NOW, page=2, page_size=2)
    assert [v.title for v in mongolia.items] == ["For everyone", "Mongolia only"]
    assert [v.title for v in russian.items] == ["Mongolia only"]
    assert (second.total, second.pages, [v.title for v in second.items]) == (5, 3, ["Thai 0", "Thai 1"])


async def test_simultaneous_going_clicks_never_exceed_capacity(app: App) -> None:
    import asyncio

    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(capacity=2), now=NOW)

    async def click(user_id: int) -> bool:
        try:
            async with app.db.begin() as session:
                await app.service(RsvpService).rsvp(session, training_session.id, user_id, "going", now=NOW)
            return True
        except InvalidInput:
            return False

    results = await asyncio.gather(*(click(200 + i) for i in range(6)))
    async with app.db.begin() as session:
        final = await app.service(TrainingSessionService).get(session, training_session.id)
    assert sum(results) == 2 and final.rsvp.going == 2


async def test_moving_a_session_replans_its_reminders_for_the_new_time(app: App) -> None:
    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
    day_before = training_session.start_utc - timedelta(hours=24)
    async with app.db.begin() as session:
        due = await app.service(ReminderService).take_due(session, training_session.id, now=day_before)
        await app.service(ReminderService).hand_over(session, app.outbox, due, now=day_before)
        moved = await app.service(PlanningService).edit(session, FAC, training_session.id, SessionChanges(start="2026-12-12 09:00"),
                                        now=day_before)
        rows = await app.service(ReminderService).status(session, training_session.id)
        next_due = await app.service(ReminderService).next_due(session, training_session.id)
    new_start = moved.training_sessions[0].start_utc
    assert new_start == datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
    # the 24 h reminder for the old time stays sent; the new time gets its own full set
    assert [(k, o, s) for k, o, s in rows] == [
        ("channel", 1440, "sent"), ("channel", 1440, "pending"), ("channel", 60, "pending"),
        ("channel", 0, "pending"), ("followup", -105, "pending")]
    assert next_due == new_start - timedelta(hours=24)
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput, match="in the past"):
            await app.service(PlanningService).edit(session, FAC, training_session.id, SessionChanges(start="2026-12-01 09:00"), now=day_before)


async def test_privacy_covers_session_records_and_forget_removes_them(app: App) -> None:
    from cogs.privacy.service import PrivacyService
    from db.preferences import get_preferences, update_preferences

    privacy = app.service(PrivacyService)

    async with app.db.begin() as session:
        [training_session] = await app.service(PlanningService).create(session, FAC, draft(), now=NOW)
        await app.service(RsvpService).rsvp(session, training_session.id, 101, "going", now=NOW)
        await update_preferences(session, 101, language="th", timezone="Asia/Bangkok")
    async with app.db.begin() as session:
        summary = await privacy.summary(session, 101)
        exported = await privacy.export(session, 101)
    counts = {line.label: line.count for line in summary.lines}
    assert counts["session RSVPs"] == 1 and counts["language / time zone / reminder preferences, and your Discord language for DMs"] == 1
    assert exported["session_rsvps"][0]["status"] == "going"
    async with app.db.begin() as session:
        forgotten = await privacy.forget(session, 101)
    assert dict(forgotten.per_capability)["sessions"] == 1
    async with app.db.begin() as session:
        after = await privacy.summary(session, 101)
        assert after.lines == ()
        assert (await get_preferences(session, 101)).language is None
        assert (await app.service(TrainingSessionService).get(session, training_session.id)).rsvp.going == 0
