"""Resource catalogue rendering, in the reader's language (titles, publishers and summaries are shown as
they are written: they name documents)."""

from __future__ import annotations

import discord

from bot.catalogues import _, format_number, language_name, ngettext
from bot.i18n import country_name
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
    title = _("Resources: {filters}").format(filters=safe_echo(page.filters.describe(), 200))
    embed = discord.Embed(title=truncate(title, 256), colour=COLOUR)
    if not page.items:
        # TRANSLATORS: {hints} is a sentence on what to try instead
        embed.description = with_note(_("Nothing matched. {hints}").format(hints=" ".join(page.hints)).strip(), page)
        return embed
    count = format_number(page.total)
    if page.pages > 1:
        embed.description = ngettext("{count} found — page {page} of {pages}", "{count} found — page {page} of {pages}",
                                     page.total).format(count=count, page=format_number(page.page),
                                                        pages=format_number(page.pages))
    else:
        embed.description = ngettext("{count} found", "{count} found", page.total).format(count=count)
    embed.description = with_note(embed.description, page)
    for r in page.items:
        kind = type_label(r.type)
        where = ", ".join(country_name(c) for c in r.countries) or _("Regional / global")
        langs = ", ".join(language_name(code) for code in r.languages)
        # The year is shown only as a publication year; drafts show when they were validated instead.
        source = f"{r.publisher}, {r.year}" if r.year is not None and r.status == "published" else r.publisher
        if r.url:
            link = _("[Open]({url})").format(url=r.url)
        elif r.series:
            link = _("Available from {publisher} ({series})").format(publisher=r.publisher, series=r.series)
        else:
            link = _("Available from {publisher}").format(publisher=r.publisher)
        value = f"{kind} · {source} · {r.status_label} · {where} · {langs}\n{link}\n{r.summary}"
        embed.add_field(name=truncate(r.title, 256), value=truncate(value, 1024), inline=False)
    return embed
