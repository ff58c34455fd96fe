"""The toy capability's cog: /hello, thin like every cog."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import reply
from tests.toy.capability import ToyService


class Toy(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name="hello", description="Say hello to the toy capability")
    async def hello(self, interaction: discord.Interaction[SSEBot]) -> None:
        count = self.bot.app.service(ToyService).hello(interaction.user.id)
        await reply(interaction, content=f"Hello! That makes {count}.", ephemeral=True)


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Toy(bot))
