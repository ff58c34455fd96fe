"""Session times as a facilitator and a member meet them (issue 14): natural starts confirmed before
saving, both readings of an ambiguous date, working-hours warnings, times in the member's own zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.catalogues import format_when
from cogs.sessions.reading import TrainingSessionService
from offline import OfflineDiscord
from tests.commands.test_sessions import announcements, create, in_days, session_id


def weekday_at(hour: int) -> str:
    """A Wednesday at least three days ahead, at ``hour`` in Bangkok (so no weekend flag)."""
    day = datetime.now(ZoneInfo("Asia/Bangkok")) + timedelta(days=3)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return day.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


async def test_a_natural_start_is_read_back_in_zone_and_utc_and_saved_only_once_confirmed(
        gw: OfflineDiscord, app: App) -> None:
    asked = await create(gw, start="tomorrow 3pm", timezone="Asia/Ulaanbaatar")
    tomorrow = format_when(datetime.now(UTC) + timedelta(days=1), "Asia/Ulaanbaatar", time=None)  # "Thu, Dec 3, 2026"
    assert asked.ephemeral and "Start read as" in asked.text and f"{tomorrow}, 15:00 (Asia/Ulaanbaatar, UTC+8)" in asked.text
    assert "07:00 UTC" in asked.text and "you typed “tomorrow 3pm”" in asked.text
    assert "set it with /timezone" in asked.text  # the facilitator's own zone is unknown: said once
    assert not announcements(gw)  # nothing saved yet
    stranger = await gw.press(asked, "Yes, that's right", user=gw.member_id)
    assert stranger.ephemeral and "Only the facilitator" in stranger.text and not announcements(gw)
    done = await gw.press(asked, "Yes, that's right", user=gw.facilitator_id)
    assert "Planned **Cooperative law clinic**" in done.text
    async with app.db.begin() as session:
        saved = await app.service(TrainingSessionService).get(session, await session_id(app))
    assert f"{saved.start_utc.astimezone(ZoneInfo('Asia/Ulaanbaatar')):%H:%M}" == "15:00"
    assert len(announcements(gw)) == 1


async def test_saying_no_to_the_reading_saves_nothing(gw: OfflineDiscord, app: App) -> None:
    asked = await create(gw, start="พรุ่งนี้ 15:00", timezone="Asia/Bangkok", languages="th")
    assert "Start read as" in asked.text
    no = await gw.press(asked, "No, I'll retype it", user=gw.facilitator_id)
    assert "Nothing was saved" in no.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).upcoming(session)).total == 0


async def test_a_thai_facilitator_types_the_date_in_thai(gw: OfflineDiscord) -> None:
    asked = await gw.slash("session create", user=gw.facilitator_id, locale="th", title="สหกรณ์",
                           start="พรุ่งนี้ 15:00", timezone="Asia/Bangkok")
    # read back as a Thai reader writes dates and times (Babel), in the session's zone and in UTC
    assert "15:00 น. (Asia/Bangkok, UTC+7)" in asked.text and "08:00 น. UTC" in asked.text


async def test_an_ambiguous_date_lists_both_readings_and_keeps_what_was_typed(gw: OfflineDiscord) -> None:
    result = await create(gw, start="03/04 10:00")
    assert result.ephemeral and "“03/04 10:00” can be read two ways" in result.text
    assert "Apr 3" in result.text and "Mar 4" in result.text
    assert not announcements(gw)


async def test_an_unreadable_start_gets_examples_that_work(gw: OfflineDiscord) -> None:
    result = await create(gw, start="when everyone is free")
    assert result.ephemeral and "Examples that work" in result.text and "tomorrow 15:00" in result.text


async def test_a_start_outside_working_hours_is_planned_with_a_warning_naming_countries(gw: OfflineDiscord) -> None:
    # 08:00 in Bangkok: 07:00 in Bishkek and 08:00 in Bangkok are before 09:00
    result = await create(gw, start=weekday_at(8), countries="TH, KG, JP")
    assert "Planned" in result.text and "⚠️ Outside working hours" in result.text
    warning = next(line for line in result.text.splitlines() if "Outside working hours" in line)
    assert "Kyrgyzstan" in warning and "07:00" in warning and "Thailand" in warning and "Japan" not in warning
    assert len(announcements(gw)) == 1  # a warning, not a refusal


async def test_editing_with_a_natural_start_asks_first(gw: OfflineDiscord, app: App) -> None:
    await create(gw, start=in_days(3, hour=10))  # never already "next monday 14:00", whatever today is
    sid = str(await session_id(app))
    asked = await gw.slash("session edit", user=gw.facilitator_id, session=sid, start="next monday 14:00")
    assert "Move the session to this start?" in asked.text and "Start read as" in asked.text
    done = await gw.press(asked, "Yes, that's right", user=gw.facilitator_id)
    assert "Updated 1 session (start)" in done.text
    async with app.db.begin() as session:
        saved = await app.service(TrainingSessionService).get(session, sid)
    local = saved.start_utc.astimezone(ZoneInfo("Asia/Bangkok"))
    assert (local.weekday(), f"{local:%H:%M}") == (0, "14:00")


async def test_autocomplete_shows_the_sessions_time_and_the_members_own(gw: OfflineDiscord) -> None:
    await create(gw, start=in_days(3, hour=15, zone="Asia/Ulaanbaatar"), timezone="Asia/Ulaanbaatar",
                 title="Social enterprise registration: a very long title to test the hundred character limit")
    unknown = (await gw.autocomplete("session info", "session", user=gw.member_id)).choices
    assert "15:00 Ulaanbaatar (07:00 UTC)" in unknown[0]["name"] and len(unknown[0]["name"]) <= 100
    await gw.slash("timezone", user=gw.member_id, zone="Asia/Bangkok")
    known = (await gw.autocomplete("session info", "session", user=gw.member_id)).choices
    assert "15:00 Ulaanbaatar (14:00 yours)" in known[0]["name"] and len(known[0]["name"]) <= 100
    assert "UTC" not in known[0]["name"]


async def test_timezone_finds_zones_by_city_country_and_offset(gw: OfflineDiscord) -> None:
    async def first(text: str) -> list[str]:
        return [c["value"] for c in (await gw.autocomplete("timezone", "zone", user=gw.member_id, zone=text)).choices]

    cities = {"Hanoi": "Asia/Ho_Chi_Minh", "Beijing": "Asia/Shanghai", "Ulaanbaatar": "Asia/Ulaanbaatar",
              "Ulan Bator": "Asia/Ulaanbaatar", "Phnom Penh": "Asia/Phnom_Penh", "Vientiane": "Asia/Vientiane",
              "Bishkek": "Asia/Bishkek", "Bangkok": "Asia/Bangkok", "Jakarta": "Asia/Jakarta",
              "Kuala Lumpur": "Asia/Kuala_Lumpur", "Manila": "Asia/Manila", "Seoul": "Asia/Seoul",
              "Tokyo": "Asia/Tokyo", "hà nội": "Asia/Ho_Chi_Minh"}
    for city, zone in cities.items():
        assert (await first(city))[0] == zone, city
    assert (await first("Mongolia"))[:2] == ["Asia/Ulaanbaatar", "Asia/Hovd"]
    assert (await first("Монгол"))[:2] == ["Asia/Ulaanbaatar", "Asia/Hovd"]
    assert (await first("Việt Nam"))[0] == "Asia/Ho_Chi_Minh"
    assert (await first("中国"))[0] == "Asia/Shanghai"
    for offset in ("UTC+7", "GMT+7", "+7", "+07:00"):
        found = await first(offset)
        assert found[:4] == ["Asia/Bangkok", "Asia/Phnom_Penh", "Asia/Vientiane", "Asia/Ho_Chi_Minh"], offset
        assert "Asia/Tokyo" not in found
        assert "Asia/Saigon" not in found, "an old alias would list Ho Chi Minh City twice"
    named = (await gw.autocomplete("timezone", "zone", user=gw.member_id, zone="Монгол")).choices
    assert all(len(c["name"]) <= 100 for c in named) and "Монгол" in named[0]["name"]
    # typed and sent without picking: a city or one-zone country is enough, several zones ask which
    saved = await gw.slash("timezone", user=gw.member_id, zone="Hanoi")
    assert "Asia/Ho_Chi_Minh" in saved.text
    several = await gw.slash("timezone", user=gw.member_id, zone="Mongolia")
    assert several.ephemeral and "more than one time zone" in several.text and "Asia/Hovd" in several.text


async def test_sessions_lists_a_series_once_with_its_next_date_and_how_many_more(gw: OfflineDiscord, app: App) -> None:
    await create(gw, title="SSE policy course", repeat="weekly", occurrences=4)
    await create(gw, title="Fair trade basics", start=in_days(4))
    listed = await gw.slash("sessions", user=gw.member_id)
    fields = listed.embed["fields"]
    assert [f["name"].split(" ", 1)[1] for f in fields] == ["SSE policy course", "Fair trade basics"]
    assert "**3 more**" in fields[0]["value"] and "2 upcoming" in listed.embed["description"]
    assert "time zone is unknown" in listed.embed["description"] and "UTC)" in fields[0]["value"]
    await gw.slash("timezone", user=gw.member_id, zone="Asia/Tokyo")
    again = await gw.slash("sessions", user=gw.member_id)
    assert "yours)" in again.embed["fields"][0]["value"] and "unknown" not in again.embed["description"]


async def test_info_on_a_series_occurrence_lists_every_date_in_the_members_time(gw: OfflineDiscord, app: App) -> None:
    await gw.slash("timezone", user=gw.member_id, zone="Asia/Tokyo")
    await create(gw, title="SSE policy course", start=in_days(3, hour=14), repeat="weekly", occurrences=3)
    async with app.db.begin() as session:
        page = await app.service(TrainingSessionService).upcoming(session)
    ids = [v.id for v in page.items]
    info = await gw.slash("session info", user=gw.member_id, session=str(ids[1]))
    dates = next(f for f in info.embed["fields"] if f["name"].startswith("All 3 dates"))
    assert "Asia/Tokyo" in dates["name"]
    lines = dates["value"].splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [f"#{i}" for i in ids]
    assert all("16:00" in line for line in lines) and lines[1].endswith("← this one")


async def test_rsvp_on_a_private_info_reply_stays_private_and_keeps_your_answer(gw: OfflineDiscord, app: App) -> None:
    await create(gw)
    sid = await session_id(app)
    info = await gw.slash("session info", user=gw.member_id, session=str(sid))
    assert info.ephemeral
    pressed = await gw.press(info, "Going (0)", user=gw.member_id)
    edited = pressed.messages[0]
    names = [f["name"] for f in edited["embeds"][0]["fields"]]
    assert "Your answer" in names and "In your time zone" in names
    assert next(f["value"] for f in edited["embeds"][0]["fields"] if f["name"] == "Your answer") == "Going"
    assert pressed.ephemeral or all(m.get("flags", 0) & 64 for m in pressed.messages[1:])
    # the public announcement still gets its counts refreshed
    [announcement] = announcements(gw)
    assert any((c.get("label") or "") == "Going (1)" for row in announcement["components"] for c in row["components"])
