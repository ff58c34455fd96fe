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
    web = None
    try:
        if app.config.web.enabled:  # the public site shares the bot's loop and App (bot/web/serve.py)
            from bot.web.serve import start_web

            web = await start_web(app, announce=lambda where: print(f"web site: {where}", flush=True))
        assert settings.token is not None
        await bot.start(settings.token)
    except discord.LoginFailure:
        log.error("Discord rejected the token in DISCORD_TOKEN; copy it again from the developer portal.")
        return 2
    finally:
        if web is not None:
            await web.stop()
        if not bot.is_closed():
            await bot.close()
        await app.close()
    return 0
