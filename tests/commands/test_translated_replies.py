"""Q&A, search, privacy, setup and /country answer a member in their own language: the catalogues
are empty until translators fill them, so each test gives one language a few translations
(``fake_catalogue``) and checks that the reply, its buttons and its errors use them, that counts
follow the language's plural rules, and that the rest of the server keeps reading English."""

from __future__ import annotations

import logging

import discord
import pytest

from cogs.search.writer import ArchiveWriter
from offline import OfflineDiscord
from tests.commands.test_setup import panel
from tests.conftest import ANNOUNCEMENTS, ARCHIVED, FakeCatalogue

DRAFT = "This reply is a draft translation, not yet reviewed by a native speaker."
TH_DRAFT = "คำตอบนี้เป็นคำแปลฉบับร่าง"
RECORDS = ("**{count}** record is stored about you, from {first} to {last}:",
           "**{count}** records are stored about you, from {first} to {last}:")


async def test_privacy_show_reads_in_the_members_language(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {
        "What the bot stores about you": "สิ่งที่บอตเก็บเกี่ยวกับคุณ",
        RECORDS: ("เก็บข้อมูลของคุณ **{count}** รายการ ตั้งแต่ {first} ถึง {last}:",),  # Thai: one plural form
        "messages in channels opted in to the archive": "ข้อความในช่องที่เปิดให้ค้นหา",
        "{label}: {count}": "{label} {count} รายการ",
        "/privacy export sends you a copy; /privacy forget deletes it.": "/privacy export ส่งสำเนาให้คุณ",
        DRAFT: TH_DRAFT,
    })
    await gw.post_message("My cooperative in Chiang Mai", author=gw.member_id, channel_id=ARCHIVED)

    shown = await gw.slash("privacy show", user=gw.member_id, locale="th")
    assert shown.ephemeral and shown.embed["title"] == "สิ่งที่บอตเก็บเกี่ยวกับคุณ"
    # the message, and the Thai Discord locale kept for the DMs the bot may send later
    assert shown.embed["description"].startswith("เก็บข้อมูลของคุณ **2** รายการ ตั้งแต่ <t:")
    assert "• ข้อความในช่องที่เปิดให้ค้นหา 1 รายการ" in shown.embed["description"]
    assert shown.embed["footer"]["text"] == "/privacy export ส่งสำเนาให้คุณ"
    assert shown.content == f"-# {TH_DRAFT}"  # the draft note, once, in small print

    english = await gw.slash("privacy show", user=gw.member_id)  # the same member with an English Discord
    assert english.embed["title"] == "What the bot stores about you" and not english.content
    assert "messages in channels opted in to the archive: 1" in english.embed["description"]


