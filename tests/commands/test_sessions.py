"""Sessions through the real discord.py code path: commands, persistent buttons, reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from cogs.digest.jobs import post_digest
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.reminders import ReminderService
from offline import OfflineDiscord, boot_offline
from tests.conftest import ANNOUNCEMENTS, GUILD_ID, base_config, said


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["reminders"] = {"dm_per_second": 50, "grace_minutes": 30}
    return data


def in_days(days: int, hour: int = 14, zone: str = "Asia/Bangkok") -> str:
    local = datetime.now(ZoneInfo(zone)) + timedelta(days=days)
    return local.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


async def create(gw: OfflineDiscord, **options: Any) -> Any:
    opts: dict[str, Any] = {"title": "Cooperative law clinic", "start": in_days(3), "timezone": "Asia/Bangkok",
                            "duration": 90, "join_link": "https://zoom.us/j/123", "languages": "en, th"}
    opts.update(options)
    return await gw.slash("session create", user=gw.facilitator_id, **opts)


def announcements(gw: OfflineDiscord) -> list[dict[str, Any]]:
    return [m for m in gw.messages.values() if int(m["channel_id"]) == ANNOUNCEMENTS and m["embeds"]]


def channel_posts(gw: OfflineDiscord) -> list[str]:
    """Plain (not ephemeral, no embed) messages the bot posted in the announcements channel: reminders."""
    return [m["content"] for m in gw.messages.values() if int(m["channel_id"]) == ANNOUNCEMENTS
            and not m["embeds"] and not (m.get("flags") or 0) & 64]


def dms(gw: OfflineDiscord) -> list[tuple[int, str]]:
    """(recipient, content) of every direct message the bot sent."""
    out = []
    for m in gw.messages.values():
        channel = gw.channels.get(int(m["channel_id"]))
        if channel and channel["type"] == 1 and m["author"]["id"] == gw.bot_user["id"]:
            out.append((int(channel["recipients"][0]["id"]), m["content"]))
    return out


def button_id(message: dict[str, Any], label_start: str) -> str:
    for row in message["components"]:
        for c in row["components"]:
            if (c.get("label") or "").startswith(label_start):
                return str(c["custom_id"])
    raise AssertionError(f"no button {label_start!r}")


def labels(message: dict[str, Any]) -> list[str]:
    return [c.get("label") for row in message["components"] for c in row["components"]]


async def session_id(app: App) -> int:
    async with app.db.begin() as session:
        page = await app.service(TrainingSessionService).upcoming(session)
    return page.items[0].id


async def test_create_announces_with_local_timestamps_rsvp_buttons_and_an_event(gw: OfflineDiscord) -> None:
    result = await create(gw)
    assert result.ephemeral and "Planned **Cooperative law clinic**" in result.content
    [msg] = announcements(gw)
    embed = msg["embeds"][0]
    when = next(f["value"] for f in embed["fields"] if f["name"] == "When")
    assert ":F>" in when and ":R>" in when
    assert labels(msg)[:3] == ["Going (0)", "Interested (0)", "Can't go (0)"]
    [event] = gw.scheduled_events.values()
    assert event["name"] == "Cooperative law clinic" and event["entity_type"] == 3
    assert event["entity_metadata"]["location"] == "https://zoom.us/j/123"
    assert datetime.fromisoformat(event["scheduled_end_time"]) - datetime.fromisoformat(
        event["scheduled_start_time"]) == timedelta(minutes=90)


async def test_members_cannot_plan_sessions(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("session create", user=gw.member_id, title="Mine", start=in_days(3),
                            timezone="Asia/Bangkok")
    assert result.ephemeral and "Only facilitators" in result.text
    assert not announcements(gw) and not gw.scheduled_events
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).upcoming(session)).total == 0


@pytest.mark.parametrize(("options", "expected"), [
    ({"start": "2020-01-01 10:00"}, "in the past"),
    ({"start": "tomorrow-ish"}, "couldn't read"),
    ({"timezone": "Asia/Atlantis"}, "don't know the time zone"),
    ({"title": "x" * 10_000}, "too long"),
    ({"title": "@everyone <@&123>", "description": "y" * 10_000}, "too long"),
])
async def test_bad_input_gets_a_clear_private_answer_and_stores_nothing(gw: OfflineDiscord, options: dict[str, Any],
                                                                       expected: str) -> None:
    result = await create(gw, **options)
    assert result.ephemeral and expected in result.text
    assert not announcements(gw)
    assert "@everyone" not in result.text.replace("@\u200beveryone", "")


async def test_rsvp_counts_live_and_a_double_click_counts_once(gw: OfflineDiscord) -> None:
    await create(gw)
    [msg] = announcements(gw)
    going = button_id(msg, "Going")
    first = await gw.click(int(msg["id"]), going, user=gw.member_id)
    assert first.response_type == 7
    assert labels(gw.messages[int(msg["id"])])[:2] == ["Going (1)", "Interested (0)"]
    second = await gw.click(int(msg["id"]), going, user=gw.member_id)
    assert second.ephemeral and "already marked as **Going**" in second.text
    assert labels(gw.messages[int(msg["id"])])[0] == "Going (1)"
    other = gw.add_user("aigerim")
    await gw.click(int(msg["id"]), button_id(msg, "Interested"), user=other)
    assert labels(gw.messages[int(msg["id"])])[:2] == ["Going (1)", "Interested (1)"]


async def test_rsvp_buttons_keep_working_after_a_restart(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    await gw.close()
    _bot, again = await boot_offline(app)
    try:
        again.messages[int(msg["id"])] = msg  # the message is still in the channel after the restart
        result = await again.click(int(msg["id"]), button_id(msg, "Going"), user=again.member_id)
        assert result.response_type == 7
        assert labels(again.messages[int(msg["id"])])[0] == "Going (1)"
    finally:
        await again.close()


async def test_full_session_refuses_more_going(gw: OfflineDiscord) -> None:
    await create(gw, capacity=1)
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    late = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.add_user("late"))
    assert late.ephemeral and "full" in late.text


async def test_edit_moves_the_announcement_event_and_tells_who_rsvped(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    sid = await session_id(app)
    new_start = in_days(4, hour=10)
    result = await gw.slash("session edit", user=gw.facilitator_id, session=str(sid), start=new_start)
    assert result.ephemeral and "1 member who RSVPed is being told" in result.text
    expected = datetime.strptime(new_start, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Asia/Bangkok")).astimezone(UTC)
    [event] = gw.scheduled_events.values()
    assert datetime.fromisoformat(event["scheduled_start_time"]) == expected
    assert f"<t:{int(expected.timestamp())}:F>" in str(gw.messages[int(msg["id"])]["embeds"])
    assert [uid for uid, text in dms(gw) if "was updated" in text] == [gw.member_id]


async def test_cancel_updates_everything_and_stops_reminders(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Interested"), user=gw.member_id)
    sid = await session_id(app)
    result = await gw.slash("session cancel", user=gw.facilitator_id, session=str(sid), reason="Speaker is ill")
    assert result.ephemeral and "Cancelled 1" in result.text
    updated = gw.messages[int(msg["id"])]
    assert updated["embeds"][0]["title"].startswith("Cancelled:") and updated["components"] == []
    assert next(iter(gw.scheduled_events.values()))["status"] == 4
    assert [uid for uid, text in dms(gw) if "cancelled" in text and "Speaker is ill" in text] == [gw.member_id]
    async with app.db.begin() as session:
        states = {state for *_, state in await app.service(ReminderService).status(session, sid)}
    assert states == {"skipped"}
    assert app.scheduler.next_run("sessions:reminders") is None


async def test_non_facilitators_pressing_facilitator_buttons_are_refused(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    result = await gw.click(int(msg["id"]), button_id(msg, "Facilitators"), user=gw.member_id)
    assert result.ephemeral and "Only facilitators" in result.text
    sid = await session_id(app)
    manage = await gw.click(int(msg["id"]), button_id(msg, "Facilitators"), user=gw.facilitator_id)
    assert manage.ephemeral and "Cancel this session" in manage.text
    # even if a member got hold of the facilitator's cancel button, the server refuses
    cancel = await gw.press(manage, "Cancel this session", user=gw.member_id)
    assert cancel.ephemeral and "Only facilitators" in cancel.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).get(session, sid)).status == "scheduled"
    modal = await gw.press(manage, "Cancel this session", user=gw.facilitator_id)
    [field] = [c["custom_id"] for row in modal.modal["components"] for c in row["components"]]
    await gw.submit_modal(modal.modal, {field: "Room unavailable"}, user=gw.facilitator_id)
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).get(session, sid)).cancel_reason == "Room unavailable"


async def test_reminders_fire_once_in_channel_and_by_dm_respecting_opt_out(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    opted_out = gw.add_user("quiet")
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=opted_out)
    await gw.slash("reminders", user=opted_out, dms=False)
    sid = await session_id(app)
    async with app.db.begin() as session:
        training_session = await app.service(TrainingSessionService).get(session, sid)
    jobs = gw.bot.runtime(SessionJobs)
    assert app.scheduler.next_run("sessions:reminders") == training_session.start_utc - timedelta(hours=24)
    due = training_session.start_utc - timedelta(minutes=60)
    sent = await jobs.fire(sid, now=due)
    await gw.settle()
    assert sent == 2
    posts = channel_posts(gw)
    assert len(posts) == 1 and "In 1 hour" in posts[0]
    assert f"https://discord.com/channels/{GUILD_ID}/{ANNOUNCEMENTS}/{msg['id']}" in posts[0]
    assert [uid for uid, text in dms(gw) if "In 1 hour" in text] == [gw.member_id]
    # a second fire (reconnect, duplicate job) sends nothing more
    assert await jobs.fire(sid, now=due + timedelta(seconds=5)) == 0
    assert sum("In 1 hour" in m["content"] for m in gw.messages.values()) == 2
    # the timer is re-armed at the next reminder: the one at the start
    await jobs.tick(now=due + timedelta(seconds=5))
    assert app.scheduler.next_run("sessions:reminders") == training_session.start_utc


async def test_missed_reminders_are_sent_late_with_a_note_or_skipped(gw: OfflineDiscord, app: App,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    await create(gw)
    sid = await session_id(app)
    async with app.db.begin() as session:
        training_session = await app.service(TrainingSessionService).get(session, sid)
    jobs = gw.bot.runtime(SessionJobs)
    # the bot was down from before the 24 h reminder until 10 minutes after the 1 h one
    await jobs.fire(sid, now=training_session.start_utc - timedelta(minutes=50))
    posts = channel_posts(gw)
    assert len(posts) == 1 and "Sent late" in posts[0] and "In 1 hour" in posts[0]
    assert any("skipping reminder" in r.getMessage() for r in caplog.records)
    async with app.db.begin() as session:
        states = {(k, o): s for k, o, s in await app.service(ReminderService).status(session, sid)}
    assert states[("channel", 1440)] == "skipped" and states[("channel", 60)] == "sent"


async def test_after_the_session_members_who_went_are_asked_once_for_feedback(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    sid = await session_id(app)
    async with app.db.begin() as session:
        training_session = await app.service(TrainingSessionService).get(session, sid)
    jobs = gw.bot.runtime(SessionJobs)
    # pretend the session happened: move it into the past directly in the database
    from sqlalchemy import select

    from cogs.sessions.models import SessionReminder, TrainingSession
    shift = training_session.end_utc - datetime.now(UTC) + timedelta(minutes=20)
    async with app.db.begin() as session:
        row = await session.get(TrainingSession, sid)
        assert row is not None
        row.start_utc, row.end_utc = row.start_utc - shift, row.end_utc - shift
        for reminder in (await session.scalars(select(SessionReminder).where(SessionReminder.session_id == sid))):
            reminder.due_at = reminder.due_at - shift
    await jobs.fire(sid)
    await jobs.fire(sid)
    asks = [m for m in gw.messages.values() if "Did you attend?" in m["content"]]
    assert len(asks) == 1
    ask = asks[0]
    modal = await gw.click(int(ask["id"]), button_id(ask, "I attended"), user=gw.member_id)
    assert modal.response_type == 9
    fields = [c["custom_id"] for row in modal.modal["components"] for c in row["components"]]
    thanks = await gw.submit_modal(modal.modal, {fields[0]: "5", fields[1]: "Very practical"}, user=gw.member_id)
    assert thanks.ephemeral and "Thank you" in thanks.text
    again = await gw.slash("session feedback", user=gw.member_id, session=str(sid), rating=4)
    assert again.ephemeral and "already sent feedback" in again.text
    async with app.db.begin() as session:
        from bot.permissions import Actor
        assert await app.service(AttendanceService).feedback_summary(session, Actor.cli(), sid) == (1, 5.0)
        assert await app.service(AttendanceService).attended(session, Actor.cli(), sid) == [gw.member_id]


async def test_ics_file_for_a_session_and_for_a_series(gw: OfflineDiscord, app: App) -> None:
    await create(gw, repeat="weekly", occurrences=3)
    sid = await session_id(app)
    one = await gw.slash("session ics", user=gw.member_id, session=str(sid))
    [(name, data)] = one.files
    assert one.ephemeral and name == f"sse-session-{sid}.ics"
    assert b"BEGIN:VCALENDAR" in data and f"UID:session-{sid}@sse-bot".encode() in data
    series = await gw.slash("session ics", user=gw.member_id, session=str(sid), series=True)
    [(_, series_data)] = series.files
    assert b"RRULE:FREQ=WEEKLY;COUNT=3" in series_data or b"RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=3" in series_data
    # one announcement and one event at a time for a series
    assert len(announcements(gw)) == 1 and len(gw.scheduled_events) == 1


async def test_times_in_every_country_flag_outside_working_hours(gw: OfflineDiscord) -> None:
    result = await gw.slash("session times", user=gw.facilitator_id, start="2027-03-03 17:00", timezone="Asia/Bangkok")
    text = result.text
    assert result.ephemeral
    assert "Kyrgyzstan** — Wed, Mar 3, 16:00" in text  # Babel's date in the member's locale (English here)
    japan = next(line for line in text.splitlines() if line.startswith("**Japan"))
    assert "19:00" in japan and "outside working hours" in japan


async def test_timezone_autocomplete_region_first_and_preference_used_by_info(gw: OfflineDiscord, app: App) -> None:
    choices = (await gw.autocomplete("timezone", "zone", user=gw.member_id)).choices
    assert [c["value"] for c in choices[:3]] == ["Asia/Bishkek", "Asia/Almaty", "Asia/Dhaka"]
    seoul = (await gw.autocomplete("timezone", "zone", user=gw.member_id, zone="seo")).choices
    assert seoul[0]["value"] == "Asia/Seoul"
    bad = await gw.slash("timezone", user=gw.member_id, zone="Moon/Base")
    assert bad.ephemeral and "don't know the time zone" in bad.text
    saved = await gw.slash("timezone", user=gw.member_id, zone="Asia/Tokyo")
    assert "Asia/Tokyo" in saved.text
    await create(gw, start=in_days(3, hour=14))
    info = await gw.slash("session info", user=gw.member_id, session=str(await session_id(app)))
    mine = next(f["value"] for f in info.embed["fields"] if f["name"] == "In your time zone")
    assert "16:00 (Asia/Tokyo, UTC+9)" in mine


async def test_language_preference_is_saved_and_reported(gw: OfflineDiscord) -> None:
    default = await gw.slash("language", user=gw.member_id, locale="vi")
    assert said("vi", "I answer you in **{language}** ({native}), from your Discord language. Change it with "
                "/language.", language="Vietnamese", native="Tiếng Việt") in default.text
    await gw.slash("language", user=gw.member_id, language="ไทย")
    now = await gw.slash("language", user=gw.member_id, locale="vi")
    assert said("th", "I answer you in **{language}** ({native}): your choice. Change it with /language.",
                language="Thai", native="ไทย") in now.text, "in the language chosen, whatever the Discord locale"


async def test_sessions_lists_upcoming_with_filters(gw: OfflineDiscord) -> None:
    await create(gw, title="Thai cooperatives", countries="TH", languages="th")
    await create(gw, title="Korean social enterprise", countries="KR", languages="ko, en", start=in_days(5))
    everything = await gw.slash("sessions", user=gw.member_id)
    assert "Thai cooperatives" in everything.text and "Korean social enterprise" in everything.text
    korea = await gw.slash("sessions", user=gw.member_id, country="Korea")
    assert "Korean social enterprise" in korea.text and "Thai cooperatives" not in korea.text
    thai = await gw.slash("sessions", user=gw.member_id, language="th")
    assert "Thai cooperatives" in thai.text and "Korean" not in thai.text
    unknown = await gw.slash("sessions", user=gw.member_id, country="Narnia")
    assert unknown.ephemeral and "don't know the country" in unknown.text


async def test_materials_reach_the_announcement_and_the_resource_catalogue(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    sid = await session_id(app)
    refused = await gw.slash("session materials", user=gw.member_id, session=str(sid), recording="https://youtu.be/x")
    assert "Only facilitators" in refused.text
    result = await gw.slash("session materials", user=gw.facilitator_id, session=str(sid),
                            recording="https://youtu.be/abc", slides="https://example.org/slides.pdf")
    assert result.ephemeral and "2 entries" in result.text
    [msg] = announcements(gw)
    assert "https://youtu.be/abc" in str(msg["embeds"])
    found = await gw.slash("resources", user=gw.member_id, query="Cooperative law clinic")
    assert "Recording: Cooperative law clinic" in found.text


async def test_weekly_digest_lists_upcoming_sessions_once(gw: OfflineDiscord, app: App) -> None:
    await create(gw, start=in_days(2))
    gw.bot.runtime(SessionJobs)
    assert await post_digest(gw.bot)
    assert not await post_digest(gw.bot)
    [digest] = [m for m in gw.messages.values() if m["embeds"] and "This week" in m["embeds"][0]["title"]]
    text = str(digest["embeds"])
    assert "Upcoming sessions" in text and "Cooperative law clinic" in text
    assert app.scheduler.next_run("digest:weekly") is not None


async def test_restart_rebuilds_from_the_database_sending_missed_reminders_once(gw: OfflineDiscord, app: App) -> None:
    from sqlalchemy import select

    from cogs.sessions.models import SessionReminder

    await create(gw)
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    sid = await session_id(app)
    member = gw.member_id
    await gw.close()
    # while the bot was down: the 24 h reminder fell due 2 hours ago, the 1 h one 5 minutes ago
    now = datetime.now(UTC)
    async with app.db.begin() as session:
        for r in await session.scalars(select(SessionReminder).where(SessionReminder.session_id == sid)):
            if r.offset_minutes == 1440:
                r.due_at = now - timedelta(hours=2)
            elif r.offset_minutes == 60:
                r.due_at = now - timedelta(minutes=5)
    bot, again = await boot_offline(app)
    try:
        jobs = bot.runtime(SessionJobs)
        # the scheduler, rebuilt at start, fires the missed reminder by itself
        for _ in range(200):
            if channel_posts(again) and not bot.delivery.busy:
                break
            await asyncio.sleep(0.05)
        await again.settle()
        async with app.db.begin() as session:
            training_session = await app.service(TrainingSessionService).get(session, sid)
        assert app.scheduler.next_run("sessions:reminders") == training_session.start_utc  # re-armed at the next one
        await jobs.tick()  # a reconnect or a second fire changes nothing
        await again.settle()
        posts = channel_posts(again)
        assert len(posts) == 1 and "In 1 hour" in posts[0] and "Sent late" in posts[0]
        assert [uid for uid, text in dms(again) if "In 1 hour" in text] == [member]
        async with app.db.begin() as session:
            states = {(k, o): s for k, o, s in await app.service(ReminderService).status(session, sid)}
        assert states[("channel", 1440)] == "skipped" and states[("channel", 60)] == "sent"
    finally:
        await again.close()


async def test_sessions_planned_from_the_cli_are_announced_when_the_bot_starts(gw: OfflineDiscord, app: App) -> None:
    from bot.permissions import Actor
    from cogs.sessions.parsing import SessionDraft

    await gw.close()
    async with app.db.begin() as session:
        await app.service(PlanningService).import_programme(session, Actor.cli(), [
            SessionDraft(title="Imported webinar", start=in_days(6), timezone="Asia/Manila", countries="PH")])
    _bot, again = await boot_offline(app)
    try:
        [msg] = announcements(again)
        assert msg["embeds"][0]["title"] == "Imported webinar"
        assert [e["name"] for e in again.scheduled_events.values()] == ["Imported webinar"]
    finally:
        await again.close()


async def test_editing_a_whole_series_moves_every_later_occurrence(gw: OfflineDiscord, app: App) -> None:
    await create(gw, repeat="biweekly", occurrences=3)
    async with app.db.begin() as session:
        training_sessions = list((await app.service(TrainingSessionService).upcoming(session)).items)
    refused = await gw.slash("session edit", user=gw.member_id, session=str(training_sessions[1].id), scope="series",
                             title="Renamed")
    assert refused.ephemeral and "Only facilitators" in refused.text
    result = await gw.slash("session edit", user=gw.facilitator_id, session=str(training_sessions[1].id), scope="series",
                            title="Cooperative law clinic (new series)", duration=120)
    assert result.ephemeral and "Updated 2 sessions" in result.text
    async with app.db.begin() as session:
        after = list((await app.service(TrainingSessionService).upcoming(session)).items)
    assert [(v.title, v.duration_minutes) for v in after] == [
        ("Cooperative law clinic", 90), ("Cooperative law clinic (new series)", 120),
        ("Cooperative law clinic (new series)", 120)]
    nothing = await gw.slash("session edit", user=gw.facilitator_id, session=str(training_sessions[0].id))
    assert nothing.ephemeral and "Nothing to change" in nothing.text


async def test_autocomplete_offers_upcoming_sessions_and_zones(gw: OfflineDiscord) -> None:
    await create(gw, title="Cooperative law clinic")
    await create(gw, title="Fair trade basics", start=in_days(4))
    found = (await gw.autocomplete("session info", "session", user=gw.member_id, session="fair")).choices
    assert len(found) == 1 and "Fair trade basics" in found[0]["name"]
    everything = (await gw.autocomplete("session ics", "session", user=gw.member_id)).choices
    assert [c["name"].split(" · ")[1] for c in everything] == ["Cooperative law clinic", "Fair trade basics"]
    zones = (await gw.autocomplete("session create", "timezone", user=gw.facilitator_id, timezone="jak")).choices
    assert zones[0]["value"] == "Asia/Jakarta"


async def test_a_series_is_announced_one_occurrence_at_a_time(gw: OfflineDiscord, app: App) -> None:
    result = await create(gw, repeat="weekly", occurrences=3)
    assert "Later occurrences are announced one at a time" in result.text
    [first] = announcements(gw)
    assert "Part 1 of 3, every week" in str(first["embeds"])
    async with app.db.begin() as session:
        training_sessions = list((await app.service(TrainingSessionService).upcoming(session)).items)
    await gw.slash("session cancel", user=gw.facilitator_id, session=str(training_sessions[0].id))
    posted = announcements(gw)
    assert len(posted) == 2 and posted[0]["embeds"][0]["title"].startswith("Cancelled:")
    assert "Part 2 of 3" in str(posted[1]["embeds"])
    assert sorted(e["status"] for e in gw.scheduled_events.values()) == [1, 4]


async def move_into_the_past(app: App, sid: int) -> None:
    """Pretend the session happened: it ended 20 minutes ago."""
    from cogs.sessions.models import TrainingSession

    async with app.db.begin() as session:
        row = await session.get(TrainingSession, sid)
        assert row is not None
        shift = row.end_utc - datetime.now(UTC) + timedelta(minutes=20)
        row.start_utc, row.end_utc = row.start_utc - shift, row.end_utc - shift


def forged_button(gw: OfflineDiscord, custom_id: str) -> int:
    """A message carrying a button with any custom id, as a modified client could send; its id."""
    button = {"type": 2, "style": 3, "label": "I attended", "custom_id": custom_id}
    message = gw.message_payload("Did you attend?", author=int(gw.bot_user["id"]), channel_id=ANNOUNCEMENTS,
                                 components=[{"type": 1, "components": [button]}])
    gw.messages[int(message["id"])] = message
    return int(message["id"])


def fields_of(modal: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in modal["components"] for c in row["components"]]


async def test_two_members_rating_at_once_each_keep_their_feedback(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    lin = gw.add_user("lin")
    for member in (gw.member_id, lin):
        await gw.click(int(msg["id"]), button_id(msg, "Going"), user=member)
    sid = await session_id(app)
    await move_into_the_past(app, sid)
    attended = f"sse:sessions:attended:{sid}"  # the button of the follow-up DM
    first = await gw.click(forged_button(gw, attended), attended, user=gw.member_id)
    second = await gw.click(forged_button(gw, attended), attended, user=lin)
    assert first.modal["custom_id"] != second.modal["custom_id"]
    # submitted in the opposite order to the one they were opened in
    for form, member, rating in ((second, lin, "2"), (first, gw.member_id, "5")):
        rating_field, comment_field = fields_of(form.modal)
        thanks = await gw.submit_modal(form.modal, {rating_field: rating, comment_field: ""}, user=member)
        assert thanks.ephemeral and "Thank you" in thanks.text
    from sqlalchemy import select

    from cogs.sessions.models import SessionFeedback
    async with app.db.begin() as session:
        stored = dict((await session.execute(
            select(SessionFeedback.user_id, SessionFeedback.rating).where(SessionFeedback.session_id == sid))).all())
    assert stored == {gw.member_id: 5, lin: 2}


async def test_two_facilitators_cancelling_at_once_both_get_an_answer(gw: OfflineDiscord, app: App) -> None:
    from tests.conftest import FACILITATOR_ROLE

    await create(gw)
    sid = await session_id(app)
    other = gw.add_user("second facilitator", roles=[FACILITATOR_ROLE])
    forms = []
    for facilitator in (gw.facilitator_id, other):
        manage = await gw.slash("session info", user=facilitator, session=str(sid))
        manage = await gw.press(manage, "Facilitators", user=facilitator)
        forms.append(await gw.press(manage, "Cancel this session", user=facilitator))
    [field] = fields_of(forms[1].modal)
    done = await gw.submit_modal(forms[1].modal, {field: "Speaker is ill"}, user=other)
    assert "Cancelled 1" in done.text
    [field] = fields_of(forms[0].modal)
    late = await gw.submit_modal(forms[0].modal, {field: "Room unavailable"}, user=gw.facilitator_id)
    assert late.ephemeral and "already cancelled" in late.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).get(session, sid)).cancel_reason == "Speaker is ill"


async def test_a_forged_attendance_button_is_refused_politely(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    [msg] = announcements(gw)
    declined = gw.add_user("lin")
    await gw.click(int(msg["id"]), button_id(msg, "Can't go"), user=declined)
    sid = await session_id(app)
    await move_into_the_past(app, sid)
    for stranger in (gw.member_id, declined):  # never RSVPed; RSVPed "can't go"
        for answer in ("attended", "absent"):
            custom_id = f"sse:sessions:{answer}:{sid}"
            forged = await gw.click(forged_button(gw, custom_id), custom_id, user=stranger)
            assert forged.response_type != 9, "no feedback form for a session the member was not expected at"
            assert forged.ephemeral and "RSVPed" in forged.text
        rated = await gw.slash("session feedback", user=stranger, session=str(sid), rating=1)
        assert rated.ephemeral and "members who attended" in rated.text
    from bot.permissions import Actor
    async with app.db.begin() as session:
        assert await app.service(AttendanceService).attended(session, Actor.cli(), sid) == []
        assert await app.service(AttendanceService).feedback_summary(session, Actor.cli(), sid) == (0, 0.0)
