"""The weekly digest: enqueued once per ISO week (the outbox key), built and posted by the outbox,
which retries a failed post instead of losing that week's digest."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.capability import DeliveryDropped
from bot.digest import build_digest, week_key
from bot.outbox import Outgoing
from cogs.digest.ui import digest_embed

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)

WEEKLY = "digest.weekly"


async def post_digest(bot: SSEBot, *, now: datetime | None = None) -> bool:
    """Enqueue this week's digest (once) and send it; True when it went out now."""
    app = bot.app
    now = now or datetime.now(UTC)
    channel_id = app.config.digest.channel or app.guild.current.announcements
    if not channel_id:
        log.warning("weekly digest skipped: no digest or announcements channel configured")
        return False
    key = f"digest:{week_key(now)}"
    async with app.db.begin_write() as session:
        if not await app.outbox.enqueue(session, key, WEEKLY, channel_id=channel_id, params={"week": week_key(now)}):
            log.info("weekly digest for %s already queued or posted", week_key(now))
            return False
    outcome = await bot.delivery.deliver_now([key])
    return outcome[key] == "sent"


async def send_digest(bot: SSEBot, row: Outgoing) -> int:
    """Build and post the digest; the outbox runs this in the server's language, so the sections'
    providers and the embed read in it."""
    app = bot.app
    now = datetime.now(UTC)
    if week_key(now) != row.params["week"]:
        raise DeliveryDropped(f"the digest of {row.params['week']} is out of date")
    providers = [p for capability in app.capabilities for p in capability.digest]
    async with app.db.begin() as session:
        digest = await build_digest(session, providers, app.service, now=now)
    assert row.channel_id is not None
    message = await bot.delivery.post(row.channel_id, embed=digest_embed(digest), nonce=row.nonce)
    return message.id
