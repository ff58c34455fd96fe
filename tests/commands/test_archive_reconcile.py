"""Deletions and edits made while the bot was away reach the archive after it reconnects."""

from __future__ import annotations

from cogs.search.writer import ArchiveWriter
from offline import OfflineDiscord
from tests.conftest import ARCHIVED


async def test_a_message_deleted_while_the_bot_was_down_stops_being_searchable(gw: OfflineDiscord) -> None:
    kept = await gw.post_message("kombucha cooperative meets on Monday", author=gw.member_id, channel_id=ARCHIVED)
    lost = await gw.post_message("kombucha cooperative bank details", author=gw.member_id, channel_id=ARCHIVED)
    changed = await gw.post_message("kombucha cooperative meets in room 3", author=gw.member_id, channel_id=ARCHIVED)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    before = await gw.slash("search", query="kombucha")
    assert "bank details" in before.text and "room 3" in before.text

    # While disconnected: one message deleted, one edited; no events reach the bot.
    del gw.messages[int(lost["id"])]
    gw.messages[int(changed["id"])]["content"] = "kombucha cooperative meets in the garden"
    gw.dispatch("RESUMED", {})
    await gw.settle()

    after = await gw.slash("search", query="kombucha")
    assert "bank details" not in after.text
    assert "garden" in after.text and "room 3" not in after.text
    assert "Monday" in after.text
    assert int(kept["id"]) in gw.messages  # nothing else was touched


async def test_a_deleted_message_stays_gone_when_the_channel_is_backfilled(gw: OfflineDiscord) -> None:
    lost = await gw.post_message("mushroom growers price list", author=gw.member_id, channel_id=ARCHIVED)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    gw.dispatch("MESSAGE_DELETE", {"id": lost["id"], "channel_id": str(ARCHIVED), "guild_id": str(gw.guild_id)})
    await gw.settle()
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    assert "price list" not in (await gw.slash("search", query="mushroom")).text
    # Discord's history still served it to a backfill that read the page just before the deletion.
    await gw.slash("archive backfill", user=gw.facilitator_id, channel=ARCHIVED)
    assert "price list" not in (await gw.slash("search", query="mushroom")).text
