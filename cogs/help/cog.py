"""/help: what the bot does and every command, read from the command tree itself."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import clip_choices, member_language, reply
from cogs.help.service import help_lines
from cogs.help.ui import help_embed
from cogs.resources.service import ResourceService


class Help(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("help"), description=locale_str("What this bot does, and every command"))
    @app_commands.describe(language=locale_str("Answer in this language (default: yours)"))
    async def help(self, interaction: discord.Interaction[SSEBot], language: str | None = None) -> None:
        await member_language(interaction, language)
        lines = help_lines(await self.bot.command_payload(), str(interaction.locale))
        await reply(interaction, embed=help_embed(lines), ephemeral=True)

    @help.autocomplete("language")
    async def _language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Help(bot))
