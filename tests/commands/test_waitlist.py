"""The waitlist of a full session, through the real discord.py code path: the button, joining
twice, leaving, counts, promotion when a place frees (DM once, through the outbox), an edit that
raises the capacity, concurrent cancellations, and the member's records."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from cogs.sessions.models import SessionWaitlist
from cogs.sessions.privacy import privacy_export, privacy_forget, privacy_show
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.rsvp import RsvpService
from cogs.sessions.waitlist import WaitlistService, places
from db.models import OutboxDelivery
from offline import OfflineDiscord, boot_offline
from tests.commands.test_sessions import announcements, button_id, create, dms, labels, session_id


def rsvps_field(message: dict[str, Any]) -> str:
    return str(next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == "RSVPs"))


async def full_session(gw: OfflineDiscord, capacity: int = 1) -> tuple[int, dict[str, Any], list[int]]:
    """A session with ``capacity`` places, all taken; returns its message id, message, and who is going."""
    await create(gw, capacity=capacity)
    [msg] = announcements(gw)
    mid = int(msg["id"])
    going = [gw.member_id] + [gw.add_user(f"going{i}") for i in range(capacity - 1)]
    for uid in going:
        await gw.click(mid, button_id(msg, "Going"), user=uid)
    return mid, gw.messages[mid], going


def test_places_says_one_place_and_several_places() -> None:
    assert places(1) == "1 place" and places(3) == "3 places"


async def test_a_full_session_offers_the_waitlist_and_says_one_place(gw: OfflineDiscord) -> None:
    await create(gw, capacity=1)
    [msg] = announcements(gw)
    assert not any(str(label).startswith("Join waitlist") for label in labels(msg))
    mid = int(msg["id"])
    await gw.click(mid, button_id(msg, "Going"), user=gw.member_id)
    msg = gw.messages[mid]
    assert "Join waitlist (0)" in labels(msg) and "Leave waitlist" in labels(msg)
    assert "Going 1/1 (full) · waitlist 0" in rsvps_field(msg)
    late = await gw.click(mid, button_id(msg, "Going"), user=gw.add_user("late"))
    assert late.ephemeral and "full (1 place)" in late.text and "Join waitlist" in late.text


async def test_joining_twice_is_a_polite_no_op_and_counts_show(gw: OfflineDiscord, app: App) -> None:
    mid, msg, _ = await full_session(gw, capacity=2)
    join = button_id(msg, "Join waitlist")
    first, second = gw.add_user("first"), gw.add_user("second")
    one = await gw.click(mid, join, user=first)
    assert "waitlist" in one.text and one.response_type == 7
    two = await gw.click(mid, join, user=second)
    assert two.response_type == 7
    again = await gw.click(mid, join, user=second)
    assert again.ephemeral and "already on the waitlist, number 2" in again.text
    msg = gw.messages[mid]
    assert "Going 2/2 (full) · waitlist 2" in rsvps_field(msg) and "Join waitlist (2)" in labels(msg)
    going = await gw.click(mid, join, user=gw.member_id)
    assert going.ephemeral and "already have a place" in going.text
    left = await gw.click(mid, button_id(msg, "Leave waitlist"), user=first)
    assert left.response_type == 7
    assert "waitlist 1" in rsvps_field(gw.messages[mid])
    not_on = await gw.click(mid, button_id(msg, "Leave waitlist"), user=first)
    assert not_on.ephemeral and "not on the waitlist" in not_on.text
    async with app.db.begin() as session:
        assert (await app.service(TrainingSessionService).get(session, await session_id(app))).waitlist == 1


async def test_a_freed_place_goes_to_the_first_in_line_told_once_by_dm(gw: OfflineDiscord, app: App) -> None:
    mid, msg, [holder] = await full_session(gw)
    first, second = gw.add_user("first"), gw.add_user("second")
    for uid in (first, second):
        await gw.click(mid, button_id(msg, "Join waitlist"), user=uid)
    await gw.click(mid, button_id(msg, "Can't go"), user=holder)
    await gw.settle()
    assert [uid for uid, text in dms(gw) if "A place freed up" in text] == [first]
    sid = await session_id(app)
    async with app.db.begin() as session:
        assert await app.service(RsvpService).my_rsvp(session, sid, first) == "going"
        keys = (await session.scalars(select(OutboxDelivery.key).where(
            OutboxDelivery.kind == "sessions.waitlist_dm"))).all()
    assert len(keys) == 1
    assert "Going 1/1 (full) · waitlist 1" in rsvps_field(gw.messages[mid])
    # the promoted member's press of the (now stale) Join button tells them they have a place
    again = await gw.click(mid, button_id(msg, "Join waitlist"), user=first)
    assert "already have a place" in again.text
    await gw.click(mid, button_id(msg, "Interested"), user=first)  # gives the place up: the next one gets it
    await gw.settle()
    assert [uid for uid, text in dms(gw) if "A place freed up" in text] == [first, second]


async def test_raising_the_capacity_promotes_from_the_waitlist(gw: OfflineDiscord, app: App) -> None:
    mid, msg, _ = await full_session(gw)
    waiting = [gw.add_user(f"w{i}") for i in range(3)]
    for uid in waiting:
        await gw.click(mid, button_id(msg, "Join waitlist"), user=uid)
    sid = await session_id(app)
    result = await gw.slash("session edit", user=gw.facilitator_id, session=str(sid), capacity=3)
    assert result.ephemeral and "Updated 1" in result.text
    await gw.settle()
    assert [uid for uid, text in dms(gw) if "A place freed up" in text] == waiting[:2]
    assert not [uid for uid, text in dms(gw) if "was updated" in text and uid in waiting]
    assert "Going 3/3 (full) · waitlist 1" in rsvps_field(gw.messages[mid])


async def test_session_info_of_a_full_session_offers_the_waitlist(gw: OfflineDiscord, app: App) -> None:
    await full_session(gw)
    sid = await session_id(app)
    reader = gw.add_user("reader")
    info = await gw.slash("session info", user=reader, session=str(sid))
    assert info.ephemeral and any(b.get("label") == "Join waitlist (0)" for b in info.buttons)
    assert "waitlist 0" in info.text
    joined = await gw.click(info.message_id, next(b["custom_id"] for b in info.buttons
                                                  if b.get("label", "").startswith("Join waitlist")), user=reader)
    assert joined.response_type == 7 and "number 1" in joined.text
    edited = str(joined.messages[0])  # the private /session info, updated in place
    assert "waitlist number 1" in edited and "Join waitlist (1)" in edited
    again = await gw.slash("session info", user=reader, session=str(sid))
    assert "waitlist number 1" in again.text
    manage = await gw.click(int(announcements(gw)[0]["id"]), button_id(announcements(gw)[0], "Facilitators"),
                            user=gw.facilitator_id)
    assert "Waitlist (1), in order" in manage.text and f"<@{reader}>" in manage.text


async def test_the_waitlist_buttons_work_after_a_restart(gw: OfflineDiscord, app: App) -> None:
    mid, msg, _ = await full_session(gw)
    await gw.close()
    _bot, again = await boot_offline(app)
    try:
        again.messages[mid] = msg
        result = await again.click(mid, button_id(msg, "Join waitlist"), user=again.add_user("after"))
        assert result.response_type == 7 and "Join waitlist (1)" in labels(again.messages[mid])
    finally:
        await again.close()


async def test_two_cancellations_at_once_promote_two_members_once_in_order(gw: OfflineDiscord, app: App) -> None:
    mid, msg, going = await full_session(gw, capacity=3)
    waiting = [gw.add_user(f"w{i}") for i in range(4)]
    for uid in waiting:
        await gw.click(mid, button_id(msg, "Join waitlist"), user=uid)
    sid = await session_id(app)
    rsvp = app.service(RsvpService)

    async def cancel(uid: int) -> tuple[int, ...]:
        async with app.db.begin_write() as session:
            return (await rsvp.rsvp(session, sid, uid, "declined")).promoted

    promoted = await asyncio.gather(cancel(going[0]), cancel(going[1]))
    assert sorted(p for ps in promoted for p in ps) == waiting[:2]
    async with app.db.begin() as session:
        left = (await session.scalars(select(SessionWaitlist.user_id).where(SessionWaitlist.session_id == sid)
                                      .order_by(SessionWaitlist.id))).all()
        dm_rows = (await session.execute(select(OutboxDelivery.user_id, func.count()).where(
            OutboxDelivery.kind == "sessions.waitlist_dm").group_by(OutboxDelivery.user_id))).all()
    assert left == waiting[2:]
    assert sorted(dm_rows) == sorted((uid, 1) for uid in waiting[:2])


async def test_waitlist_places_are_the_members_records(gw: OfflineDiscord, app: App) -> None:
    mid, msg, _ = await full_session(gw)
    member = gw.add_user("waiting")
    await gw.click(mid, button_id(msg, "Join waitlist"), user=member)
    async with app.db.begin() as session:
        shown = {line.label: line.count for line in await privacy_show(session, member)}
        exported = await privacy_export(session, member)
    assert shown["session waitlist places"] == 1 and len(exported["session_waitlist"]) == 1
    async with app.db.begin() as session:
        assert await privacy_forget(session, member) >= 1
    async with app.db.begin() as session:
        assert await WaitlistService().leave(session, await session_id(app), member) is not None
        assert (await privacy_export(session, member))["session_waitlist"] == []
