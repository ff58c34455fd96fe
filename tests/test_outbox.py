"""The outbox rules: a lease keeps a row from a second sender until it expires; each row is marked
sent right after its own send; a network error or 5xx releases it with backoff; 403/404 parks it
with one clear log line. Through the real bot and the offline Discord, and without timing anything."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import App
from bot.digest import week_key
from cogs.sessions.jobs import SessionJobs
from db.models import OutboxDelivery, utcnow
from offline import OfflineDiscord
from tests.conftest import ANNOUNCEMENTS

POST = "POST /channels/{channel_id}/messages"


async def enqueue_posts(app: App, n: int, *, kind: str = "digest.weekly", channel_id: int = ANNOUNCEMENTS) -> list[str]:
    keys = [f"test:{kind}:{i}" for i in range(n)]
    async with app.db.begin() as session:
        for key in keys:
            await app.outbox.enqueue(session, key, kind, channel_id=channel_id, params={"week": week_key(utcnow())})
    return keys


async def rows(app: App) -> dict[str, OutboxDelivery]:
    async with app.db.begin() as session:
        return {r.key: r for r in (await session.scalars(select(OutboxDelivery))).all()}


def posts_to(gw: OfflineDiscord, channel_id: int) -> int:
    return sum(1 for c in gw.calls if c.key == POST and c.path.startswith(f"/channels/{channel_id}/"))


async def test_a_leased_row_is_left_to_its_holder_until_the_lease_expires(app: App) -> None:
    [key] = await enqueue_posts(app, 1)
    now = utcnow()
    async with app.db.begin() as session:
        mine = await app.outbox.claim(session, "instance-a", now=now)
    async with app.db.begin() as session:
        # a second instance started mid-send (rolling deploy) sees nothing to do ...
        assert await app.outbox.claim(session, "instance-b", now=now + timedelta(seconds=30)) == []
    async with app.db.begin() as session:
        # ... until the holder's lease has run out (it crashed): then it takes the row over
        taken = await app.outbox.claim(session, "instance-b", now=now + app.outbox.lease + timedelta(seconds=1))
    assert [r.key for r in mine] == [key] == [r.key for r in taken]
    assert mine[0].nonce == taken[0].nonce, "the same nonce, so Discord can drop a resend"


async def test_two_senders_claiming_at_once_share_the_rows_without_overlap(app: App) -> None:
    await enqueue_posts(app, 40)

    async def claim(owner: str) -> list[str]:
        async with app.db.begin_write() as session:
            return [r.key for r in await app.outbox.claim(session, owner, limit=25)]

    a, b = await asyncio.gather(claim("a"), claim("b"))
    assert len(a) + len(b) == 40 and not set(a) & set(b)


async def test_each_row_is_marked_sent_right_after_its_own_send(gw: OfflineDiscord, app: App) -> None:
    keys = await enqueue_posts(app, 5)
    sent: list[str] = []
    bot: Any = gw.bot  # the digest handler posts through bot.delivery.post; the process dies at the fourth
    real_post = bot.delivery.post

    async def post_then_crash(channel_id: int, **kwargs: Any) -> Any:
        if len(sent) == 3:
            raise asyncio.CancelledError  # the process dies here (kill -9 as far as this row knows)
        message = await real_post(channel_id, **kwargs)
        sent.append(kwargs["nonce"])
        return message

    bot.delivery.post = post_then_crash
    with pytest.raises(asyncio.CancelledError):
        await bot.delivery.deliver_now(keys)
    bot.delivery.post = real_post
    state = await rows(app)
    assert sorted(r.status for r in state.values()) == ["pending", "pending", "sent", "sent", "sent"]
    assert len(sent) == 3


async def test_a_network_error_releases_the_row_with_backoff_and_it_goes_out_later(
    gw: OfflineDiscord, app: App,
) -> None:
    [key] = await enqueue_posts(app, 1)
    gw.faults.add(POST, aiohttp.ServerDisconnectedError(), times=1)
    outcome = await gw.bot.delivery.deliver_now([key])  # type: ignore[attr-defined]
    row = (await rows(app))[key]
    assert outcome[key] == "retry" and row.status == "pending" and row.attempts == 1
    assert row.lease_owner is None and row.due_at > utcnow(), "released, due again after a backoff"
    assert "ServerDisconnectedError" in (row.last_error or "")
    # after the backoff (simulated: the sweep runs at that time) it is sent, once
    sent = await gw.bot.delivery.run_due(now=row.due_at + timedelta(seconds=1))  # type: ignore[attr-defined]
    assert sent == 1 and (await rows(app))[key].status == "sent"
    assert posts_to(gw, ANNOUNCEMENTS) == 2  # the failed attempt and the one that went out


async def test_a_server_error_is_retried_but_a_refusal_is_parked_with_one_warning(
    gw: OfflineDiscord, app: App, caplog: pytest.LogCaptureFixture,
) -> None:
    keys = await enqueue_posts(app, 3)
    gw.faults.add(POST, 500, times=1)
    first = await gw.bot.delivery.deliver_now(keys[:1])  # type: ignore[attr-defined]
    assert first[keys[0]] == "retry"
    gw.faults.clear()
    gw.faults.add(POST, 403, path_contains=ANNOUNCEMENTS)
    before = posts_to(gw, ANNOUNCEMENTS)
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        # sent by whichever runs first: this call or the timer the retry above armed
        await gw.bot.delivery.deliver_now(keys[1:])  # type: ignore[attr-defined]
        await gw.bot.delivery.run_due()  # type: ignore[attr-defined]
        await gw.settle()
    state = await rows(app)
    assert [state[k].status for k in keys[1:]] == ["parked", "parked"]
    assert posts_to(gw, ANNOUNCEMENTS) - before == 2, "one request per parked row, never retried"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(ANNOUNCEMENTS) in warnings[0] and "Send Messages" in warnings[0]
    # an hour later the row released after the 500 is tried again (and parked: still refused);
    # the parked ones are not tried again, and the refusal is not logged at WARNING again
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        await gw.bot.delivery.run_due(now=utcnow() + timedelta(hours=1))  # type: ignore[attr-defined]
    assert posts_to(gw, ANNOUNCEMENTS) - before == 3
    assert {r.status for r in (await rows(app)).values()} == {"parked"}
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_an_announcement_refused_by_discord_is_parked_and_the_facilitator_told(
    gw: OfflineDiscord, app: App,
) -> None:
    gw.faults.add(POST, 403, path_contains=ANNOUNCEMENTS)
    created = await gw.slash("session create", user=gw.facilitator_id, title="Cooperative law clinic",
                             start=(utcnow() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M"), timezone="Asia/Bangkok")
    assert "couldn't post the announcement" in created.text
    parked = [r for r in (await rows(app)).values() if r.status == "parked"]
    assert [r.kind for r in parked] == ["sessions.announce"] and parked[0].channel_id == ANNOUNCEMENTS
    # the announce job runs every few minutes: a parked announcement is not posted again and again
    for _ in range(3):
        await gw.bot.runtime(SessionJobs).publish_pending()  # type: ignore[attr-defined]
        await gw.bot.delivery.run_due()  # type: ignore[attr-defined]
    assert posts_to(gw, ANNOUNCEMENTS) == 1


async def test_a_routing_notice_that_fails_is_sent_later_not_lost(gw: OfflineDiscord, app: App) -> None:
    from cogs.qa.jobs import route_unanswered
    from tests.commands.test_qa import ask
    from tests.conftest import QA_FORUM

    await ask(gw, "Nobody knows this one", "Quiet question.", user=gw.member_id)
    thread = next(cid for cid, ch in gw.channels.items() if ch.get("parent_id") == str(QA_FORUM))
    gw.faults.add(POST, 500, path_contains=thread, times=1)
    later = utcnow() + timedelta(hours=25)
    assert await route_unanswered(gw.bot, later) == 1  # the step is claimed, its notice fails once
    assert await route_unanswered(gw.bot, later) == 0  # never claimed twice
    [row] = [r for r in (await rows(app)).values() if r.kind == "qa.route"]
    assert row.status == "pending" and row.attempts == 1
    sent = await gw.bot.delivery.run_due(now=row.due_at + timedelta(seconds=1))  # type: ignore[attr-defined]
    notices = [c for c in gw.calls if c.key == POST and c.path.startswith(f"/channels/{thread}/")
               and "no reply" in (c.json or {}).get("content", "")]
    assert sent == 1 and len(notices) == 2 and (await rows(app))[row.key].status == "sent"


async def test_a_weekly_digest_that_fails_once_goes_out_on_the_retry(gw: OfflineDiscord, app: App) -> None:
    from cogs.digest.jobs import post_digest

    gw.faults.add(POST, 500, path_contains=ANNOUNCEMENTS, times=1)
    assert not await post_digest(gw.bot)  # type: ignore[arg-type]
    assert not await post_digest(gw.bot), "a second fire the same week does not queue another"  # type: ignore[arg-type]
    [row] = [r for r in (await rows(app)).values() if r.kind == "digest.weekly"]
    assert row.status == "pending" and row.due_at - utcnow() < timedelta(hours=1)
    await gw.bot.delivery.run_due(now=row.due_at + timedelta(seconds=1))  # type: ignore[attr-defined]
    digests = [m for m in gw.messages.values() if m["embeds"] and "This week" in m["embeds"][0]["title"]]
    assert len(digests) == 1 and (await rows(app))[row.key].status == "sent"


async def test_old_sent_rows_are_pruned_but_parked_and_pending_ones_stay(app: App) -> None:
    keys = await enqueue_posts(app, 3)
    async with app.db.begin() as session:
        [a, b, c] = await app.outbox.claim(session, "x")
        await app.outbox.mark_sent(session, a.id)
        await app.outbox.park(session, b.id, "403 Missing Permissions")
        await app.outbox.release(session, c.id, "HTTP 500")
    async with app.db.begin() as session:
        assert await app.outbox.prune(session, now=utcnow() + timedelta(days=29)) == 0
        assert await app.outbox.prune(session, now=utcnow() + timedelta(days=31)) == 1
    assert sorted(r.status for r in (await rows(app)).values()) == ["parked", "pending"]
    assert keys[0] not in await rows(app)


async def test_rows_not_started_while_the_lease_is_safe_are_handed_back(
    gw: OfflineDiscord, app: App, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A slow Discord must not let another process take over rows this one still means to send."""
    keys = await enqueue_posts(app, 4)
    bot: Any = gw.bot
    real_post = bot.delivery.post
    lease = app.outbox.lease.total_seconds()
    clock = {"t": 0.0}
    loop = asyncio.get_running_loop()
    real_time = loop.time
    posted_by_a: list[str] = []
    taken_by_b: list[str] = []

    async def slow_post(channel_id: int, **kwargs: Any) -> Any:
        clock["t"] += lease * 0.3  # each send takes 30 % of the lease
        if clock["t"] > lease and not taken_by_b:
            # meanwhile another instance sees the lease expired and takes over what is still pending
            async with app.db.begin() as session:
                for row in await app.outbox.claim(session, "instance-b"):
                    await app.outbox.mark_sent(session, row.id)
                    taken_by_b.append(row.nonce)
        posted_by_a.append(kwargs["nonce"])
        return await real_post(channel_id, **kwargs)

    bot.delivery.post = slow_post
    # simulated time, for the lease arithmetic of both instances
    loop.time = lambda: real_time() + clock["t"]  # type: ignore[method-assign]
    monkeypatch.setattr("bot.outbox.utcnow", lambda: utcnow() + timedelta(seconds=clock["t"]))
    try:
        await bot.delivery.run_due()
    finally:
        loop.time = real_time  # type: ignore[method-assign]
        bot.delivery.post = real_post
    assert not set(posted_by_a) & set(taken_by_b), "a row was sent by both instances"
    assert all(r.status == "sent" for r in (await rows(app)).values()) and len(keys) == 4
