"""The language a member reads: set once per interaction, remembered for the DMs the bot sends later
(Discord sends no locale with a DM), and the draft note once per reply."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.catalogues as catalogues
from bot.app import App
from bot.outbox import Outgoing
from db.preferences import get_preferences
from offline import OfflineDiscord
from tests.conftest import draft_line


def dm_to(user_id: int) -> Outgoing:
    return Outgoing(id=1, key="test", kind="test", channel_id=None, user_id=user_id, params={},
                    due_at=datetime(2026, 12, 2, tzinfo=UTC), attempts=0)


async def test_a_dm_reads_in_the_language_of_the_members_latest_interaction(gw: OfflineDiscord, app: App) -> None:
    delivery = gw.bot.delivery
    assert await delivery._language_for(dm_to(gw.member_id)) == "en", "nothing known yet: the server's language"

    await gw.slash("help", user=gw.member_id, locale="th")
    assert await delivery._language_for(dm_to(gw.member_id)) == "th"

    await gw.slash("language", user=gw.member_id, language="ខ្មែរ", locale="th")
    assert await delivery._language_for(dm_to(gw.member_id)) == "km", "/language wins over the Discord locale"

    await gw.slash("language", user=gw.member_id, language="English", locale="en-US")
    async with app.db.begin() as session:
        prefs = await get_preferences(session, gw.member_id)
    assert prefs.discord_locale == "en-US", "a member who moved back to English is not left with Thai DMs"


async def test_english_members_leave_no_record_behind(gw: OfflineDiscord, app: App) -> None:
    await gw.slash("help", user=gw.member_id, locale="en-US")
    async with app.db.begin() as session:
        prefs = await get_preferences(session, gw.member_id)
    assert prefs.discord_locale is None, "the server's own language needs nothing stored"


async def test_a_reply_in_a_draft_language_says_so_once_in_small_print(gw: OfflineDiscord) -> None:
    thai = await gw.slash("help", user=gw.member_id, locale="th")
    assert thai.content == draft_line("th")
    english = await gw.slash("help", user=gw.member_id, locale="en-US")
    assert "draft translation" not in english.text


def test_a_plural_not_translated_yet_reads_as_english_plural(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Thai has one plural form: compiled as it is, an empty one would show the English singular ("23 term").
    folder = tmp_path / "th" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: th\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "{count} term"\nmsgid_plural "{count} terms"\nmsgstr[0] ""\n\n'
        'msgid "{count} place"\nmsgid_plural "{count} places"\nmsgstr[0] "{count} ที่"\n', encoding="utf-8")
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    thai = catalogues.translations.__wrapped__("th")  # type: ignore[attr-defined]
    assert [thai.ngettext("{count} term", "{count} terms", n) for n in (1, 23)] == ["{count} term", "{count} terms"]
    assert thai.ngettext("{count} place", "{count} places", 23) == "{count} ที่"