async def test_a_count_takes_the_languages_plural_form(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    # Russian has three forms: 1 запись, 3 записи, 5 записей (CLDR's rule, from the catalogue header)
    fake_catalogue("ru", {RECORDS: ("Хранится **{count}** запись о вас, с {first} по {last}:",
                                    "Хранятся **{count}** записи о вас, с {first} по {last}:",
                                    "Хранится **{count}** записей о вас, с {first} по {last}:")})
    posted = 1  # the member's Russian Discord locale, kept for DMs, is one record of its own
    for total, expected in ((2, "Хранятся **2** записи"), (5, "Хранится **5** записей"), (21, "Хранится **21** запись")):
        for _ in range(total - posted):
            await gw.post_message(f"note {posted}", author=gw.member_id, channel_id=ARCHIVED)
            posted += 1
        shown = await gw.slash("privacy show", user=gw.member_id, locale="ru")
        head = shown.embed["description"].split("\n")[0]
        assert head.startswith(expected), head
    english = await gw.slash("privacy show", user=gw.member_id)
    assert english.embed["description"].startswith("**21** records are stored about you")


async def test_forget_buttons_and_their_answer_are_in_the_pressers_language(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {"Yes, forget my messages": "ใช่ ลบข้อความของฉัน", "Cancel": "ยกเลิก",
                          "Cancelled: nothing was deleted.": "ยกเลิกแล้ว: ไม่มีอะไรถูกลบ", DRAFT: TH_DRAFT,
                          "Only the member who asked can confirm this.": "เฉพาะผู้ที่ขอเท่านั้นที่ยืนยันได้"})
    prompt = await gw.slash("privacy forget", user=gw.member_id, locale="th")
    assert [b["label"] for b in prompt.buttons] == ["ใช่ ลบข้อความของฉัน", "ยกเลิก"]

    stranger = await gw.press(prompt, "ยกเลิก", user=gw.add_user("kim"), locale="th")
    assert stranger.ephemeral and "เฉพาะผู้ที่ขอเท่านั้นที่ยืนยันได้" in stranger.text

    cancelled = await gw.press(prompt, "ยกเลิก", user=gw.member_id, locale="th")
    assert cancelled.content == f"ยกเลิกแล้ว: ไม่มีอะไรถูกลบ\n-# {TH_DRAFT}"  # an edit carries the note too


async def test_a_bad_search_is_refused_in_the_members_language(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {
        "Your search has no letters or numbers to look for. Try a word or two.": "คำค้นไม่มีตัวอักษรหรือตัวเลข",
        "**after** must be a date like 2026-03-31 (year-month-day).": "**after** ต้องเป็นวันที่ เช่น 2026-03-31",
        ("That search is {count} character long; please keep it under {limit}.",
         "That search is {count} characters long; please keep it under {limit}."): ("คำค้นยาว {count} ตัวอักษร "
                                                                                   "กรุณาให้สั้นกว่า {limit}",),
    })
    nothing = await gw.slash("search", query="!!! ???", locale="th")
    assert nothing.ephemeral and nothing.embed["description"] == "คำค้นไม่มีตัวอักษรหรือตัวเลข"
    dated = await gw.slash("search", query="coop", after="yesterday", locale="th")
    assert dated.ephemeral and dated.embed["description"] == "**after** ต้องเป็นวันที่ เช่น 2026-03-31"
    long = await gw.slash("search", query="a" * 1234, locale="th")
    assert long.embed["description"] == "คำค้นยาว 1,234 ตัวอักษร กรุณาให้สั้นกว่า 300"  # numbers as Babel writes them for Thai
    english = await gw.slash("search", query="!!! ???")
    assert english.embed["description"].startswith("Your search has no letters or numbers")


async def test_search_results_and_their_page_buttons_are_translated(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("vi", {"Search: {search}": "Tìm kiếm: {search}", ("{count} result", "{count} results"): (
        "{count} kết quả",), "{results} — page {page} of {pages}": "{results} — trang {page}/{pages}",
        "🗨️ Discussion": "🗨️ Thảo luận", "Next ▶": "Tiếp ▶", "◀ Previous": "◀ Trước",
        "Also searched: {names}": "Cũng tìm: {names}"})
    for i in range(7):
        await gw.post_message(f"cooperative finance note {i}", author=gw.member_id, channel_id=ARCHIVED)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    found = await gw.slash("search", query="cooperative", locale="vi")
    assert found.embed["title"] == "Tìm kiếm: “cooperative”"
    count, note = found.embed["description"].split("\n")  # and the glossary's other names searched
    assert count == "7 kết quả — trang 1/2" and note.startswith("-# Cũng tìm: สหกรณ์, hợp tác xã")
    assert found.embed["fields"][0]["name"] == "🗨️ Thảo luận"
    second = await gw.press(found, "Tiếp ▶", user=gw.default_user(), locale="vi")
    assert second.embed["description"].split("\n")[0] == "7 kết quả — trang 2/2" and second.button("◀ Trước")


async def test_an_unknown_country_is_answered_in_the_members_language(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("km", {"No such programme country": "គ្មានប្រទេសកម្មវិធីនេះទេ", "Did you mean": "តើអ្នកចង់មានន័យថា"})
    miss = await gw.slash("country", user=gw.member_id, name="Kambodia", language="km")
    assert miss.ephemeral and miss.embed["title"] == "គ្មានប្រទេសកម្មវិធីនេះទេ"
    assert miss.embed["fields"][0]["name"] == "តើអ្នកចង់មានន័យថា" and "Cambodia" in miss.embed["fields"][0]["value"]
    fake_catalogue("km", {"{country}: social and solidarity economy": "{country}៖ សេដ្ឋកិច្ចសង្គម និងសាមគ្គីភាព",
                          "Laws, decrees, strategies and plans": "ច្បាប់ អនុក្រឹត្យ យុទ្ធសាស្ត្រ និងផែនការ"})
    profile = await gw.slash("country", user=gw.member_id, name="Cambodia", language="km")
    assert profile.embed["title"] == "Cambodia៖ សេដ្ឋកិច្ចសង្គម និងសាមគ្គីភាព"
    assert profile.embed["fields"][0]["name"] == "ច្បាប់ អនុក្រឹត្យ យុទ្ធសាស្ត្រ និងផែនការ"


async def test_the_ask_form_is_labelled_in_the_openers_language(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("ja", {"Ask the community": "コミュニティに質問する", "Title": "タイトル", "Question": "質問",
                          "Please type something for **{field}**: it was empty.": "**{field}** が空です。",
                          "title": "タイトル"})
    opened = await gw.slash("ask", user=gw.member_id, locale="ja")
    form = opened.modal
    assert form["title"] == "コミュニティに質問する"
    labels = [c["components"][0]["label"] for c in form["components"]]
    assert labels[:2] == ["タイトル", "質問"] and labels[2:] == ["Country", "Topic"]  # not translated yet: English
    empty = await gw.submit_modal(form, {"sse:qa:ask:title": " ", "sse:qa:ask:body": "Where do I start?",
                                         "sse:qa:ask:country": "", "sse:qa:ask:topic": ""},
                                  user=gw.member_id, locale="ja")
    assert empty.ephemeral and "**タイトル** が空です。" in empty.text
    english = await gw.slash("ask", user=gw.member_id)
    assert english.modal["title"] == "Ask the community"


async def test_setup_check_reads_in_the_managers_language_and_the_log_in_english(
        gw: OfflineDiscord, fake_catalogue: FakeCatalogue, caplog: pytest.LogCaptureFixture) -> None:
    fake_catalogue("zh", {
        "What I can and cannot do": "我能做和不能做的事",
        "Send Messages": "发送消息",
        "cannot {permission} in {place} ({why}). Give the bot's role {permission} in {place} "
        "(Edit Channel > Permissions).": "无法在 {place} {permission}（{why}）。请在 {place} 给机器人的角色{permission}权限"
                                         "（编辑频道 > 权限）。",
        "{capability}: {finding}": "{capability}：{finding}",
    })
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id, deny=discord.Permissions(send_messages=True).value)
    await gw.settle()
    checked = await gw.slash("setup check", locale="zh-CN")
    assert checked.embed["title"] == "我能做和不能做的事"
    assert "无法在 #announcements 发送消息" in checked.embed["description"]
    message = await panel(gw)
    with caplog.at_level(logging.WARNING, logger="cogs.setup.jobs"):
        await gw.select(int(message["id"]), "sse:setup:role:helpers", [gw.bot_role_id], kind=6, locale="zh-CN")
    logged = [r.getMessage() for r in caplog.records if "after /setup" in r.getMessage()]
    assert logged and all("发送" not in line for line in logged)
    assert any("cannot Send Messages in #announcements" in line for line in logged)
