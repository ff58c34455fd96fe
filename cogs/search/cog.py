"""/search: Q&A posts and archived discussions, ranked, filtered and paginated."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import reply
from bot.ui.pager import page_view
from cogs.search.service import SearchParams, SearchService
from cogs.search.ui import search_embed
from db.queries import StoredQuery, save_query

KIND = "search"


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    params = SearchParams(**stored.params)
    async with bot.app.db.begin() as session:
        result = await bot.app.service(SearchService).search(session, params, page=page)
    return search_embed(result), result.page, result.pages


def _choices(names: list[str], current: str) -> list[app_commands.Choice[str]]:
    current = current.casefold().strip()
    return [app_commands.Choice(name=n, value=n) for n in names if current in n.casefold()][:25]


class Search(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.pagers[KIND] = render_page

    @app_commands.command(name=_("search"), description=_("Search past questions, answers and discussions"))
    @app_commands.describe(
        query=_("Words to look for, in any language"),
        scope=_("Questions and answers, discussions, or all"),
        country=_("Only questions tagged with this country"),
        topic=_("Only questions tagged with this topic"),
        author=_("Only messages by this member"),
        solved=_("Only solved (or only unsolved) questions"),
        after=_("Only from this day on (YYYY-MM-DD)"),
        before=_("Only up to this day (YYYY-MM-DD)"),
    )
    async def search(
        self, interaction: discord.Interaction[SSEBot], query: str,
        scope: Literal["questions", "discussions", "all"] = "all", country: str | None = None,
        topic: str | None = None, author: discord.User | None = None, solved: bool | None = None,
        after: str | None = None, before: str | None = None,
    ) -> None:
        app = self.bot.app
        params = app.service(SearchService).parse(
            query, scope=scope, country=country, topic=topic, author_id=author.id if author else None, solved=solved,
            after=after, before=before,
        )
        async with app.db.begin() as session:
            result = await app.service(SearchService).search(session, params)
            view = None
            if result.pages > 1:
                query_id = await save_query(session, KIND, params.as_dict(), interaction.user.id, str(interaction.locale))
                view = page_view(query_id, result.page, result.pages)
        await reply(interaction, embed=search_embed(result), view=view or discord.utils.MISSING, ephemeral=True)

    @search.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return _choices(self.bot.app.config.qa.countries, current)

    @search.autocomplete("topic")
    async def _topic(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return _choices(self.bot.app.config.qa.topics, current)


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Search(bot))
