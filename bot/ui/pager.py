"""Paginated replies whose buttons survive restarts.

The query behind the reply is saved in the database (db/queries.py); the
buttons carry only ``sse:page:<query id>:<page>``. A cog registers a renderer for its
kind of query in ``bot.pagers``; pressing a button re-runs the query for that page. A renderer
returns ``(embed, page, pages)``, or ``(embed, page, pages, items)`` when each page carries buttons
of its own (e.g. one per term listed), shown above the page buttons."""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.catalogues import _, format_number
from bot.ui.common import DynamicView, guarded
from db.queries import StoredQuery, load_query

if TYPE_CHECKING:
    from bot.bot import SSEBot

Rendered = tuple[discord.Embed, int, int] | tuple[discord.Embed, int, int, Sequence[discord.ui.Item[Any]]]
# (bot, stored query, page) -> (embed, page, pages[, items of that page])
PageRenderer = Callable[["SSEBot", StoredQuery, int], Awaitable[Rendered]]


def page_view(
    query_id: int, page: int, pages: int, items: Sequence[discord.ui.Item[Any]] = ()
) -> discord.ui.View | None:
    """The page's own ``items`` (at most 20, in rows of five), then ◀ page / pages ▶ on a row of
    their own when there is more than one page; labelled in the current language (the presser's)."""
    if pages <= 1 and not items:
        return None
    view = DynamicView()
    for item in items[:20]:
        view.add_item(item)
    if pages > 1:
        row = math.ceil(len(items[:20]) / 5)
        view.add_item(PageButton(query_id, page - 1, _("◀ Previous"), disabled=page <= 1, row=row))
        view.add_item(discord.ui.Button(label=f"{format_number(page)} / {format_number(pages)}", disabled=True,
                                        row=row, custom_id=f"sse:page:{query_id}:label"))
        view.add_item(PageButton(query_id, page + 1, _("Next ▶"), disabled=page >= pages, row=row))
    return view


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:page:(?P<query>\d+):(?P<page>\d+)"):
    def __init__(self, query_id: int, page: int, label: str = "Page", disabled: bool = False, row: int | None = None):
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                custom_id=f"sse:page:{query_id}:{max(page, 0)}",
            ),
            row=row,
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
            embed, page, pages, *items = await renderer(bot, stored, self.page)
            view = page_view(stored.id, page, pages, items[0] if items else ())
            await interaction.response.edit_message(embed=embed, view=view)

        await guarded(interaction, turn)
