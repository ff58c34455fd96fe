"""PollService without Discord: slots read as starts are, votes counted once, privacy."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor
from cogs.polls.service import (
    PollInfo,
    PollService,
    privacy_export,
    privacy_forget,
    privacy_show,
    split_slots,
)
from tests.conftest import FACILITATOR_ROLE

FAC = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = Actor(user_id=22)


def starts(n: int) -> str:
    base = datetime.now(UTC) + timedelta(days=5)
    return "; ".join((base + timedelta(days=d)).strftime("%Y-%m-%d %H:%M") for d in range(n))


async def make_poll(app: App, n: int = 3) -> PollInfo:
    async with app.db.begin() as session:
        poll, _keys = await app.service(PollService).create(session, FAC, title="Clinic", slots=starts(n),
                                                            timezone="Asia/Tokyo", countries="JP, KR")
    return poll


def test_slots_are_split_on_semicolons_bars_and_lines() -> None:
    assert split_slots("2026-12-03 14:00; tomorrow 3pm | next Monday 9am\n") == [
        "2026-12-03 14:00", "tomorrow 3pm", "next Monday 9am"]


async def test_slots_are_read_in_the_polls_zone(app: App) -> None:
    poll = await make_poll(app)
    assert poll.timezone == "Asia/Tokyo" and len(poll.slots) == 3 and poll.countries == ("JP", "KR")
    local = starts(1)
    assert poll.slots[0].start_utc == datetime.strptime(local, "%Y-%m-%d %H:%M").replace(
        tzinfo=UTC) - timedelta(hours=9)


async def test_members_cannot_create_and_bad_counts_are_refused(app: App) -> None:
    polls = app.service(PollService)
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await polls.create(session, MEMBER, title="x", slots=starts(3), timezone="UTC")
        for n in (0, 1, 6):
            with pytest.raises(InvalidInput, match=f"you gave {n}"):
                await polls.create(session, FAC, title="x", slots=starts(n), timezone="UTC")
        with pytest.raises(InvalidInput, match="Slot 2: the same time"):
            await polls.create(session, FAC, title="x", slots=starts(1) + "; " + starts(1), timezone="UTC")


async def test_simultaneous_presses_store_one_vote_and_a_later_press_takes_it_back(app: App) -> None:
    poll = await make_poll(app)
    polls = app.service(PollService)
    slot = poll.slots[1].id

    async def press() -> None:
        async with app.db.begin_write() as session:
            await polls.vote(session, poll.id, slot, 22)

    await asyncio.gather(press(), press(), press())  # three presses: voted, taken back, voted again
    async with app.db.begin() as session:
        results = await polls.results(session, FAC, poll.id)
    assert results.voters_by_slot[slot] == (22,) and results.poll.slot(slot).votes == 1
    await press()
    async with app.db.begin() as session:
        assert (await polls.results(session, FAC, poll.id)).poll.voters == 0


async def test_votes_are_shown_exported_and_forgotten(app: App) -> None:
    poll = await make_poll(app)
    polls = app.service(PollService)
    async with app.db.begin() as session:
        for s in poll.slots[:2]:
            await polls.vote(session, poll.id, s.id, 22)
    async with app.db.begin() as session:
        assert [line.count for line in await privacy_show(session, 22)] == [2, 0]
        exported = await privacy_export(session, 22)
        assert [v["poll_id"] for v in exported["poll_votes"]] == [poll.id, poll.id]
        assert (await privacy_export(session, 11))["polls_created"] == [poll.id]
        assert await privacy_forget(session, 22) == 2
        assert await privacy_forget(session, 11) == 1
    async with app.db.begin() as session:
        assert (await polls.results(session, FAC, poll.id)).poll.voters == 0
        assert [line.count for line in await privacy_show(session, 11)] == [0, 0]
