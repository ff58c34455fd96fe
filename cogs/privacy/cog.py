"""/privacy: what is stored about me, a copy of it, and forgetting it."""

from __future__ import annotations

import io
import json
from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import format_number, ngettext
from bot.ui.common import reply
from cogs.privacy.components import COMPONENTS, forget_view
from cogs.privacy.service import PrivacyService
from cogs.privacy.ui import forget_prompt, summary_embed
from cogs.search.writer import ArchiveWriter


class Privacy(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("privacy"), description=locale_str("See, export or delete what the bot stores about you"))
    @app_commands.describe(action=locale_str("show, export (JSON file) or forget"))
    async def privacy(self, interaction: discord.Interaction[SSEBot],
                      action: Literal["show", "export", "forget"] = "show") -> None:
        app = self.bot.app
        uid = interaction.user.id
        await app.service(ArchiveWriter).flush()
        if action == "forget":
            await reply(interaction, content=forget_prompt(), view=forget_view(uid), ephemeral=True)
            return
        async with app.db.begin() as session:
            if action == "export":
                data = await app.service(PrivacyService).export(session, uid)
            else:
                summary = await app.service(PrivacyService).summary(session, uid)
        if action == "export":
            payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
            file = discord.File(io.BytesIO(payload), filename=f"sse-bot-data-{uid}.json")
            count = len(data["messages"])
            await reply(interaction, content=ngettext("Your data: {count} stored message.",
                                                      "Your data: {count} stored messages.", count).format(
                count=format_number(count)), file=file, ephemeral=True)
            return
        await reply(interaction, embed=summary_embed(summary), ephemeral=True)


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Privacy(bot))
