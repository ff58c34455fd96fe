"""/privacy rendering."""

from __future__ import annotations

import discord

from bot.ui.common import COLOUR
from cogs.privacy.service import Forgotten, PrivacySummary


def summary_embed(s: PrivacySummary) -> discord.Embed:
    embed = discord.Embed(title="What the bot stores about you", colour=COLOUR)
    if s.lines:
        span = ""
        if s.first and s.last:
            span = f" (from {discord.utils.format_dt(s.first, 'd')} to {discord.utils.format_dt(s.last, 'd')})"
        lines = "\n".join(f"• {line.count:,} {line.label}" for line in s.lines)
        embed.description = f"**{s.total:,}** record(s) are stored about you{span}:\n{lines}"
    else:
        embed.description = "Nothing is stored about you."
    embed.set_footer(text="/privacy export sends you a copy; /privacy forget deletes it.")
    return embed


def forget_prompt() -> str:
    return (
        "This deletes every message of yours the bot stored for search, the titles of your questions, "
        "your session RSVPs, feedback and attendance, and your preferences. "
        "Your messages on Discord itself are not touched. This cannot be undone. Continue?"
    )


def forgotten_text(f: Forgotten) -> str:
    parts = ", ".join(f"{name}: {n:,}" for name, n in f.per_capability if n)
    return f"Done: {f.total:,} record(s) deleted or anonymised" + (f" ({parts})." if parts else ".")
