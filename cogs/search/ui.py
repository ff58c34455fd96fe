"""Search results rendering."""

from __future__ import annotations

import discord

from bot.catalogues import N_, _, format_number, ngettext
from bot.text import truncate
from bot.ui.common import COLOUR
from cogs.glossary.thesaurus import also_searched
from cogs.search.service import SearchHit, SearchPage

KIND_LABELS = {"question": N_("❓ Question"), "answer": N_("💬 Answer"), "message": N_("🗨️ Discussion")}


def inert(text: str) -> str:
    """Member text shown without markdown effects or working mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def highlighted(hit: SearchHit) -> str:
    out, pos = [], 0
    for start, end in hit.highlights:
        out.append(inert(hit.snippet[pos:start]))
        out.append(f"**{inert(hit.snippet[start:end])}**")
        pos = end
    out.append(inert(hit.snippet[pos:]))
    return "".join(out)


def with_note(text: str, page: SearchPage) -> str:
    """The description, and under it in small print the glossary names the search added."""
    note = also_searched(page.added, escape=inert)
    return f"{text}\n-# {note}" if note else text


def search_embed(page: SearchPage) -> discord.Embed:
    title = discord.utils.escape_mentions(page.params.describe())
    embed = discord.Embed(title=truncate(_("Search: {search}").format(search=title), 256), colour=COLOUR)
    if not page.hits:
        embed.description = _(
            "Nothing found. Try fewer or shorter words, another spelling, or scope **all**. "
            "Only the Q&A forum and channels opted in to the archive are searchable."
        )
        embed.description = with_note(embed.description, page)
        return embed
    count = format_number(page.total)
    if page.capped:
        # TRANSLATORS: more results than are ranked: "500+ results"
        found = ngettext("{count}+ result", "{count}+ results", page.total).format(count=count)
    else:
        found = ngettext("{count} result", "{count} results", page.total).format(count=count)
    if page.pages > 1:
        # TRANSLATORS: "12 results — page 1 of 3"
        found = _("{results} — page {page} of {pages}").format(results=found, page=format_number(page.page),
                                                               pages=format_number(page.pages))
    embed.description = with_note(found, page)
    for hit in page.hits:
        label = _(KIND_LABELS[hit.kind]) if hit.kind in KIND_LABELS else hit.kind
        if hit.solved:
            label += " ✅"
        name = f"{label}: {hit.question_title}" if hit.question_title else label
        when = discord.utils.format_dt(hit.created_at, "d")
        footer = "\n" + _("— {member} · {date} · [Jump]({link})").format(
            member=f"<@{hit.author_id}>", date=when, link=hit.jump_url)
        body = truncate(highlighted(hit), 1024 - len(footer))
        embed.add_field(name=truncate(name, 256), value=body + footer, inline=False)
    return embed
