"""Starting the real bot against the offline Discord, laid out from the bot's config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offline.gateway import OfflineDiscord


async def boot_offline(
    app: Any, *, on_violation: Callable[[str], None] | None = None, channels: dict[str, tuple[int, int]] | None = None,
    app_id: int | None = None, prepare: Callable[[OfflineDiscord], None] | None = None,
) -> tuple[Any, OfflineDiscord]:
    """Start the real bot (cogs, views, command sync) against an offline Discord. ``prepare`` runs
    before the bot logs in, e.g. to inject faults into what it does at start-up."""
    from bot.bot import SSEBot

    config = app.config
    known = {"announcements": (config.channels.announcements, 0), "qa-forum": (config.channels.qa_forum, 15)}
    for i, cid in enumerate(config.channels.archived):
        known[f"archived-{i + 1}"] = (cid, 0)
    layout = {name: spec for name, spec in known.items() if spec[0]}
    layout.update(channels or {})
    bot = SSEBot(app)
    gateway = OfflineDiscord(bot, guild_id=config.guild_id or None, channels=layout, on_violation=on_violation,
                             app_id=app_id)
    for role_id in config.roles.facilitators:
        gateway.add_role(role_id, "Facilitator")
    for role_id in config.roles.helpers:
        gateway.add_role(role_id, "Helper")
    gateway.member_id = gateway.add_user("mai")
    gateway.facilitator_id = gateway.add_user("facilitator", roles=config.roles.facilitators[:1])
    if prepare is not None:
        prepare(gateway)
    await gateway.start()
    return bot, gateway
