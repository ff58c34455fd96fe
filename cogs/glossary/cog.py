"""/define: the glossary in the member's language."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import clip_choices
from cogs.glossary.components import COMPONENTS, answer_definition
from cogs.glossary.service import GlossaryService
from cogs.resources.service import ResourceService


class Glossary(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=_("define"), description=_("Explain a social and solidarity economy term"))
    @app_commands.describe(
        term=_("The term, in any language (e.g. cooperative, สหกรณ์, 合作社)"),
        language=_("Answer in this language (default: yours)"),
        private=_("Show the answer only to me"),
    )
    async def define(self, interaction: discord.Interaction[SSEBot], term: str, language: str | None = None,
                     private: bool = False) -> None:
        await answer_definition(interaction, term, language, ephemeral=private)

    @define.autocomplete("term")
    async def _complete_term(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(GlossaryService).autocomplete(current))

    @define.autocomplete("language")
    async def _complete_language(
        self, interaction: discord.Interaction[SSEBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Glossary(bot))
