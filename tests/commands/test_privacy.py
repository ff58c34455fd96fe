"""/privacy show, export and forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import App
from offline import OfflineDiscord
from tests.conftest import ARCHIVED, PG_URL
from tests.conftest import config_on_both_search_engines as config_data  # noqa: F401 (each test on both engines)
from tests.test_forget_bytes import file_bytes


async def test_show_export_and_forget_my_messages(gw: OfflineDiscord) -> None:
    other = gw.add_user("kim")
    await gw.post_message("My cooperative in Battambang", author=gw.member_id, channel_id=ARCHIVED)
    await gw.post_message("Kim's cooperative note", author=other, channel_id=ARCHIVED)

    shown = await gw.slash("privacy show", user=gw.member_id)
    assert shown.ephemeral and "**1** record is stored" in shown.text
    assert "messages in channels opted in to the archive: 1" in shown.text

    exported = await gw.slash("privacy export", user=gw.member_id)
    assert exported.ephemeral
    name, data = exported.files[0]
    assert name.endswith(".json")
    payload = json.loads(data)
    assert [m["content"] for m in payload["messages"]] == ["My cooperative in Battambang"]

    prompt = await gw.slash("privacy forget", user=gw.member_id)
    assert prompt.ephemeral and "cannot be undone" in prompt.text
    stranger = await gw.press(prompt, "Yes, forget my messages", user=other)
    assert stranger.ephemeral and "Only the member" in stranger.text
    done = await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    assert "1 record deleted" in done.text and "search: 1" in done.text

    found = await gw.slash("search", query="cooperative")
    assert "Battambang" not in found.text and "Kim" in found.text
    again = await gw.slash("privacy show", user=gw.member_id)
    assert "Nothing is stored about you" in again.text


async def test_cancel_deletes_nothing(gw: OfflineDiscord) -> None:
    await gw.post_message("Keep me", author=gw.member_id, channel_id=ARCHIVED)
    prompt = await gw.slash("privacy forget", user=gw.member_id)
    cancelled = await gw.press(prompt, "Cancel", user=gw.member_id)
    assert "nothing was deleted" in cancelled.text
    assert "**1** record is stored" in (await gw.slash("privacy show", user=gw.member_id)).text


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite files")
async def test_forget_removes_the_text_from_the_database_files(gw: OfflineDiscord, app: App,
                                                                 database_url: str) -> None:
    # Markers sharing no prefix with other tokens: FTS5 stores a term after the prefix it shares
    # with its sorted neighbour, so only such a marker is greppable whole.
    mine, theirs = "qvx7forgetme", "zkb9keepthis"
    other = gw.add_user("kim")
    await gw.post_message(f"My home address is {mine} road", author=gw.member_id, channel_id=ARCHIVED)
    await gw.post_message(f"Kim's note {theirs} stays", author=other, channel_id=ARCHIVED)

    prompt = await gw.slash("privacy forget", user=gw.member_id)
    done = await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    assert "search: 1" in done.text
    db_file = Path(database_url.split("///", 1)[1])
    # While the bot keeps running (or if it is killed now), not only after a clean shutdown, which
    # checkpoints the write-ahead log by itself.
    running = file_bytes(db_file)
    assert mine.encode() not in running
    assert theirs.encode() in running
    await gw.close()
    await app.close()

    closed = file_bytes(db_file)
    assert mine.encode() not in closed
    assert theirs.encode() in closed


async def test_publish_on_and_off_say_what_is_published_and_show_in_show_and_export(gw: OfflineDiscord) -> None:
    somchai = gw.add_user("Somchai <@everyone>")
    shown = await gw.slash("privacy show", user=somchai)
    assert "Not published: nothing you wrote is on the web site" in shown.text  # off by default

    on = await gw.slash("privacy publish on", user=somchai)
    assert on.ephemeral and "Publishing is on" in on.text
    assert "your questions in the Q&A forum once they are solved" in on.text and "your answers" in on.text
    assert "/privacy publish off removes your pages and answers at once" in on.text
    assert "**Somchai <@\u200beveryone>**" in on.text  # the name the site shows, inert on Discord
    shown = await gw.slash("privacy show", user=somchai)
    assert "Published: your solved questions and your answers are on the web site" in shown.text
    assert "your name as the public web site shows it (/privacy publish): 1" in shown.text
    exported = json.loads((await gw.slash("privacy export", user=somchai)).files[0][1])
    assert exported["publish_web"] == {"on": True, "name": "Somchai <@everyone>"}
    assert exported["saved_queries"] == []  # the name is not a saved search

    off = await gw.slash("privacy publish off", user=somchai)
    assert off.ephemeral and "Publishing is off" in off.text
    assert "an answer from a member who has not published their messages" in off.text
    shown = await gw.slash("privacy show", user=somchai)
    assert "Not published" in shown.text and "public web site shows it" not in shown.text
    exported = json.loads((await gw.slash("privacy export", user=somchai)).files[0][1])
    assert exported["publish_web"] == {"on": False, "name": None}


async def test_forget_turns_publishing_off(gw: OfflineDiscord) -> None:
    await gw.slash("privacy publish on", user=gw.member_id)
    prompt = await gw.slash("privacy forget", user=gw.member_id)
    await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    exported = json.loads((await gw.slash("privacy export", user=gw.member_id)).files[0][1])
    assert exported["publish_web"] == {"on": False, "name": None}
    assert "Not published" in (await gw.slash("privacy show", user=gw.member_id)).text


async def test_publish_answers_in_the_members_language(gw: OfflineDiscord) -> None:
    from tests.conftest import said

    on = await gw.slash("privacy publish on", user=gw.member_id, locale="th")
    expected = said("th", "Publishing is on. The public web site, which anyone can read without Discord, now shows:")
    assert expected != "Publishing is on. The public web site, which anyone can read without Discord, now shows:"
    assert on.ephemeral and on.text.startswith(expected)
    off = await gw.slash("privacy publish off", user=gw.member_id, locale="th")
    assert off.text.startswith(said("th", "Publishing is off: the web site shows nothing you wrote, from now on. "
                                          "Under other members' questions your answers appear only as “an answer "
                                          "from a member who has not published their messages”, without text or name."))


@pytest.mark.parametrize("locale", ["th", "vi", "ja", "en-US"])
async def test_a_reply_names_commands_as_the_members_discord_lists_them(gw: OfflineDiscord, locale: str) -> None:
    # Discord lists the commands under their translated names in these locales (from the commands
    # the bot synced); a reply that tells a member what to type says it the same way.
    synced = {c["name"]: c for c in gw.synced_commands[str(gw.guild_id)]}
    privacy = synced["privacy"]
    export = next(o for o in privacy["options"] if o["name"] == "export")
    shown = await gw.slash("privacy show", user=gw.member_id, locale=locale)
    footer = shown.embed["footer"]["text"]
    if locale == "en-US":
        assert "/privacy export" in footer
    else:
        local = f"/{privacy['name_localizations'][locale]} {export['name_localizations'][locale]}"
        assert local != "/privacy export" and local in footer
        assert "/privacy" not in footer
