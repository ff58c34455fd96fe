"""/report [from] [to]: the monitoring and evaluation report, privately, for facilitators."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import draft_note
from bot.ui.common import NO_MENTIONS, actor_of, member_language
from cogs.report.service import ReportService
from cogs.report.ui import csv_zip, report_embed

MAX_FILES = 10  # attachments in one Discord message


class ReportCog(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("report"),
                          description=locale_str("The monitoring and evaluation report, with charts (facilitators)"))
    @app_commands.rename(date_from=locale_str("from"), date_to=locale_str("to"))
    @app_commands.describe(date_from=locale_str("First day, YYYY-MM-DD (default: 30 days ago)"),
                           date_to=locale_str("Last day, YYYY-MM-DD (default: today)"))
    async def report(self, interaction: discord.Interaction[SSEBot], date_from: str | None = None,
                     date_to: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        service = app.service(ReportService)
        period = service.prepare(actor_of(interaction), date_from, date_to)  # refusals answer at once
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with app.db.begin() as session:
            report = await service.build(session, period)
        from bot.charts import png_files

        pngs = await asyncio.to_thread(png_files, report)  # matplotlib off the event loop
        files = [discord.File(io.BytesIO(data), filename=name) for name, data in [*pngs, csv_zip(report)]]
        await interaction.followup.send(content=draft_note() or discord.utils.MISSING, embed=report_embed(report),
                                        files=files[:MAX_FILES], ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(ReportCog(bot))
