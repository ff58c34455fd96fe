"""Availability polls through the real discord.py code path: /session poll, votes, results, the
winning slot becoming a session, buttons after a restart."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from cogs.polls.models import PollVote, SessionPoll
from cogs.sessions.reading import TrainingSessionService
from offline import OfflineDiscord, boot_offline
from tests.commands.test_sessions import in_days
from tests.conftest import ANNOUNCEMENTS

SLOTS = [in_days(3), in_days(4, hour=9), in_days(5, hour=16)]


async def poll(gw: OfflineDiscord, *, user: int | None = None, **options: Any) -> Any:
    opts: dict[str, Any] = {"title": "Cooperative finance clinic", "slots": "; ".join(SLOTS),
                            "timezone": "Asia/Bangkok", "countries": "TH, VN, JP"}
    opts.update(options)
    return await gw.slash("session poll", user=user or gw.facilitator_id, **opts)


def poll_posts(gw: OfflineDiscord) -> list[dict[str, Any]]:
    return [m for m in gw.messages.values() if int(m["channel_id"]) == ANNOUNCEMENTS and m["embeds"]
            and m["embeds"][0].get("title", "").startswith(("When suits you", "Closed poll"))]


def labels(message: dict[str, Any]) -> list[str]:
    return [c.get("label") for row in message["components"] for c in row["components"]]


def custom_id(message: dict[str, Any], label_start: str) -> str:
    for row in message["components"]:
        for c in row["components"]:
            if (c.get("label") or "").startswith(label_start):
                return str(c["custom_id"])
    raise AssertionError(f"no button {label_start!r}")


async def stored(app: App, model: Any) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_poll_is_posted_with_each_slot_in_every_members_time(gw: OfflineDiscord) -> None:
    result = await poll(gw)
    assert result.ephemeral and "is open with 3 slots" in result.content
    [msg] = poll_posts(gw)
    assert labels(msg) == ["Slot 1 (0)", "Slot 2 (0)", "Slot 3 (0)", "Results (facilitators)"]
    first = datetime.strptime(SLOTS[0], "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Asia/Bangkok")).astimezone(UTC)
    text = str(msg["embeds"])
    assert f"<t:{int(first.timestamp())}:F>" in text and "facilitator's time" in text and "Asia/Bangkok" in text
    assert msg.get("allowed_mentions", {"parse": []}).get("parse") == []


async def test_votes_in_two_slots_unvote_and_live_counts(gw: OfflineDiscord, app: App) -> None:
    await poll(gw)
    [msg] = poll_posts(gw)
    mid = int(msg["id"])
    one = await gw.click(mid, custom_id(msg, "Slot 1"), user=gw.member_id)
    assert one.response_type == 7 and "is counted" in one.text
    two = await gw.click(mid, custom_id(msg, "Slot 2"), user=gw.member_id)
    assert "slot 1" in two.text and "slot 2" in two.text
    other = gw.add_user("aigerim")
    await gw.click(mid, custom_id(msg, "Slot 2"), user=other)
    assert labels(gw.messages[mid])[:3] == ["Slot 1 (1)", "Slot 2 (2)", "Slot 3 (0)"]
    back = await gw.click(mid, custom_id(msg, "Slot 1"), user=gw.member_id)
    assert back.ephemeral and "taken back" in back.text
    assert labels(gw.messages[mid])[:3] == ["Slot 1 (0)", "Slot 2 (2)", "Slot 3 (0)"]
    assert await stored(app, PollVote) == 2


async def test_results_and_the_winning_slot_becomes_a_session(gw: OfflineDiscord, app: App) -> None:
    await poll(gw)
    [msg] = poll_posts(gw)
    mid = int(msg["id"])
    stale = copy.deepcopy(msg)  # the poll as a member's client still shows it when it closes
    for name in ("a", "b"):
        await gw.click(mid, custom_id(msg, "Slot 2"), user=gw.add_user(name))
    await gw.click(mid, custom_id(msg, "Slot 3"), user=gw.member_id)
    results = await gw.click(mid, custom_id(msg, "Results"), user=gw.facilitator_id)
    assert results.ephemeral and "Leading: slot 2" in results.text and "countries" in results.text
    planned = await gw.press(results, "Plan slot 2", user=gw.facilitator_id)
    assert planned.ephemeral and "Planned **Cooperative finance clinic**" in planned.text and "now closed" in planned.text
    async with app.db.begin() as session:
        [training_session] = (await app.service(TrainingSessionService).upcoming(session)).items
    expected = datetime.strptime(SLOTS[1], "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Asia/Bangkok")).astimezone(UTC)
    assert training_session.start_utc == expected and training_session.timezone == "Asia/Bangkok"
    assert list(training_session.countries) == ["TH", "VN", "JP"] or set(training_session.countries) == {"TH", "VN", "JP"}
    assert any("Cooperative finance clinic" == m["embeds"][0]["title"] for m in gw.messages.values() if m["embeds"])
    closed = gw.messages[mid]
    assert "Closed poll" in closed["embeds"][0]["title"] and not closed["components"]
    # a vote after the close, and a second "plan", are refused; nothing is stored twice
    gw.messages[mid] = stale
    late = await gw.click(mid, custom_id(stale, "Slot 1"), user=gw.member_id)
    assert late.ephemeral and "closed" in late.text
    again = await gw.press(results, "Plan slot 3", user=gw.facilitator_id)
    assert again.ephemeral and "already closed" in again.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).upcoming(session)).total == 1
    assert await stored(app, PollVote) == 3


async def test_members_cannot_run_see_plan_or_close_polls(gw: OfflineDiscord, app: App) -> None:
    refused = await poll(gw, user=gw.member_id)
    assert refused.ephemeral and "Only facilitators" in refused.text
    assert await stored(app, SessionPoll) == 0
    await poll(gw)
    [msg] = poll_posts(gw)
    mid = int(msg["id"])
    results = await gw.click(mid, custom_id(msg, "Results"), user=gw.member_id)
    assert results.ephemeral and "Only facilitators" in results.text
    facilitator_view = await gw.click(mid, custom_id(msg, "Results"), user=gw.facilitator_id)
    planned = await gw.press(facilitator_view, "Plan slot 1", user=gw.member_id)
    assert planned.ephemeral and "Only facilitators" in planned.text
    closed = await gw.press(facilitator_view, "Close without a session", user=gw.member_id)
    assert closed.ephemeral and "Only facilitators" in closed.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).upcoming(session)).total == 0
        assert (await session.scalar(select(SessionPoll.status))) == "open"
    done = await gw.press(facilitator_view, "Close without a session", user=gw.facilitator_id)
    assert "is closed" in done.text and not gw.messages[mid]["components"]


@pytest.mark.parametrize(("slots", "expected"), [
    ("", "2 to 5 slots (you gave 0)"),
    (SLOTS[0], "2 to 5 slots (you gave 1)"),
    ("; ".join(in_days(d) for d in range(2, 8)), "2 to 5 slots (you gave 6)"),
    (f"{SLOTS[0]}; whenever-ish", "Slot 2: I couldn't read"),
    (f"{SLOTS[0]}; 2020-01-01 10:00", "Slot 2: that start is in the past"),
])
async def test_bad_slots_get_a_clear_private_answer_and_store_nothing(gw: OfflineDiscord, app: App, slots: str,
                                                                      expected: str) -> None:
    result = await poll(gw, slots=slots or " ")
    assert result.ephemeral and expected in result.text
    assert not poll_posts(gw) and await stored(app, SessionPoll) == 0


async def test_poll_buttons_work_on_a_freshly_booted_bot(gw: OfflineDiscord, app: App) -> None:
    await poll(gw)
    [msg] = poll_posts(gw)
    await gw.close()
    _bot, again = await boot_offline(app)
    try:
        again.messages[int(msg["id"])] = msg
        result = await again.click(int(msg["id"]), custom_id(msg, "Slot 3"), user=again.member_id)
        assert result.response_type == 7
        assert labels(again.messages[int(msg["id"])])[2] == "Slot 3 (1)"
    finally:
        await again.close()
