"""Routing unanswered Q&A posts: a notice in the post for the helpers, later the facilitators.

Each step is claimed in the database before the notice is sent (cogs/qa/service.py), so it
is never repeated, even across restarts. Runs on the one scheduler (the record's job)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from cogs.qa.service import QuestionService
from cogs.qa.ui import routing_notice

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)


async def route_unanswered(bot: SSEBot, now: datetime | None = None) -> int:
    app = bot.app
    async with app.db.begin() as session:
        due = await app.service(QuestionService).route_unanswered(session, now or datetime.now(UTC))
    for routing in due:
        hours = (app.config.qa.route_helpers_after_hours if routing.target == "helpers"
                 else app.config.qa.route_facilitators_after_hours)
        try:
            await bot.delivery.post(
                routing.thread_id, content=routing_notice(routing, hours),
                # the one place the bot pings on its own: the roles asked to help
                allowed_mentions=discord.AllowedMentions(roles=[discord.Object(r) for r in routing.role_ids],
                                                         users=False, everyone=False),
            )
        except discord.HTTPException as exc:
            log.warning("routing notice for Q&A post %s not posted: %s", routing.thread_id, exc)
    return len(due)
