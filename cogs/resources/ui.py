"""Resource catalogue rendering."""

from __future__ import annotations

import discord

from bot.i18n import LANGUAGES, country_name
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.glossary.thesaurus import also_searched
from cogs.resources.service import ResourcePage, type_label


def _inert(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def with_note(text: str, page: ResourcePage) -> str:
    """The description, and under it in small print the glossary names the search added."""
    note = also_searched(page.added, escape=_inert)
    return f"{text}\n-# {note}" if note else text


def resources_embed(page: ResourcePage) -> discord.Embed:
    title = f"Resources: {safe_echo(page.filters.describe(), 200)}"
    embed = discord.Embed(title=truncate(title, 256), colour=COLOUR)
    if not page.items:
        embed.description = "Nothing matched. " + " ".join(page.hints)
        embed.description = with_note(embed.description, page)
        return embed
    embed.description = f"{page.total} found" + (f" — page {page.page} of {page.pages}" if page.pages > 1 else "")
    embed.description = with_note(embed.description, page)
    for r in page.items:
        kind = type_label(r.type)
        where = ", ".join(country_name(c) for c in r.countries) or "Regional / global"
        langs = ", ".join(LANGUAGES[code].english if code in LANGUAGES else code for code in r.languages)
        # The year is shown only as a publication year; drafts show when they were validated instead.
        source = f"{r.publisher}, {r.year}" if r.year is not None and r.status == "published" else r.publisher
        link = f"[Open]({r.url})" if r.url else f"Available from {r.publisher}" + (f" ({r.series})" if r.series else "")
        value = f"{kind} · {source} · {r.status_label} · {where} · {langs}\n{link}\n{r.summary}"
        embed.add_field(name=truncate(r.title, 256), value=truncate(value, 1024), inline=False)
    return embed
