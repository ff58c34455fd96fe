"""/help rendering. The fixed sentences are plain English, here and nowhere else, until the message
catalogues of issue 10 arrive; command descriptions come in the member's language already."""

from __future__ import annotations

import discord

from bot.text import truncate
from bot.ui.common import COLOUR
from cogs.help.service import SLASH, HelpLine

TITLE = "SSE community bot"
ABOUT = (
    "I help this community of practice on the Social and Solidarity Economy in Asia: SSE terms explained "
    "in 13 languages, studies and policy documents, capacity-building sessions, and questions answered by "
    "peers, searchable later.\n"
    "Type / in any channel to use a command; answers come in your language where a translation exists "
    "(set it with /language)."
)
MENU = "right-click or long-press a message, then Apps →"  # followed by the menu item's name
COMMANDS = "Commands"
MORE_COMMANDS = "More commands"


def help_line(line: HelpLine) -> str:
    """"• `/นิยาม` (define) — อธิบาย…": the name as Discord shows it, the English name when it differs."""
    name = f"/{line.shown}" if line.kind == SLASH else line.shown
    english = f" ({line.english})" if line.shown != line.english else ""
    description = line.description if line.kind == SLASH else f"{MENU} {line.shown}"
    return f"• `{name}`{english} — {description}"


def pack(lines: list[str], limit: int = 1024) -> list[str]:
    """Lines joined into blocks of at most ``limit`` characters, never cutting a line in two."""
    blocks: list[str] = []
    for line in lines:
        line = truncate(line, limit)
        if blocks and len(blocks[-1]) + 1 + len(line) <= limit:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def help_embed(lines: list[HelpLine]) -> discord.Embed:
    embed = discord.Embed(title=TITLE, description=ABOUT, colour=COLOUR)
    for i, block in enumerate(pack([help_line(line) for line in lines])[:24]):
        embed.add_field(name=COMMANDS if i == 0 else MORE_COMMANDS, value=block, inline=False)
    return embed
