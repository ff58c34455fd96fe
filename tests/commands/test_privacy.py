"""/privacy show, export and forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import App
from offline import OfflineDiscord
from tests.conftest import ARCHIVED, PG_URL
from tests.test_forget_bytes import file_bytes


async def test_show_export_and_forget_my_messages(gw: OfflineDiscord) -> None:
    other = gw.add_user("kim")
    await gw.post_message("My cooperative in Battambang", author=gw.member_id, channel_id=ARCHIVED)
    await gw.post_message("Kim's cooperative note", author=other, channel_id=ARCHIVED)

    shown = await gw.slash("privacy", user=gw.member_id)
    assert shown.ephemeral and "**1** record is stored" in shown.text
    assert "messages in channels opted in to the archive: 1" in shown.text

    exported = await gw.slash("privacy", user=gw.member_id, action="export")
    assert exported.ephemeral
    name, data = exported.files[0]
    assert name.endswith(".json")
    payload = json.loads(data)
    assert [m["content"] for m in payload["messages"]] == ["My cooperative in Battambang"]

    prompt = await gw.slash("privacy", user=gw.member_id, action="forget")
    assert prompt.ephemeral and "cannot be undone" in prompt.text
    stranger = await gw.press(prompt, "Yes, forget my messages", user=other)
    assert stranger.ephemeral and "Only the member" in stranger.text
    done = await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    assert "1 record deleted" in done.text and "search: 1" in done.text

    found = await gw.slash("search", query="cooperative")
    assert "Battambang" not in found.text and "Kim" in found.text
    again = await gw.slash("privacy", user=gw.member_id)
    assert "Nothing is stored about you" in again.text


async def test_cancel_deletes_nothing(gw: OfflineDiscord) -> None:
    await gw.post_message("Keep me", author=gw.member_id, channel_id=ARCHIVED)
    prompt = await gw.slash("privacy", user=gw.member_id, action="forget")
    cancelled = await gw.press(prompt, "Cancel", user=gw.member_id)
    assert "nothing was deleted" in cancelled.text
    assert "**1** record is stored" in (await gw.slash("privacy", user=gw.member_id)).text


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite files")
async def test_forget_removes_the_text_from_the_database_files(gw: OfflineDiscord, app: App,
                                                                 database_url: str) -> None:
    # Markers sharing no prefix with other tokens: FTS5 stores a term after the prefix it shares
    # with its sorted neighbour, so only such a marker is greppable whole.
    mine, theirs = "qvx7forgetme", "zkb9keepthis"
    other = gw.add_user("kim")
    await gw.post_message(f"My home address is {mine} road", author=gw.member_id, channel_id=ARCHIVED)
    await gw.post_message(f"Kim's note {theirs} stays", author=other, channel_id=ARCHIVED)

    prompt = await gw.slash("privacy", user=gw.member_id, action="forget")
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
