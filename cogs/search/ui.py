"""Search results rendering."""

from __future__ import annotations

import discord

from bot.text import truncate
from bot.ui.common import COLOUR
from cogs.search.service import SearchHit, SearchPage

KIND_LABELS = {"question": "❓ Question", "answer": "💬 Answer", "message": "🗨️ Discussion"}


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


def search_embed(page: SearchPage) -> discord.Embed:
    title = discord.utils.escape_mentions(page.params.describe())
    embed = discord.Embed(title=truncate(f"Search: {title}", 256), colour=COLOUR)
    if not page.hits:
        embed.description = (
            "Nothing found. Try fewer or shorter words, another spelling, or scope **all**. "
            "Only the Q&A forum and channels opted in to the archive are searchable."
        )
        return embed
    total = f"{page.total:,}+" if page.capped else f"{page.total:,}"
    embed.description = f"{total} result(s)" + (f" — page {page.page} of {page.pages}" if page.pages > 1 else "")
    for hit in page.hits:
        label = KIND_LABELS.get(hit.kind, hit.kind)
        if hit.solved:
            label += " ✅"
        name = f"{label}: {hit.question_title}" if hit.question_title else label
        when = discord.utils.format_dt(hit.created_at, "d")
        footer = f"\n— <@{hit.author_id}> · {when} · [Jump]({hit.jump_url})"
        body = truncate(highlighted(hit), 1024 - len(footer))
        embed.add_field(name=truncate(name, 256), value=body + footer, inline=False)
    return embed
