"""How the polls' outbox kinds are sent: the public post, and its refresh once the poll closed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.outbox import Outgoing
from cogs.polls.components import current_poll, poll_view
from cogs.polls.service import PollService
from cogs.polls.ui import poll_embed

# Sent by the outbox, which sets the server's language for a channel post: the poll reads in it.

if TYPE_CHECKING:
    from bot.bot import SSEBot


async def send_poll(bot: SSEBot, row: Outgoing) -> int | None:
    poll = await current_poll(bot, int(row.params["poll_id"]))
    if poll.message_id:
        return poll.message_id  # posted already (a retry after a crash, or another instance)
    assert row.channel_id is not None
    message = await bot.delivery.post(row.channel_id, embed=poll_embed(poll), view=poll_view(poll) or discord.utils.MISSING,
                                      nonce=row.nonce)
    async with bot.app.db.begin() as session:
        await bot.app.service(PollService).mark_posted(session, poll.id, row.channel_id, message.id)
    return message.id


async def refresh_poll(bot: SSEBot, row: Outgoing) -> int | None:
    poll = await current_poll(bot, int(row.params["poll_id"]))
    if not (poll.channel_id and poll.message_id):
        return None
    try:
        await bot.delivery.edit(poll.channel_id, poll.message_id, embed=poll_embed(poll), view=poll_view(poll))
    except discord.NotFound:
        return None  # the poll was deleted in Discord: nothing left to update
    return poll.message_id
