"""Routing unanswered Q&A posts: a notice in the post for the helpers, later the facilitators.

The job claims each step in the database and enqueues its notice in the same transaction
(cogs/qa/service.py), so a step is never repeated, even across restarts, and a notice that
fails to post is retried by the outbox instead of being lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.outbox import Outgoing
from cogs.qa import service as qa
from cogs.qa.service import QuestionService
from cogs.qa.ui import routing_notice

if TYPE_CHECKING:
    from bot.bot import SSEBot

ROUTE = "qa.route"  # the outbox kind (cogs/qa/capability.py)


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
