"""/privacy: what is stored about me, a copy of it, and forgetting it."""

from __future__ import annotations

import io
import json
from typing import Any, Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import reply
from cogs.privacy.service import PrivacyService
from cogs.privacy.ui import ForgetButton, forget_prompt, forget_view, forgotten_text, summary_embed
from cogs.search.archive import ArchiveWriter


class Privacy(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    async def cog_load(self) -> None:
        ForgetButton.handler = self.confirm_forget

    @app_commands.command(name=_("privacy"), description=_("See, export or delete what the bot stores about you"))
    @app_commands.describe(action=_("show, export (JSON file) or forget"))
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
            await reply(interaction, content=f"Your data: {len(data['messages']):,} stored message(s).", file=file,
                        ephemeral=True)
            return
        await reply(interaction, embed=summary_embed(summary), ephemeral=True)

    async def confirm_forget(self, interaction: discord.Interaction[Any], confirmed: bool) -> None:
        if not confirmed:
            await interaction.response.edit_message(content="Cancelled: nothing was deleted.", view=None)
            return
        app = self.bot.app
        await app.service(ArchiveWriter).flush()
        service = app.service(PrivacyService)
        async with app.db.begin() as session:
            result = await service.forget(session, interaction.user.id)
        await interaction.response.edit_message(content=forgotten_text(result), view=None)
        await service.after_forget(app.db)


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Privacy(bot))
