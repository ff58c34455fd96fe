"""Deleted means gone: tombstones against every store path, and reconciling recent history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.app import App
from cogs.search import archive, backfill, dce_import, reconcile
from cogs.search import service as search
from cogs.search.service import SearchService
from cogs.search.writer import ArchiveWriter
from db.search import snowflake_at
from tests.conftest import config_on_both_search_engines as config_data  # noqa: F401 (each test on both engines)

CHANNEL = 4242


def record(mid: int, content: str, channel_id: int = CHANNEL) -> archive.MessageRecord:
    return archive.MessageRecord(id=mid, channel_id=channel_id, guild_id=1, author_id=7, content=content,
                                 created_at=datetime.now(UTC))


async def found(app: App, words: str) -> list[int]:
    async with app.db.begin() as session:
        page = await app.service(SearchService).search(session, search.parse_params(words))
    return [h.message_id for h in page.hits]


async def test_a_message_deleted_while_its_backfill_page_is_in_flight_is_not_stored(app: App) -> None:
    base = snowflake_at(datetime.now(UTC) - timedelta(days=3))
    page = [record(base + i, f"granary cooperative note {i}") for i in range(3)]
    # The page was read from Discord, then the delete event for its middle message was handled.
    async with app.db.begin() as session:
        assert await archive.delete_messages(session, [page[1].id]) == 0  # not stored yet
    async with app.db.begin() as session:
        await backfill.backfill_start(session, CHANNEL)
        state = await backfill.backfill_page(session, CHANNEL, page, done=True)
    assert state.stored == 2
    assert sorted(await found(app, "granary")) == [page[0].id, page[2].id]


async def test_a_reimported_export_does_not_bring_back_deleted_messages(app: App) -> None:
    base = snowflake_at(datetime.now(UTC) - timedelta(days=30))
    export = {"guild": {"id": "1"}, "channel": {"id": str(CHANNEL)}, "messages": [
        {"id": str(base + i), "type": "Default", "content": f"seed library meeting {i}",
         "author": {"id": "7"}, "timestamp": "2026-01-01T00:00:00Z"} for i in range(4)]}
    records, problems = dce_import.parse_dce_export(json.loads(json.dumps(export)))
    assert not problems
    async with app.db.begin() as session:
        assert await archive.store_messages(session, records) == 4
    async with app.db.begin() as session:
        assert await archive.delete_messages(session, [base + 2]) == 1
    async with app.db.begin() as session:
        result = await archive.store_batch(session, records)
    assert (result.new, result.changed, result.tombstoned) == (0, 0, 1)
    assert base + 2 not in await found(app, "library")
    assert len(await found(app, "library")) == 3


async def test_a_live_message_whose_id_was_deleted_is_not_stored(app: App) -> None:
    mid = snowflake_at(datetime.now(UTC))
    async with app.db.begin() as session:
        await archive.delete_messages(session, [mid])
    app.service(ArchiveWriter).store(record(mid, "replayed event about rice banks"))
    await app.service(ArchiveWriter).flush()
    assert await found(app, "rice") == []


def test_diff_window_finds_deletions_and_edits_and_ignores_unstored_or_unknown_text() -> None:
    stored = {1: "kept", 2: "gone", 3: "old text", 4: "posted for a member"}
    seen = [reconcile.SeenMessage(1, "kept"), reconcile.SeenMessage(3, "new text"),
            reconcile.SeenMessage(4, None), reconcile.SeenMessage(9, "a bot's message we never stored")]
    diff = reconcile.diff_window(stored, seen)
    assert diff.missing == [2]
    assert [(m.id, m.content) for m in diff.edited] == [(3, "new text")]


async def test_reconciling_a_window_deletes_what_discord_lost_and_applies_edits(app: App) -> None:
    now = datetime.now(UTC)
    recent = snowflake_at(now - timedelta(days=1))
    old = snowflake_at(now - timedelta(days=20))
    other = snowflake_at(now - timedelta(hours=5))
    async with app.db.begin() as session:
        await archive.store_messages(session, [
            record(recent, "compost workshop agenda"),
            record(recent + 1, "compost workshop cancelled"),   # deleted while the bot was down
            record(recent + 2, "compost workshop moved"),       # edited while the bot was down
            record(old, "compost workshop from last month"),    # outside the window: not checked
            record(other, "compost in another channel", channel_id=CHANNEL + 1),
        ])
    seen = [reconcile.SeenMessage(recent, "compost workshop agenda"),
            reconcile.SeenMessage(recent + 2, "compost workshop moved to Friday", now)]
    async with app.db.begin() as session:
        channels = await reconcile.channels_in_window(session, now - timedelta(days=7), now)
        result = await reconcile.reconcile_window(session, CHANNEL, seen, start=now - timedelta(days=7), end=now)
    assert channels == [CHANNEL, CHANNEL + 1]
    assert (result.checked, result.deleted, result.edited) == (3, 1, 1)
    assert sorted(await found(app, "compost")) == sorted([recent, recent + 2, old, other])
    assert await found(app, "friday") == [recent + 2]
    assert await found(app, "cancelled") == []
    # Gone for good: a later backfill page holding the deleted message does not restore it.
    async with app.db.begin() as session:
        assert await archive.store_messages(session, [record(recent + 1, "compost workshop cancelled")]) == 0
