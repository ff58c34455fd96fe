"""Done when (issue 10): a member reading any of the 13 languages sees every reply in it. Through the
real discord.py path and the shipped catalogues and glossary (no fakes): /define, /sessions, an RSVP
click, a reminder DM and an error reply, for each language; members whose language Discord has a
locale for by their Discord locale, the others by /language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from bot.catalogues import _, ngettext, use_language
from bot.content import Content
from bot.i18n import LANGUAGES, TRANSLATION_LANGUAGES
from cogs.glossary.ui import NOTHING_CLOSE
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.reading import TrainingSessionService
from offline import OfflineDiscord
from tests.commands.test_sessions import announcements, button_id, create, dms, in_days
from tests.conftest import base_config

DRAFT = "This reply is a draft translation, not yet reviewed by a native speaker."


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["reminders"] = {"dm_per_second": 50, "grace_minutes": 30}
    return data


def in_(language: str, message: str) -> str:
    with use_language(language):
        return _(message)


async def reader(gw: OfflineDiscord, language: str, name: str) -> tuple[int, str]:
    """A member who reads ``language``, and the Discord locale their interactions carry."""
    user = gw.add_user(name)
    locales = LANGUAGES[language].discord_locales
    if locales:
        return user, locales[0]
    await gw.slash("language", user=user, language=language)
    return user, "en-US"


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
async def test_every_reply_reads_in_the_members_language(gw: OfflineDiscord, app: App, shipped_content: Content,
                                                         language: str) -> None:
    user, locale = await reader(gw, language, f"reader-{language}")
    draft = in_(language, DRAFT)
    assert draft != DRAFT

    # /define: the term's name, definition and the small print in the language
    cooperative = next(t for t in shipped_content.terms if t.id == "cooperative")
    entry = cooperative.translations[language]
    defined = await gw.slash("define", term="cooperative", user=user, locale=locale)  # as autocomplete sends it
    assert entry.name and entry.name in defined.embed["title"]
    assert entry.short and defined.embed["description"].startswith(entry.short)
    assert defined.text.count(draft) == 1, "one draft note per reply"

    # an error reply: a term nobody has
    missed = await gw.slash("define", term="zqxwvy", user=user, locale=locale)
    assert missed.ephemeral and in_(language, NOTHING_CLOSE) in missed.text

    # /sessions
    await create(gw, start=in_days(3, hour=14))
    listed = await gw.slash("sessions", user=user, locale=locale)
    assert listed.embed["title"] == in_(language, "Upcoming sessions") != "Upcoming sessions"
    with use_language(language):
        going = _("Going {count}").format(count=0)
    assert going in listed.embed["fields"][0]["value"]

    # an RSVP click
    [msg] = announcements(gw)
    clicked = await gw.click(int(msg["id"]), button_id(msg, "Going"), user=user, locale=locale)
    with use_language(language):
        marked = _("You're marked as **{answer}** for **{title}**.").format(answer=_("Going"),
                                                                            title="Cooperative law clinic")
    assert marked in clicked.text and draft in clicked.text

    # a reminder DM, an hour before the start
    async with app.db.begin() as session:
        planned = (await app.service(TrainingSessionService).upcoming(session)).items[0]
    await gw.bot.runtime(SessionJobs).fire(planned.id, now=planned.start_utc - timedelta(minutes=60))
    await gw.settle()
    [text] = [text for uid, text in dms(gw) if uid == user]
    with use_language(language):
        heading = ngettext("In {count} hour: **{title}**", "In {count} hours: **{title}**", 1).format(
            count=1, title="Cooperative law clinic")
    assert heading in text and "In 1 hour" not in text
