"""Sessions in the member's language (issue 10): /sessions, an RSVP click, an error and a reminder DM,
each through the real discord.py path, answered from a (fake, in-memory) catalogue as translators
will fill it in; dates written by Babel in the reader's locale beside Discord's timestamps. The
public announcement and the channel reminder stay in the server's language whoever clicked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.reading import TrainingSessionService
from offline import OfflineDiscord
from tests.commands.test_sessions import announcements, button_id, channel_posts, create, dms, in_days, labels
from tests.conftest import FakeCatalogue, base_config

DRAFT = "This reply is a draft translation, not yet reviewed by a native speaker."


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["reminders"] = {"dm_per_second": 50, "grace_minutes": 30}
    return data


async def test_sessions_lists_in_the_members_discord_language(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {
        "Upcoming sessions": "เซสชันที่กำลังจะมาถึง",
        ("{count} upcoming", "{count} upcoming"): ("{count} รายการ",),
        "Going {count}": "จะไป {count}",
        "Webinar": "การสัมมนาออนไลน์",
        "/session info <number> for details, RSVP and calendar file": "/session info <หมายเลข> ดูรายละเอียด",
        DRAFT: "คำตอบนี้เป็นคำแปลฉบับร่าง",
    })
    await create(gw, start=in_days(3, hour=14))
    listed = await gw.slash("sessions", user=gw.member_id, locale="th")
    embed = listed.embed
    assert embed["title"] == "เซสชันที่กำลังจะมาถึง" and embed["description"].startswith("1 รายการ")
    [field] = embed["fields"]
    assert ":F>" in field["value"]  # Discord's own timestamp, in the reader's client language
    assert "น. Bangkok" in field["value"]  # beside it the session's local time, as Thai writes times (Babel)
    assert "การสัมมนาออนไลน์" in field["value"] and "จะไป 0" in field["value"]
    assert embed["footer"]["text"] == "/session info <หมายเลข> ดูรายละเอียด"
    assert "คำตอบนี้เป็นคำแปลฉบับร่าง" in listed.content  # the draft note, once, in small print
    # an English member meanwhile reads English
    english = await gw.slash("sessions", user=gw.member_id)
    assert english.embed["title"] == "Upcoming sessions" and "Going 0" in english.embed["fields"][0]["value"]


async def test_plural_forms_follow_the_language(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    # Russian has three forms: 1 занятие, 3 занятия, 5 занятий
    fake_catalogue("ru", {("{count} upcoming", "{count} upcoming"): ("{count} занятие", "{count} занятия",
                                                                      "{count} занятий")})
    await create(gw, title="One")
    one = await gw.slash("sessions", user=gw.member_id, locale="ru")
    assert one.embed["description"].startswith("1 занятие")
    await create(gw, title="Two", start=in_days(4))
    await create(gw, title="Three", start=in_days(5))
    three = await gw.slash("sessions", user=gw.member_id, locale="ru")
    assert three.embed["description"].startswith("3 занятия")


async def test_an_rsvp_click_answers_in_the_members_language_and_the_announcement_stays(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("vi", {
        "Going": "Sẽ tham gia",
        "You're marked as **{answer}** for **{title}**.": "Bạn đã được ghi nhận **{answer}** cho **{title}**.",
        "I'll remind you before it starts (turn DMs off with /reminders).": "Tôi sẽ nhắc bạn trước khi bắt đầu.",
        "You're already marked as **{answer}** — nothing changed.": "Bạn đã ở trạng thái **{answer}** rồi.",
    })
    await gw.slash("language", user=gw.member_id, language="vi")  # /language, whatever the Discord locale
    await create(gw)
    [msg] = announcements(gw)
    clicked = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    assert clicked.ephemeral
    assert "Bạn đã được ghi nhận **Sẽ tham gia** cho **Cooperative law clinic**." in clicked.text
    assert "Tôi sẽ nhắc bạn trước khi bắt đầu." in clicked.text and DRAFT in clicked.text
    # the public announcement shows the new count in the server's language, not the clicker's
    assert labels(gw.messages[int(msg["id"])])[:2] == ["Going (1)", "Interested (0)"]
    assert gw.messages[int(msg["id"])]["embeds"][0]["fields"][0]["name"] == "When"
    again = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    assert "Bạn đã ở trạng thái **Sẽ tham gia** rồi." in again.text


async def test_an_error_reply_in_the_members_language_with_a_plural(gw: OfflineDiscord,
                                                                    fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("ru", {
        ("{count} place", "{count} places"): ("{count} место", "{count} места", "{count} мест"),
        "Sorry, this session is full ({places}). Press Join waitlist to get the next free place.":
            "Извините, мест нет ({places}). Нажмите «Join waitlist», чтобы занять следующее.",
    })
    await create(gw, capacity=3)
    [msg] = announcements(gw)
    for name in ("a", "b", "c"):
        await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.add_user(name))
    late = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.add_user("late"), locale="ru")
    assert late.ephemeral and "Извините, мест нет (3 места)." in late.text
    english = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.add_user("later"))
    assert "Sorry, this session is full (3 places)." in english.text


async def test_a_reminder_dm_reads_in_the_recipients_language_and_time_zone(
        gw: OfflineDiscord, app: App, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("ko", {
        ("In {count} hour: **{title}**", "In {count} hours: **{title}**"): ("{count}시간 후: **{title}**",),
        "You get this because you answered Going or Interested. Turn reminder DMs off with /reminders.":
            "참석 또는 관심 있음으로 답하셔서 받는 알림입니다. /reminders 로 끌 수 있습니다.",
    })
    korean = gw.add_user("minji")
    await gw.slash("language", user=korean, language="ko")  # a DM has no Discord locale: /language decides
    await gw.slash("timezone", user=korean, zone="Asia/Seoul")
    await create(gw, start=in_days(3, hour=14))
    [msg] = announcements(gw)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=korean)
    await gw.click(int(msg["id"]), button_id(msg, "Going"), user=gw.member_id)
    async with app.db.begin() as session:
        training_session = (await app.service(TrainingSessionService).upcoming(session)).items[0]
    sent = await gw.bot.runtime(SessionJobs).fire(training_session.id,
                                                 now=training_session.start_utc - timedelta(minutes=60))
    await gw.settle()
    assert sent == 3
    [(_, to_korean)] = [(uid, text) for uid, text in dms(gw) if uid == korean]
    assert to_korean.startswith("⏰ 1시간 후: **Cooperative law clinic**")
    assert "<t:" in to_korean and "16:00 (Asia/Seoul, UTC+9)" in to_korean and "년" in to_korean  # Babel, in Korean
    assert "/reminders 로 끌 수 있습니다." in to_korean
    # the other member and the channel read English (the server's language)
    [(_, to_member)] = [(uid, text) for uid, text in dms(gw) if uid == gw.member_id]
    assert to_member.startswith("⏰ In 1 hour: **Cooperative law clinic**")
    [post] = channel_posts(gw)
    assert post.startswith("⏰ In 1 hour") and "(Asia/Bangkok, UTC+7)" in post
