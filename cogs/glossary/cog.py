"""/define: the glossary in the member's language."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bot import SSEBot
from bot.text import truncate
from bot.ui.common import clip_choices, guarded, reply
from bot.ui.language import member_language
from cogs.glossary.service import GlossaryService, Miss
from cogs.glossary.ui import definition_embed, miss_embed
from cogs.resources.service import ResourceService


def term_buttons(items: list[tuple[str, str]]) -> discord.ui.View | None:
    """One button per term (id, label); pressing shows that term to whoever pressed it."""
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for term_id, label in items[:10]:
        view.add_item(TermButton(term_id, label))
    return view


async def answer_definition(
    interaction: discord.Interaction[SSEBot], term: str, language: str | None, *, ephemeral: bool = False
) -> None:
    glossary = interaction.client.app.service(GlossaryService)
    lang = await member_language(interaction, language)
    result = glossary.define(term, lang)
    if isinstance(result, Miss):
        view = term_buttons([(s.value, truncate(s.name, 80)) for s in result.suggestions])
        await reply(interaction, embed=miss_embed(result), view=view or discord.utils.MISSING, ephemeral=True)
        return
    view = term_buttons(list(result.related))
    await reply(interaction, embed=definition_embed(result), view=view or discord.utils.MISSING, ephemeral=ephemeral)


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


class Glossary(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=_("define"), description=_("Explain a social and solidarity economy term"))
    @app_commands.describe(
        term=_("The term, in any language (e.g. cooperative, สหกรณ์, 合作社)"),
        language=_("Answer in this language (default: yours)"),
    )
    async def define(self, interaction: discord.Interaction[SSEBot], term: str, language: str | None = None) -> None:
        await answer_definition(interaction, term, language)

    @define.autocomplete("term")
    async def _complete_term(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(GlossaryService).autocomplete(current))

    @define.autocomplete("language")
    async def _complete_language(
        self, interaction: discord.Interaction[SSEBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(TermButton)
    await bot.add_cog(Glossary(bot))
