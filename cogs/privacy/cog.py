"""/privacy show|export|forget and /privacy publish on|off: what the bot stores about me, a copy of
it, forgetting it, and whether my Q&A messages are on the public web site."""

from __future__ import annotations

import io
import json

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import format_number, ngettext
from bot.ui.common import reply
from cogs.privacy.components import COMPONENTS, forget_view
from cogs.privacy.publish import set_publishing
from cogs.privacy.service import PrivacyService
from cogs.privacy.ui import forget_prompt, published_text, summary_embed
from cogs.search.writer import ArchiveWriter


class Privacy(commands.Cog):
    privacy_group = app_commands.Group(name=locale_str("privacy"),
                                       description=locale_str("See, export or delete what the bot stores about you"))
    publish_group = app_commands.Group(name=locale_str("publish"), parent=privacy_group,
                                       description=locale_str("Whether your Q&A messages are on the public web site"))

    def __init__(self, bot: SSEBot):
        self.bot = bot

    @privacy_group.command(name=locale_str("show"), description=locale_str("What the bot stores about you"))
    async def show(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = self.bot.app
        await app.service(ArchiveWriter).flush()
        async with app.db.begin() as session:
            summary = await app.service(PrivacyService).summary(session, interaction.user.id)
        await reply(interaction, embed=summary_embed(summary), ephemeral=True)

    @privacy_group.command(name=locale_str("export"), description=locale_str("A JSON file with everything the bot stores about you"))
    async def export(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = self.bot.app
        uid = interaction.user.id
        await app.service(ArchiveWriter).flush()
        async with app.db.begin() as session:
            data = await app.service(PrivacyService).export(session, uid)
        payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        file = discord.File(io.BytesIO(payload), filename=f"sse-bot-data-{uid}.json")
        count = len(data["messages"])
        await reply(interaction, content=ngettext("Your data: {count} stored message.",
                                                  "Your data: {count} stored messages.", count).format(
            count=format_number(count)), file=file, ephemeral=True)

    @privacy_group.command(name=locale_str("forget"), description=locale_str("Delete what the bot stores about you (asks first)"))
    async def forget(self, interaction: discord.Interaction[SSEBot]) -> None:
        await reply(interaction, content=forget_prompt(), view=forget_view(interaction.user.id), ephemeral=True)

    @publish_group.command(name=locale_str("on"),
                           description=locale_str("Publish your solved questions and your answers on the web site"))
    async def publish_on(self, interaction: discord.Interaction[SSEBot]) -> None:
        await self._publish(interaction, True)

    @publish_group.command(name=locale_str("off"),
                           description=locale_str("Take your questions and answers off the web site at once"))
    async def publish_off(self, interaction: discord.Interaction[SSEBot]) -> None:
        await self._publish(interaction, False)

    async def _publish(self, interaction: discord.Interaction[SSEBot], on: bool) -> None:
        async with self.bot.app.db.begin_write() as session:
            result = await set_publishing(session, interaction.user.id, on, interaction.user.display_name)
        await reply(interaction, content=published_text(result), ephemeral=True)


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Privacy(bot))
