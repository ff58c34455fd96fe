"""Glossary rendering: the short public answer to /define and what its buttons show, pages of
/glossary, "did you mean" replies; all in the reader's language, a term's own texts from its
translation (content/glossary/translations/<lang>.yaml), in English where that has none yet."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.catalogues import N_, _, format_number, ngettext, pgettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR
from cogs.glossary.browse import OTHER, BrowsePage, Overview
from cogs.glossary.service import Definition, Entry, Miss, display_name, quote_block, topic_label

NOTHING_CLOSE = N_(
    "No glossary term is close to that. Try another word or a shorter one (names work in any of the "
    "13 languages), or look for studies and guides with /resources."
)
ALSO_CALLED_CHARS = 120  # "Also called" stays on one line; the full list is under "Explain more"
ENTRY_SHORT_CHARS = 110  # a term's short definition in a list
BROWSE_FOOTER = N_("Press a name to open it (only you see it). /define finds any term in any language.")


def also_called(aliases: Sequence[str], limit: int = ALSO_CALLED_CHARS) -> str:
    """Whole aliases on one line up to ``limit`` characters, then how many more there are."""
    shown: list[str] = []
    for alias in aliases:
        if shown and len(", ".join([*shown, alias])) > limit:
            break
        shown.append(alias)
    rest = len(aliases) - len(shown)
    names = truncate(", ".join(shown), limit)
    if not rest:
        return names
    # TRANSLATORS: {names} is a list of a term's other names, {count} how many more are not shown
    return ngettext("{names} (+{count} more)", "{names} (+{count} more)", rest).format(
        names=names, count=format_number(rest))


def definition_title(d: Definition) -> str:
    return display_name(d.term, d.local_name, d.gloss)


def definition_embed(d: Definition) -> discord.Embed:
    """The public answer: the name, the short definition in plain words, the official words when
    there are some, the other names on one line. The rest is behind the buttons."""
    description = d.short
    if d.quote is not None:
        # Plain words first: they answer the question at a glance, in a second language too; the
        # quotation, longer and formal, follows as the authority behind them, in its own words.
        description += "\n\n" + quote_block(d.quote)
    embed = discord.Embed(title=truncate(definition_title(d), 256), description=truncate(description, 4096),
                          colour=COLOUR)
    others = d.other_names
    if others:
        embed.add_field(name=_("Also called"), value=also_called(others), inline=False)
    return embed


def explanation_embed(d: Definition) -> discord.Embed:
    """"Explain more": the explanation, every other name, the countries and topics."""
    embed = discord.Embed(title=truncate(definition_title(d), 256), description=truncate(d.explanation, 4096),
                          colour=COLOUR)
    others = d.other_names
    if others:
        embed.add_field(name=_("Also called"), value=truncate(", ".join(others), 1024), inline=False)
    if d.translations:
        names = " · ".join(f"{t.language_name}: {t.text} ({t.gloss})" if t.gloss else f"{t.language_name}: {t.text}"
                           for t in d.translations)
        embed.add_field(name=_("Names in other languages"), value=truncate(names, 1024), inline=False)
    if d.countries:
        embed.add_field(name=_("Countries"), value=truncate(", ".join(d.countries), 1024), inline=False)
    if d.topics:
        embed.add_field(name=_("Topics"), value=", ".join(topic_label(t) for t in d.topics), inline=False)
    return embed


def entry_label(e: Entry) -> str:
    return display_name(e.term, e.local_name, e.gloss)


def entry_lines(entries: Sequence[Entry]) -> str:
    return "\n".join(f"• **{entry_label(e)}**: {truncate(e.short, ENTRY_SHORT_CHARS)}" for e in entries)


def related_embed(d: Definition, entries: list[Entry]) -> discord.Embed:
    title = _("Related to {term}").format(term=definition_title(d))
    embed = discord.Embed(title=truncate(title, 256), colour=COLOUR)
    embed.description = entry_lines(entries) if entries else _("No related terms are listed for this one.")
    return embed


def sources_embed(d: Definition) -> discord.Embed:
    lines = [f"• {s}" for s in d.sources]
    if d.quote is not None and d.quote.source not in d.sources:
        # TRANSLATORS: {source} is where the quotation shown under the definition comes from
        lines.insert(0, "• " + _("{source} (the quotation)").format(source=d.quote.source))
    return discord.Embed(title=truncate(_("Sources: {term}").format(term=definition_title(d)), 256),
                         description=truncate("\n".join(lines), 4096), colour=COLOUR)


def browse_embed(page: BrowsePage) -> discord.Embed:
    # TRANSLATORS: {filters} is what the list shows, e.g. "letter C, topic finance, Thailand"
    embed = discord.Embed(title=truncate(_("Glossary: {filters}").format(filters=page.filters.describe()), 256),
                          colour=COLOUR)
    count = format_number(page.total)
    if page.pages > 1:
        heading = ngettext("{count} term — page {page} of {pages}", "{count} terms — page {page} of {pages}",
                           page.total).format(count=count, page=format_number(page.page),
                                              pages=format_number(page.pages))
    else:
        heading = ngettext("{count} term", "{count} terms", page.total).format(count=count)
    embed.description = truncate(f"{heading}\n\n{entry_lines(page.items)}", 4096)
    embed.set_footer(text=_(BROWSE_FOOTER))
    return embed


def nothing_found_embed(page: BrowsePage) -> discord.Embed:
    return discord.Embed(
        title=_("No terms found"),
        description=_("No glossary term matches {filters}. Try one option at a time, or /glossary browse without options "
                      "to see what there is.").format(filters=page.filters.describe()),
        colour=ERROR_COLOUR,
    )


def overview_embed(o: Overview) -> discord.Embed:
    embed = discord.Embed(
        title=ngettext("Glossary: {count} SSE term", "Glossary: {count} SSE terms", o.total).format(
            count=format_number(o.total)),
        description=_(
            "Browse with one or more options: `/glossary browse letter:C`, `/glossary browse topic:finance`, "
            "`/glossary browse country:Thailand`; `language` shows the names in another language. "
            "Each page has a button per term. To look up one term in any language, use `/define`."
        ),
        colour=COLOUR,
    )
    # TRANSLATORS: the index "letter" of names that start with a digit or a script other than A-Z
    other = pgettext("index letter", "other")
    letters = " · ".join(f"{other if letter == OTHER else letter} {format_number(n)}" for letter, n in o.letters)
    embed.add_field(name=_("By letter"), value=truncate(letters, 1024), inline=False)
    topics = " · ".join(f"{topic_label(t)} {format_number(n)}" for t, n in o.topics)
    embed.add_field(name=_("By topic"), value=truncate(topics, 1024), inline=False)
    countries = " · ".join(f"{name} {format_number(n)}" for name, n in o.countries)
    embed.add_field(name=_("By country"), value=truncate(countries, 1024), inline=False)
    return embed


def miss_embed(miss: Miss) -> discord.Embed:
    embed = discord.Embed(
        title=_("No exact match"),
        description=_("I couldn't find **{query}** in the glossary.").format(query=safe_echo(miss.query, 80)),
        colour=ERROR_COLOUR,
    )
    if miss.suggestions:
        embed.add_field(
            name=_("Did you mean"),
            value=truncate("\n".join(f"• {s.name}" for s in miss.suggestions), 1024),
            inline=False,
        )
    else:
        embed.add_field(name=_("Nothing close"), value=_(NOTHING_CLOSE), inline=False)
    return embed
