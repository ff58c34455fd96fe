"""The one place the bot posts to Discord on its own (reminders, announcements, scheduled
events, change notices, routing notices, the digest), as opposed to answering an interaction.

Capabilities decide in the database what is due; their jobs hand the sending to this object,
which paces DMs (Discord flags bots that mass-DM), never pings unless asked, and keeps the
background tasks it starts referenced until they finish."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot.ui.common import NO_MENTIONS

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)
T = TypeVar("T")


class RateLimiter:
    """At most ``per_second`` acquisitions per second, in order."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            delay = self._next - now
            if delay > 0:
                await asyncio.sleep(delay)
                now = loop.time()
            self._next = max(now, self._next) + self.interval


class Delivery:
    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.dm_limiter = RateLimiter(bot.app.config.reminders.dm_per_second)
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """A background task kept referenced until done (asyncio only keeps weak references)."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def busy(self) -> bool:
        """Background sends still running (DM batches, change notices)."""
        return bool(self._tasks)

    def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def post(self, channel_id: int, **kwargs: Any) -> discord.Message:
        """Post in a channel or thread; a ``nonce`` (sent with enforce_nonce by discord.py) lets
        Discord drop an accidental resend."""
        kwargs.setdefault("allowed_mentions", NO_MENTIONS)
        return await self.bot.get_partial_messageable(channel_id).send(**kwargs)

    async def edit(self, channel_id: int, message_id: int, **kwargs: Any) -> discord.Message:
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        return await message.edit(**kwargs)

    async def dm(self, user_id: int, **kwargs: Any) -> discord.Message:
        await self.dm_limiter.wait()
        channel = await self.bot.create_dm(discord.Object(user_id))
        kwargs.setdefault("allowed_mentions", NO_MENTIONS)
        return await channel.send(**kwargs)

    async def create_event(self, guild_id: int, *, reason: str, **payload: Any) -> int:
        event = await self.bot.http.create_guild_scheduled_event(guild_id, reason=reason, **payload)
        return int(event["id"])

    async def edit_event(self, guild_id: int, event_id: int, *, reason: str, **payload: Any) -> None:
        await self.bot.http.edit_scheduled_event(guild_id, event_id, reason=reason, **payload)
