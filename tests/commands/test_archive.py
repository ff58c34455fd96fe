"""/archive backfill: history paged in, progress shown, resumable and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cogs.search import archive
from offline import OfflineDiscord
from tests.conftest import ARCHIVED


def seed(gw: OfflineDiscord, n: int) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(days=30)
    return [gw.seed_message(f"history note {i} about seed banks", author=gw.member_id, channel_id=ARCHIVED,
                            when=start + timedelta(minutes=i)) for i in range(n)]


async def count(gw: OfflineDiscord) -> int:
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        return await archive.count_messages(session, ARCHIVED)


async def test_backfill_stores_the_history_once_and_reports_progress(gw: OfflineDiscord) -> None:
    seed(gw, 730)
    result = await gw.slash("archive backfill", user=gw.facilitator_id, channel=ARCHIVED)
    assert result.messages[0]["flags"] & 64  # private to the facilitator
    assert "730 messages stored" in result.text
    progress = [m.get("content", "") for m in result.messages]
    assert any("read" in (c or "") for c in progress), "progress was shown while paging"
    assert await count(gw) == 730
    again = await gw.slash("archive backfill", user=gw.facilitator_id, channel=ARCHIVED)
    assert "0 messages stored" in again.text
    assert await count(gw) == 730


async def test_an_interrupted_backfill_resumes_without_losing_or_duplicating(gw: OfflineDiscord, error_logs: Any) -> None:
    seed(gw, 450)
    history = gw.routes[("GET", "/channels/{channel_id}/messages")]
    served = {"pages": 0}

    def crash_after_two_pages(call: Any, p: dict[str, str]) -> Any:
        served["pages"] += 1
        if served["pages"] == 3:
            raise ConnectionResetError("killed")
        return history(call, p)

    gw.routes[("GET", "/channels/{channel_id}/messages")] = crash_after_two_pages
    crashed = await gw.slash("archive backfill", user=gw.facilitator_id, channel=ARCHIVED)
    assert "something went wrong" in crashed.text.lower()
    for record in error_logs.records:  # the simulated crash is logged as a bug, as it should be
        record.expected = True
    assert await count(gw) == 200
    gw.routes[("GET", "/channels/{channel_id}/messages")] = history
    resumed = await gw.slash("archive backfill", user=gw.facilitator_id, channel=ARCHIVED)
    assert "Resuming" in resumed.messages[0]["content"]
    assert await count(gw) == 450


async def test_only_facilitators_and_only_opted_in_channels(gw: OfflineDiscord) -> None:
    member = await gw.slash("archive backfill", user=gw.member_id, channel=ARCHIVED)
    assert member.ephemeral and "Only facilitators" in member.text
    other = await gw.slash("archive backfill", user=gw.facilitator_id, channel=gw.channel_id("general"))
    assert other.ephemeral and "not opted in" in other.text
