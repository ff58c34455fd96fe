"""/privacy rendering and the confirmation buttons of "forget"."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import NotAllowed
from bot.ui.common import COLOUR, guarded
from cogs.privacy.service import Forgotten, PrivacySummary

# (interaction, confirmed?) -> None
ForgetHandler = Callable[[discord.Interaction[Any], bool], Awaitable[None]]


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


class ForgetButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"sse:privacy:(?P<action>forget|cancel):(?P<user>\d+)"):
    handler: ForgetHandler | None = None  # set by the privacy cog

    def __init__(self, user_id: int, confirm: bool):
        action = "forget" if confirm else "cancel"
        super().__init__(discord.ui.Button(
            label="Yes, forget my messages" if confirm else "Cancel",
            style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
            custom_id=f"sse:privacy:{action}:{user_id}",
        ))
        self.user_id = user_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["user"]), match["action"] == "forget")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async def act() -> None:
            if interaction.user.id != self.user_id:
                raise NotAllowed("Only the member who asked can confirm this.")
            assert ForgetButton.handler is not None
            await ForgetButton.handler(interaction, self.confirm)

        await guarded(interaction, act)


def forget_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user_id, True))
    view.add_item(ForgetButton(user_id, False))
    return view
