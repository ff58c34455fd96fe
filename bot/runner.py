"""Run the bot against the real Discord."""

from __future__ import annotations

import logging

import discord

from bot.app import App
from bot.bot import SSEBot
from bot.config import Settings

log = logging.getLogger(__name__)


async def run_bot(settings: Settings) -> int:
    app = await App.create(settings)
    bot = SSEBot(app)
    try:
        assert settings.token is not None
        await bot.start(settings.token)
    except discord.LoginFailure:
        log.error("Discord rejected the token in DISCORD_TOKEN; copy it again from the developer portal.")
        return 2
    finally:
        if not bot.is_closed():
            await bot.close()
        await app.close()
    return 0
