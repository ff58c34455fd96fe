"""/search: Q&A posts and archived discussions, ranked, filtered and paginated."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.ui.common import clip_choices, reply
from bot.ui.pager import page_view
from cogs.qa.service import QuestionService
from cogs.search import reconcile
from cogs.search.service import SearchParams, SearchService
from cogs.search.ui import search_embed
from cogs.search.writer import ArchiveWriter
from db.queries import StoredQuery, save_query
from db.search import snowflake_at

log = logging.getLogger(__name__)

KIND = "search"


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    params = SearchParams(**stored.params)
    async with bot.app.db.begin() as session:
        with bot.app.metrics.timed_search():
            result = await bot.app.service(SearchService).search(session, params, page=page)
    return search_embed(result), result.page, result.pages


def _choices(names: list[str], current: str) -> list[app_commands.Choice[str]]:
    current = current.casefold().strip()
    return [app_commands.Choice(name=n, value=n) for n in names if current in n.casefold()][:25]


class Search(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot
        self._reconcile_task: asyncio.Task[list[reconcile.ReconcileResult]] | None = None

    async def cog_unload(self) -> None:
        if self._reconcile_task is not None:
            self._reconcile_task.cancel()

    # ------------------------------------------------------------------ reconcile after (re)connecting
    # Deletions and edits made while the bot was disconnected never reach it as events.
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self._start_reconcile()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self._start_reconcile()

    def _start_reconcile(self) -> None:
        if self._reconcile_task is not None and not self._reconcile_task.done():
            return  # one pass at a time; a reconnect during a pass is covered by it
        self._reconcile_task = asyncio.get_running_loop().create_task(
            self._reconcile_logged(), name="sse:archive-reconcile")

    async def _reconcile_logged(self) -> list[reconcile.ReconcileResult]:
        try:
            return await self.reconcile_recent()
        except Exception:
            log.exception("reconciling the archive with Discord failed")
            return []

    async def reconcile_recent(self, now: datetime | None = None) -> list[reconcile.ReconcileResult]:
        app = self.bot.app
        days = app.config.archive.reconcile_days
        if not days:
            return []
        end = now or datetime.now(UTC)
        start = end - timedelta(days=days)
        await app.service(ArchiveWriter).flush()
        async with app.db.begin() as session:
            channel_ids = await reconcile.channels_in_window(session, start, end)
        results = []
        for channel_id in channel_ids:
            seen = await self._history(channel_id, start, end)
            if seen is None:
                continue
            async with app.db.begin() as session:
                result = await reconcile.reconcile_window(session, channel_id, seen, start=start, end=end)
            if result.deleted or result.edited:
                log.info("archive reconciled channel %s: %d deleted, %d edited of %d checked",
                         channel_id, result.deleted, result.edited, result.checked)
            results.append(result)
        return results

    async def _history(self, channel_id: int, start: datetime, end: datetime) -> list[reconcile.SeenMessage] | None:
        """What Discord has in the window, or None when it cannot tell (no access, outage)."""
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return None
            me = self.bot.user.id if self.bot.user else 0
            return [
                reconcile.SeenMessage(m.id, None if m.author.id == me else m.content, m.edited_at)
                async for m in channel.history(limit=None, after=discord.Object(snowflake_at(start) - 1),
                                               before=discord.Object(snowflake_at(end)))
            ]
        except discord.NotFound:
            return []  # the channel or thread itself was deleted
        except discord.HTTPException as exc:
            log.warning("cannot read the history of channel %s to reconcile the archive: %s", channel_id, exc)
            return None

    @app_commands.command(name=locale_str("search"), description=locale_str("Search past questions, answers and discussions"))
    @app_commands.describe(
        query=locale_str("Words to look for, in any language"),
        scope=locale_str("Questions and answers, discussions, or all"),
        country=locale_str("Only questions tagged with this country"),
        topic=locale_str("Only questions tagged with this topic"),
        author=locale_str("Only messages by this member"),
        solved=locale_str("Only solved (or only unsolved) questions"),
        after=locale_str("Only from this day on (YYYY-MM-DD)"),
        before=locale_str("Only up to this day (YYYY-MM-DD)"),
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
            with app.metrics.timed_search():
                result = await app.service(SearchService).search(session, params)
            view = None
            if result.pages > 1:
                query_id = await save_query(session, KIND, params.as_dict(), interaction.user.id, str(interaction.locale))
                view = page_view(query_id, result.page, result.pages)
        await reply(interaction, embed=search_embed(result), view=view or discord.utils.MISSING, ephemeral=True)

    @search.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(QuestionService).complete_country(current))

    @search.autocomplete("topic")
    async def _topic(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return _choices(self.bot.app.config.qa.topics, current)


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Search(bot))
