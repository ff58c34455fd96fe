"""Posting the weekly digest: claimed once per ISO week, released again if the post fails."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.digest import build_digest, claim_digest, release_digest, week_key
from cogs.digest.ui import digest_embed

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)


async def post_digest(bot: SSEBot, *, now: datetime | None = None) -> bool:
    app = bot.app
    now = now or datetime.now(UTC)
    config = app.config
    channel_id = config.digest.channel or config.channels.announcements
    if not channel_id:
        log.warning("weekly digest skipped: no digest or announcements channel configured")
        return False
    providers = [p for capability in app.capabilities for p in capability.digest]
    async with app.db.begin() as session:
        if not await claim_digest(session, week_key(now)):
            log.info("weekly digest for %s already posted", week_key(now))
            return False
        digest = await build_digest(session, providers, app.service, now=now)
    try:
        await bot.delivery.post(channel_id, embed=digest_embed(digest), nonce=f"sse-d{week_key(now)}")
    except discord.HTTPException as exc:
        log.warning("weekly digest not posted (%s); it will be tried again at the next run", exc)
        async with app.db.begin() as session:
            await release_digest(session, week_key(now))
        return False
    return True
