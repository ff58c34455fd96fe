"""/resources: the catalogue, filtered and paginated."""

from __future__ import annotations

from dataclasses import asdict

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import clip_choices, reply
from bot.ui.pager import page_view
from cogs.resources.service import ResourceFilters, ResourceService
from cogs.resources.ui import resources_embed
from db.queries import StoredQuery, save_query

KIND = "resources"


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    result = bot.app.service(ResourceService).search(ResourceFilters(**stored.params), page=page)
    return resources_embed(result), result.page, result.pages


class Resources(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("resources"), description=locale_str("Find SSE studies, briefs, resolutions and courses"))
    @app_commands.describe(
        query=locale_str("Words to look for in titles and summaries"),
        country=locale_str("Only resources about this country"),
        topic=locale_str("Only resources on this topic"),
        type=locale_str("Only this kind of resource"),
        language=locale_str("Only resources available in this language"),
    )
    async def resources(
        self, interaction: discord.Interaction[SSEBot], query: str | None = None, country: str | None = None,
        topic: str | None = None, type: str | None = None, language: str | None = None,
    ) -> None:
        app = self.bot.app
        filters = app.service(ResourceService).parse_filters(query, country, topic, type, language)
        result = app.service(ResourceService).search(filters)
        view = None
        if result.pages > 1:
            async with app.db.begin() as session:
                query_id = await save_query(session, KIND, asdict(filters), interaction.user.id, str(interaction.locale))
            view = page_view(query_id, result.page, result.pages)
        await reply(interaction, embed=resources_embed(result), view=view or discord.utils.MISSING)

    @resources.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_country(current))

    @resources.autocomplete("topic")
    async def _topic(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_topic(current))

    @resources.autocomplete("type")
    async def _type(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_type(current))

    @resources.autocomplete("language")
    async def _language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Resources(bot))
