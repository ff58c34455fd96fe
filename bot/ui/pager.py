"""Paginated replies whose buttons survive restarts.

The query behind the reply is saved in the database (db/queries.py); the
buttons carry only ``sse:page:<query id>:<page>``. A cog registers a renderer for its
kind of query in ``bot.pagers``; pressing a button re-runs the query for that page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.ui.common import guarded
from db.queries import StoredQuery, load_query

if TYPE_CHECKING:
    from bot.bot import SSEBot

# (bot, stored query, page) -> (embed, page, pages)
PageRenderer = Callable[["SSEBot", StoredQuery, int], Awaitable[tuple[discord.Embed, int, int]]]


def page_view(query_id: int, page: int, pages: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(query_id, page - 1, "◀ Previous", disabled=page <= 1))
    view.add_item(discord.ui.Button(label=f"{page} / {pages}", disabled=True, custom_id=f"sse:page:{query_id}:label"))
    view.add_item(PageButton(query_id, page + 1, "Next ▶", disabled=page >= pages))
    return view


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:page:(?P<query>\d+):(?P<page>\d+)"):
    def __init__(self, query_id: int, page: int, label: str = "Page", disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                custom_id=f"sse:page:{query_id}:{max(page, 0)}",
            )
        )
        self.query_id = query_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(int(match["query"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def turn() -> None:
            bot = interaction.client
            async with bot.app.db.begin() as session:
                stored = await load_query(session, self.query_id, interaction.user.id)
            renderer: PageRenderer = bot.pagers[stored.kind]
            embed, page, pages = await renderer(bot, stored, self.page)
            await interaction.response.edit_message(embed=embed, view=page_view(stored.id, page, pages))

        await guarded(interaction, turn)
