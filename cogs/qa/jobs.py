"""Routing unanswered Q&A posts: a notice in the post for the helpers, later the facilitators.

The job claims each step in the database and enqueues its notice in the same transaction
(cogs/qa/service.py), so a step is never repeated, even across restarts, and a notice that
fails to post is retried by the outbox instead of being lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.capability import DeliveryDropped
from bot.outbox import Outgoing
from cogs.qa import service as qa
from cogs.qa.lifecycle import INACTIVE, LifecycleService
from cogs.qa.service import QuestionService
from cogs.qa.ui import close_note, nudge_note, routing_notice

if TYPE_CHECKING:
    from bot.bot import SSEBot

ROUTE = "qa.route"  # the outbox kinds (cogs/qa/capability.py)
NUDGE = "qa.nudge"
AUTO_CLOSE = "qa.close"


async def route_unanswered(bot: SSEBot, now: datetime | None = None) -> int:
    """Claim the routing steps that are due and enqueue their notices; returns how many."""
    app = bot.app
    async with app.db.begin_write() as session:
        due = await app.service(QuestionService).route_unanswered(session, now or datetime.now(UTC))
        for routing in due:
            await app.outbox.enqueue(
                session, f"qa:route:{routing.thread_id}:{routing.target}", ROUTE, channel_id=routing.thread_id,
                params={"guild_id": routing.guild_id, "title": routing.title, "target": routing.target,
                        "role_ids": list(routing.role_ids)},
            )
    if due:
        await bot.delivery.run_due()
    return len(due)


async def send_routing_notice(bot: SSEBot, row: Outgoing) -> int:
    p = row.params
    routing = qa.Routing(row.channel_id or 0, p["guild_id"], p["title"], p["target"], tuple(p["role_ids"]))
    config = bot.app.config.qa
    hours = config.route_helpers_after_hours if routing.target == "helpers" else config.route_facilitators_after_hours
    assert row.channel_id is not None
    message = await bot.delivery.post(
        row.channel_id, content=routing_notice(routing, hours), nonce=row.nonce,
        # the one place the bot pings on its own: the roles asked to help
        allowed_mentions=discord.AllowedMentions(roles=[discord.Object(r) for r in routing.role_ids],
                                                 users=False, everyone=False),
    )
    return message.id


# --------------------------------------------------------------------------- lifecycle
async def lifecycle(bot: SSEBot, now: datetime | None = None) -> int:
    """Claim the auto-closes, then the nudges, that are due, and enqueue their notes (claims and
    outbox rows in one transaction: each happens once); returns how many were enqueued."""
    app = bot.app
    now = now or datetime.now(UTC)
    service = app.service(LifecycleService)
    async with app.db.begin_write() as session:
        # closes first: a post closed now is not also nudged
        closes = await service.due_closes(session, now)
        for closing in closes:
            await app.outbox.enqueue(session, f"qa:close:{closing.thread_id}:{closing.event_id}", AUTO_CLOSE,
                                     channel_id=closing.thread_id, params={"event_id": closing.event_id})
        nudges = await service.due_nudges(session, now)
        for nudge in nudges:
            await app.outbox.enqueue(session, f"qa:nudge:{nudge.thread_id}", NUDGE, channel_id=nudge.thread_id,
                                     params={"author_id": nudge.author_id})
    if closes or nudges:
        await bot.delivery.run_due()
    return len(closes) + len(nudges)


async def send_nudge(bot: SSEBot, row: Outgoing) -> int:
    assert row.channel_id is not None
    async with bot.app.db.begin() as session:
        wanted = await bot.app.service(LifecycleService).still_to_nudge(session, row.channel_id)
    if not wanted:
        raise DeliveryDropped("the post was solved or closed before the reminder went out")
    asker = discord.Object(row.params["author_id"])
    try:
        message = await bot.delivery.post(
            row.channel_id, content=nudge_note(asker.id), nonce=row.nonce,
            # pings the asker, and no one else
            allowed_mentions=discord.AllowedMentions(users=[asker], roles=False, everyone=False, replied_user=False),
        )
    except discord.NotFound as exc:
        raise DeliveryDropped("the post was deleted") from exc
    return message.id


async def send_auto_close(bot: SSEBot, row: Outgoing) -> int:
    assert row.channel_id is not None
    async with bot.app.db.begin() as session:
        wanted = await bot.app.service(LifecycleService).still_auto_closed(session, row.channel_id,
                                                                           row.params["event_id"])
    if not wanted:
        raise DeliveryDropped("the post was reopened before it could be archived")
    try:
        message = await bot.delivery.post(row.channel_id, nonce=row.nonce,
                                          content=close_note(INACTIVE, None, bot.app.config.qa.close_after_days))
        await archive_post(bot, row.channel_id, True, "no message for a while (qa.close_after_days)")
    except discord.NotFound as exc:
        raise DeliveryDropped("the post was deleted") from exc
    return message.id


async def archive_post(bot: SSEBot, thread_id: int, archived: bool, reason: str) -> None:
    """Archive a post (not locked: a member's message opens it again) or unarchive it."""
    await bot.http.edit_channel(thread_id, reason=reason, archived=archived)
