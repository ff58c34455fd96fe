"""Glossary rendering: a definition embed, related-term buttons, "did you mean" replies."""

from __future__ import annotations

import discord

from bot.i18n import LANGUAGES
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR
from cogs.glossary.service import Definition, Miss

NOTHING_CLOSE = (
    "No glossary term is close to that. Try another word or a shorter one (names work in any of the "
    "13 languages), or look for studies and guides with /resources."
)


def definition_embed(d: Definition) -> discord.Embed:
    title = d.term
    if d.local_name and d.local_name.casefold() != d.term.casefold():
        title = f"{d.local_name} — {d.term}"
    embed = discord.Embed(title=truncate(title, 256), description=truncate(f"**{d.short}**\n\n{d.explanation}", 4096),
                          colour=COLOUR)
    if d.local_name and d.language != "en":
        note = " (draft translation, not yet reviewed)" if d.draft_translation else ""
        embed.add_field(name=f"In {LANGUAGES[d.language].english}{note}", value=truncate(d.local_name, 1024), inline=False)
    if d.aliases:
        embed.add_field(name="Also called", value=truncate(", ".join(d.aliases), 1024), inline=False)
    if d.translations:
        names = " · ".join(f"{t.language_name}: {t.text}" for t in d.translations)
        label = "Names in other languages" + (" (drafts)" if d.draft_translation else "")
        embed.add_field(name=label, value=truncate(names, 1024), inline=False)
    if d.countries:
        embed.add_field(name="Countries", value=truncate(", ".join(d.countries), 1024), inline=False)
    if d.related:
        embed.add_field(name="Related", value=truncate(", ".join(name for _, name in d.related), 1024), inline=False)
    embed.set_footer(text=truncate("Sources: " + "; ".join(d.sources), 2048))
    return embed


def miss_embed(miss: Miss) -> discord.Embed:
    embed = discord.Embed(
        title="No exact match",
        description=f"I couldn't find **{safe_echo(miss.query, 80)}** in the glossary.",
        colour=ERROR_COLOUR,
    )
    if miss.suggestions:
        embed.add_field(
            name="Did you mean",
            value=truncate("\n".join(f"• {s.name}" for s in miss.suggestions), 1024),
            inline=False,
        )
    else:
        embed.add_field(name="Nothing close", value=NOTHING_CLOSE, inline=False)
    return embed
