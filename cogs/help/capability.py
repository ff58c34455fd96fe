"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability

CAPABILITY = Capability(name="help", extension="cogs.help.cog")
