"""Glossary rendering: the short public answer to /define and what its buttons show, pages of
/glossary, "did you mean" replies."""

from __future__ import annotations

import discord

from bot.catalogues import draft_note
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR
from cogs.glossary.browse import OTHER, BrowsePage, Overview
from cogs.glossary.service import Definition, Entry, Miss, display_name, quote_block, topic_label

NOTHING_CLOSE = (
    "No glossary term is close to that. Try another word or a shorter one (names work in any of the "
    "13 languages), or look for studies and guides with /resources."
)
# Small print, once per message: in the footer, never in a field name.
DRAFT_NAME = "The name in your language is a draft translation, not yet reviewed by a native speaker."
DRAFT_NAMES = "Names in other languages are draft translations, not yet reviewed by native speakers."
ALSO_CALLED_CHARS = 120  # "Also called" stays on one line; the full list is under "Explain more"
ENTRY_SHORT_CHARS = 110  # a term's short definition in a list
BROWSE_FOOTER = "Press a name to open it (only you see it). /define finds any term in any language."


def also_called(aliases: tuple[str, ...], limit: int = ALSO_CALLED_CHARS) -> str:
    """Whole aliases on one line up to ``limit`` characters, then how many more there are."""
    shown: list[str] = []
    for alias in aliases:
        if shown and len(", ".join([*shown, alias])) > limit:
            break
        shown.append(alias)
    rest = len(aliases) - len(shown)
    return truncate(", ".join(shown), limit) + (f" (+{rest} more)" if rest else "")


def definition_embed(d: Definition) -> discord.Embed:
    """The public answer: the name, the short definition in plain words, the official words when
    there are some, the other names on one line. The rest is behind the buttons."""
    description = d.short
    if d.quote is not None:
        # Plain words first: they answer the question at a glance, in a second language too; the
        # quotation, longer and formal, follows as the authority behind them.
        description += "\n\n" + quote_block(d.quote)
    embed = discord.Embed(title=truncate(display_name(d.term, d.local_name), 256), description=truncate(description, 4096),
                          colour=COLOUR)
    if d.aliases:
        embed.add_field(name="Also called", value=also_called(d.aliases), inline=False)
    if d.local_name and d.language != "en" and d.draft_translation and draft_note() is None:
        embed.set_footer(text=DRAFT_NAME)
    return embed


def explanation_embed(d: Definition) -> discord.Embed:
    """"Explain more": the explanation, every other name, the countries and topics."""
    embed = discord.Embed(title=truncate(display_name(d.term, d.local_name), 256), description=truncate(d.explanation, 4096),
                          colour=COLOUR)
    if d.aliases:
        embed.add_field(name="Also called", value=truncate(", ".join(d.aliases), 1024), inline=False)
    if d.translations:
        names = " · ".join(f"{t.language_name}: {t.text}" for t in d.translations)
        embed.add_field(name="Names in other languages", value=truncate(names, 1024), inline=False)
    if d.countries:
        embed.add_field(name="Countries", value=truncate(", ".join(d.countries), 1024), inline=False)
    if d.topics:
        embed.add_field(name="Topics", value=", ".join(topic_label(t) for t in d.topics), inline=False)
    if d.translations and d.draft_translation:
        embed.set_footer(text=DRAFT_NAMES)
    return embed


def entry_label(e: Entry) -> str:
    return display_name(e.term, e.local_name)


def entry_lines(entries: list[Entry] | tuple[Entry, ...]) -> str:
    return "\n".join(f"• **{entry_label(e)}**: {truncate(e.short, ENTRY_SHORT_CHARS)}" for e in entries)


def related_embed(d: Definition, entries: list[Entry]) -> discord.Embed:
    embed = discord.Embed(title=truncate(f"Related to {display_name(d.term, d.local_name)}", 256), colour=COLOUR)
    embed.description = entry_lines(entries) if entries else "No related terms are listed for this one."
    return embed


def sources_embed(d: Definition) -> discord.Embed:
    lines = [f"• {s}" for s in d.sources]
    if d.quote is not None and d.quote.source not in d.sources:
        lines.insert(0, f"• {d.quote.source} (the quotation)")
    return discord.Embed(title=truncate(f"Sources: {d.term}", 256), description=truncate("\n".join(lines), 4096),
                         colour=COLOUR)


def browse_embed(page: BrowsePage) -> discord.Embed:
    embed = discord.Embed(title=truncate(f"Glossary: {page.filters.describe()}", 256), colour=COLOUR)
    count = f"{page.total} term{'s' if page.total != 1 else ''}"
    if page.pages > 1:
        count += f" — page {page.page} of {page.pages}"
    embed.description = truncate(f"{count}\n\n{entry_lines(page.items)}", 4096)
    embed.set_footer(text=BROWSE_FOOTER)
    return embed


def nothing_found_embed(page: BrowsePage) -> discord.Embed:
    return discord.Embed(
        title="No terms found",
        description=f"No glossary term matches {page.filters.describe()}. Try one option at a time, or "
        "/glossary browse without options to see what there is.",
        colour=ERROR_COLOUR,
    )


def overview_embed(o: Overview) -> discord.Embed:
    embed = discord.Embed(
        title=f"Glossary: {o.total} SSE terms",
        description=(
            "Browse with one or more options: `/glossary browse letter:C`, `/glossary browse topic:finance`, "
            "`/glossary browse country:Thailand`; `language` shows the names in another language. "
            "Each page has a button per term. To look up one term in any language, use `/define`."
        ),
        colour=COLOUR,
    )
    letters = " · ".join(f"{'other' if letter == OTHER else letter} {n}" for letter, n in o.letters)
    embed.add_field(name="By letter", value=truncate(letters, 1024), inline=False)
    topics = " · ".join(f"{topic_label(t)} {n}" for t, n in o.topics)
    embed.add_field(name="By topic", value=truncate(topics, 1024), inline=False)
    countries = " · ".join(f"{name} {n}" for name, n in o.countries)
    embed.add_field(name="By country", value=truncate(countries, 1024), inline=False)
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
