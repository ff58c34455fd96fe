"""The weekly digest as an embed: one field per section the capabilities contributed."""

from __future__ import annotations

import discord

from bot.catalogues import _
from bot.digest import Digest, DigestItem
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR


def _item(item: DigestItem) -> str:
    text = safe_echo(item.text, 90)
    if item.url:
        text = f"[{text}]({item.url})"
    if item.when and item.when_style == "f":
        text = f"{discord.utils.format_dt(item.when, 'f')} — {text}"
    elif item.when:
        text += f" ({discord.utils.format_dt(item.when, 'R')})"
    if item.member_id:
        text = f"<@{item.member_id}> · {text}"
    return f"• {text}"


def digest_embed(digest: Digest) -> discord.Embed:
    embed = discord.Embed(title=_("This week in the SSE community"), colour=COLOUR)
    for section in digest.sections[:25]:  # Discord allows 25 fields
        value = "\n".join(_item(item) for item in section.items) or section.empty_text or _("Nothing this week.")
        embed.add_field(name=truncate(section.title, 256), value=truncate(value, 1024), inline=False)
    embed.set_footer(text=_("Weekly digest · /sessions for everything planned"))
    return embed
