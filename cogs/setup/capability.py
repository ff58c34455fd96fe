"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, lazy
from cogs.setup import cli

CAPABILITY = Capability(
    name="setup",
    extension="cogs.setup.cog",
    # another instance's /setup change reaches this one within a minute (this one's at once)
    jobs=[Job("setup:refresh", lazy("cogs.setup.jobs:refresh_settings"), every_seconds=lambda _config: 60)],
    deliveries={"setup.welcome": DeliveryKind(lazy("cogs.setup.jobs:send_welcome"),
                                              needs="View Channel and Send Messages in the system channel")},
    cli=cli.register,
)
