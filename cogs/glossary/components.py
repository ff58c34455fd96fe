"""Glossary buttons: open a term, and the "Explain more" / "Related terms" / "Sources" buttons under
a /define answer. Persistent ``DynamicItem`` templates: only the custom id is needed, so they keep
working after a restart, and each answers privately whoever pressed it, in that member's language."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.bot import SSEBot
from bot.catalogues import N_, SmallPrint, _
from bot.errors import NotFound
from bot.text import truncate
from bot.ui.common import DynamicView, guarded, member_language, reply
from cogs.glossary.service import Definition, Entry, GlossaryService, Miss
from cogs.glossary.ui import (
    definition_embed,
    entry_label,
    explanation_embed,
    miss_embed,
    related_embed,
    sources_embed,
)
from cogs.glossary.wording import definition_small_print, explanation_small_print, related_small_print

# Button labels, in the language of the member the answer is built for.
DETAILS = {"explain": N_("Explain more"), "related": N_("Related terms"), "sources": N_("Sources")}


def term_buttons(items: list[tuple[str, str]]) -> discord.ui.View | None:
    """One button per term (id, label); pressing shows that term to whoever pressed it."""
    if not items:
        return None
    view = DynamicView()
    for term_id, label in items[:10]:
        view.add_item(TermButton(term_id, label))
    return view


def entry_buttons(entries: list[Entry] | tuple[Entry, ...]) -> list[discord.ui.Item[Any]]:
    return [TermButton(e.id, entry_label(e)) for e in entries]


def detail_view(d: Definition) -> discord.ui.View:
    view = DynamicView()
    for action in DETAILS:
        if action != "related" or d.related:
            view.add_item(DetailButton(action, d.id))
    return view


async def answer_definition(
    interaction: discord.Interaction[SSEBot], term: str, language: str | None, *, ephemeral: bool = False
) -> None:
    glossary = await interaction.client.app.service(GlossaryService).fresh()
    lang = await member_language(interaction, language)
    result = glossary.define(term, lang)
    if isinstance(result, Miss):
        view = term_buttons([(s.value, truncate(s.name, 80)) for s in result.suggestions])
        await reply(interaction, embed=miss_embed(result), view=view or discord.utils.MISSING, ephemeral=True)
        return
    await reply(interaction, embed=definition_embed(result), view=detail_view(result), ephemeral=ephemeral,
                small_print=definition_small_print(result))


async def answer_detail(interaction: discord.Interaction[SSEBot], action: str, term_id: str) -> None:
    glossary = await interaction.client.app.service(GlossaryService).fresh()
    term = glossary.term(term_id)
    if term is None:
        raise NotFound(_("That term is no longer in the glossary. Try /define or /glossary browse."))
    d = glossary.definition(term, await member_language(interaction, None))
    if action == "explain":
        await reply(interaction, embed=explanation_embed(d), ephemeral=True, small_print=explanation_small_print(d))
    elif action == "related":
        entries = glossary.entries([r for r, _name in d.related], d.language)
        view = term_buttons([(e.id, entry_label(e)) for e in entries])
        await reply(interaction, embed=related_embed(d, entries), view=view or discord.utils.MISSING, ephemeral=True,
                    small_print=related_small_print(d, entries))
    else:
        await reply(interaction, embed=sources_embed(d), ephemeral=True, small_print=SmallPrint(draft=d.draft_translation))


class TermButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:glossary:define:(?P<term>[a-z0-9-]+)"):
    def __init__(self, term_id: str, label: str):
        super().__init__(
            discord.ui.Button(label=truncate(label, 80), style=discord.ButtonStyle.secondary,
                              custom_id=f"sse:glossary:define:{term_id}")
        )
        self.term_id = term_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TermButton:
        return cls(match["term"], getattr(item, "label", None) or match["term"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: answer_definition(interaction, self.term_id, None, ephemeral=True))


class DetailButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"sse:glossary:(?P<action>explain|related|sources):(?P<term>[a-z0-9-]+)",
):
    def __init__(self, action: str, term_id: str):
        super().__init__(
            discord.ui.Button(label=_(DETAILS[action]), style=discord.ButtonStyle.secondary,
                              custom_id=f"sse:glossary:{action}:{term_id}")
        )
        self.action = action
        self.term_id = term_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DetailButton:
        return cls(match["action"], match["term"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: answer_detail(interaction, self.action, self.term_id))


COMPONENTS = (TermButton, DetailButton)
