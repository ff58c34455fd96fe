"""Peer Q&A and the archive: /ask, Mark as answer, /solved, live ingest, backfill, routing."""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import UTC, datetime
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import N_, _, format_number, ngettext, use_language
from bot.errors import InvalidInput
from bot.text import safe_echo
from bot.ui.common import NO_MENTIONS, actor_of, member_language, reply, with_note
from bot.ui.pager import page_view
from cogs.qa.components import COMPONENTS, AskModal, forum_tags
from cogs.qa.jobs import archive_post
from cogs.qa.lifecycle import HelpersPage, LifecycleService, Month, parse_month
from cogs.qa.service import QuestionService
from cogs.qa.ui import close_note, helpers_embed, reopen_note, solved_notice
from cogs.search import archive
from cogs.search.archive import MessageRecord
from cogs.search.backfill import BackfillState, backfill_page, backfill_start, check_backfill_allowed
from cogs.search.writer import ArchiveWriter
from db.queries import StoredQuery, save_query

log = logging.getLogger(__name__)

BACKFILL_PAGE = 100
PROGRESS_EVERY = 5  # pages between progress edits


def to_record(message: discord.Message, kind: str) -> MessageRecord:
    channel = message.channel
    thread_id = channel.id if kind in ("question", "answer") else None
    return MessageRecord(
        id=message.id, channel_id=channel.id, guild_id=message.guild.id if message.guild else 0, thread_id=thread_id,
        author_id=message.author.id, content=message.content, created_at=message.created_at, kind=kind,
        edited_at=message.edited_at,
    )


def _message_id(text: str | None) -> int | None:
    if not text:
        return None
    numbers = re.findall(r"\d{15,21}", text)
    if not numbers:
        raise InvalidInput(_("Give the answer as a message link (right-click the message > Copy Message Link)."))
    return int(numbers[-1])


class QA(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=locale_str("Mark as answer"), callback=self.mark_as_answer)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.bot.app.service(ArchiveWriter).start()

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # ------------------------------------------------------------------ asking
    @app_commands.command(name=locale_str("ask"), description=locale_str("Ask the community a question in the Q&A forum"))
    async def ask(self, interaction: discord.Interaction[SSEBot]) -> None:
        await interaction.response.send_modal(AskModal(interaction))

    # ------------------------------------------------------------------ answers
    async def mark_as_answer(self, interaction: discord.Interaction[SSEBot], message: discord.Message) -> None:
        await self._solve(interaction, message.channel.id, message.id)

    @app_commands.command(name=locale_str("solved"), description=locale_str("Mark this Q&A post as solved"))
    @app_commands.describe(answer=locale_str("Link to the answer (default: the latest reply)"))
    async def solved(self, interaction: discord.Interaction[SSEBot], answer: str | None = None) -> None:
        channel_id = interaction.channel_id or 0
        await self._solve(interaction, channel_id, _message_id(answer))

    async def _solve(self, interaction: discord.Interaction[Any], thread_id: int, message_id: int | None) -> None:
        app = self.bot.app
        await app.service(ArchiveWriter).flush()  # the reply being marked may still be in the write queue
        async with app.db.begin() as session:
            result = await app.service(QuestionService).mark_answer(session, actor_of(interaction), thread_id,
                                                                    message_id, datetime.now(UTC))
        await interaction.response.defer(ephemeral=True, thinking=True)
        thread = self.bot.get_channel(thread_id)
        if isinstance(thread, discord.Thread) and isinstance(thread.parent, discord.ForumChannel):
            tags = await forum_tags(thread.parent, [result.solved_tag])
            if tags and tags[0] not in thread.applied_tags and len(thread.applied_tags) < 5:
                await thread.add_tags(tags[0], reason="marked as solved")
            with use_language(app.guild.current.language):  # the post is read by the whole community
                notice = solved_notice(result, interaction.user.id)
            await thread.send(notice, allowed_mentions=NO_MENTIONS)
        await interaction.followup.send(with_note(_("Marked as solved. Thank you!")), ephemeral=True)

    # ------------------------------------------------------------------ live ingest
    def _kind(self, message: discord.Message) -> str | None:
        if message.author.bot or message.guild is None or message.type not in (
            discord.MessageType.default, discord.MessageType.reply
        ):
            return None
        return archive.classify(
            self.bot.app.guild.current, guild_id=message.guild.id, channel_id=message.channel.id,
            parent_id=getattr(message.channel, "parent_id", None), message_id=message.id,
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        kind = self._kind(message)
        if kind is None:
            return
        writer = self.bot.app.service(ArchiveWriter)
        if kind == "question":
            thread = message.channel
            assert isinstance(thread, discord.Thread)
            questions = self.bot.app.service(QuestionService)
            country, topic = questions.tags_of_post([t.name for t in thread.applied_tags])

            async def record(session: Any) -> None:
                await questions.record_question(
                    session, thread_id=thread.id, forum_id=thread.parent_id, guild_id=thread.guild.id,
                    author_id=message.author.id, title=thread.name, body=message.content, country=country, topic=topic,
                    created_at=message.created_at, starter_message_id=message.id,
                )

            writer.run(record)
        else:
            writer.store(to_record(message, kind))
            if kind == "answer":  # a message in a closed post opens it again (Discord unarchives it)
                writer.run(partial(self.bot.app.service(LifecycleService).reply_arrived, thread_id=message.channel.id,
                                   author_id=message.author.id, at=message.created_at))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        content = payload.data.get("content")
        if content is None or payload.guild_id is None:
            return
        edited = datetime.now(UTC)

        async def edit(session: Any) -> None:
            await archive.edit_message(session, payload.message_id, content, edited)

        self.bot.app.service(ArchiveWriter).run(edit)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        ids = [payload.message_id]
        self.bot.app.service(ArchiveWriter).run(partial(archive.delete_messages, ids=ids))

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        self.bot.app.service(ArchiveWriter).run(partial(archive.delete_messages, ids=list(payload.message_ids)))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.bot.app.service(ArchiveWriter).run(partial(archive.delete_thread, thread_id=payload.thread_id))

    # ------------------------------------------------------------------ backfill
    archive_group = app_commands.Group(name=locale_str("archive"), description=locale_str("Searchable archive of discussions"))

    @archive_group.command(name=locale_str("backfill"), description=locale_str("Store a channel's past messages for search (facilitators)"))
    @app_commands.describe(channel=locale_str("An opted-in channel"), restart=locale_str("Start again from the newest message"))
    async def backfill(self, interaction: discord.Interaction[SSEBot], channel: discord.TextChannel,
                       restart: bool = False) -> None:
        app = self.bot.app
        check_backfill_allowed(app.guild.current, actor_of(interaction), channel.id)
        async with app.db.begin() as session:
            state = await backfill_start(session, channel.id, restart=restart)
        resumed = state.before_id is not None
        started = _("Resuming the backfill of {channel}…") if resumed else _("Starting the backfill of {channel}…")
        await reply(interaction, content=started.format(channel=channel.mention), ephemeral=True)
        state = await self.run_backfill(channel, state, interaction)
        await interaction.edit_original_response(content=with_note(ngettext(
            "Backfill of {channel} finished: {count} message stored or updated.",
            "Backfill of {channel} finished: {count} messages stored or updated.", state.stored,
        ).format(channel=channel.mention, count=format_number(state.stored))))

    async def run_backfill(self, channel: discord.abc.Messageable, state: BackfillState,
                           interaction: discord.Interaction[Any] | None = None) -> BackfillState:
        """Page through history (newest first) from the checkpoint; each page is stored with the
        checkpoint in one transaction, so a crash resumes where it stopped and stores nothing twice."""
        app = self.bot.app
        before = state.before_id
        pages = read = 0
        while True:
            batch = [m async for m in channel.history(
                limit=BACKFILL_PAGE, before=discord.Object(before) if before else None
            )]
            read += len(batch)
            records = [to_record(m, "message") for m in batch if not m.author.bot and m.content and m.type in (
                discord.MessageType.default, discord.MessageType.reply)]
            done = len(batch) < BACKFILL_PAGE
            async with app.db.begin() as session:
                state = await backfill_page(
                    session, state.channel_id, records, oldest_id=min((m.id for m in batch), default=None), done=done,
                )
            before = state.before_id
            pages += 1
            if done:
                return state
            if interaction is not None and pages % PROGRESS_EVERY == 0:
                with contextlib.suppress(discord.HTTPException):
                    # TRANSLATORS: progress of a long backfill: messages read, then how many of them were stored
                    progress = ngettext("Backfilling… {count} message read, {stored} stored so far.",
                                        "Backfilling… {count} messages read, {stored} stored so far.", read)
                    await interaction.edit_original_response(content=with_note(progress.format(
                        count=format_number(read), stored=format_number(state.stored))))


HELPERS_KIND = "helpers"  # the saved-query kind of /helpers pages
CANNOT_ARCHIVE = N_("The post's state is saved, but Discord did not let me archive or unarchive it: the bot needs "
                    "Manage Threads in the Q&A forum. Please tell a server manager.")


async def _names(bot: SSEBot, result: HelpersPage) -> dict[int, str]:
    """Display names, made inert (no markdown, no mention): the list names people, it pings no one.
    From the member cache, else asked of Discord (a page holds at most 20); one who left is unnamed."""
    guild = bot.get_guild(bot.app.guild.current.guild_id)
    names = {}
    for helper in result.helpers:
        user: discord.abc.User | None = guild.get_member(helper.user_id) if guild else None
        if user is None and guild is not None:
            with contextlib.suppress(discord.NotFound):
                user = await guild.fetch_member(helper.user_id)
        if user is not None:
            names[helper.user_id] = safe_echo(user.display_name, 80)
    return names


async def render_helpers_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    app = bot.app
    month = Month(*(int(x) for x in stored.params["month"].split("-")))
    async with app.db.begin() as session:
        result = await app.service(LifecycleService).helpers(session, month, page)
    return helpers_embed(result, await _names(bot, result), app.guild.current.timezone), result.page, result.pages


class Lifecycle(commands.Cog):
    """/close and /reopen inside a Q&A post, /helpers. The rules are in cogs/qa/lifecycle.py."""

    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("close"), description=locale_str("Close this Q&A post (the asker or a facilitator)"))
    @app_commands.describe(resolved=locale_str("Was your question answered? (default: yes if an answer is marked)"))
    async def close(self, interaction: discord.Interaction[SSEBot], resolved: bool | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        thread_id = interaction.channel_id or 0
        await app.service(ArchiveWriter).flush()  # a reply just written counts before the post closes
        async with app.db.begin() as session:
            state = await app.service(LifecycleService).close_post(session, actor_of(interaction), thread_id, resolved,
                                                              datetime.now(UTC))
        await interaction.response.defer(ephemeral=True, thinking=True)
        with use_language(app.guild.current.language):  # the post is read by the whole community
            note = close_note(state.reason or "", interaction.user.id)
        done = _("This post is closed. Use /reopen here to open it again.")
        try:
            await self.bot.delivery.post(thread_id, content=note, allowed_mentions=NO_MENTIONS)
            await archive_post(self.bot, thread_id, True, f"/close by {interaction.user.id}")
        except discord.Forbidden as exc:
            log.warning("could not archive Q&A post %s (HTTP %s: %s); the bot needs Manage Threads in the Q&A forum",
                        thread_id, exc.status, exc.text or exc)
            done = CANNOT_ARCHIVE
        await interaction.followup.send(with_note(_(done)), ephemeral=True)

    @app_commands.command(name=locale_str("reopen"), description=locale_str("Open this closed Q&A post again (the asker or a facilitator)"))
    async def reopen(self, interaction: discord.Interaction[SSEBot]) -> None:
        await member_language(interaction)
        app = self.bot.app
        thread_id = interaction.channel_id or 0
        async with app.db.begin() as session:
            await app.service(LifecycleService).reopen_post(session, actor_of(interaction), thread_id, datetime.now(UTC))
        await interaction.response.defer(ephemeral=True, thinking=True)
        with use_language(app.guild.current.language):
            note = reopen_note(interaction.user.id)
        done = _("This post is open again.")
        try:
            await archive_post(self.bot, thread_id, False, f"/reopen by {interaction.user.id}")
            await self.bot.delivery.post(thread_id, content=note, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as exc:
            log.warning("could not unarchive Q&A post %s (HTTP %s: %s); the bot needs Manage Threads in the Q&A "
                        "forum", thread_id, exc.status, exc.text or exc)
            done = CANNOT_ARCHIVE
        await interaction.followup.send(with_note(_(done)), ephemeral=True)

    @app_commands.command(name=locale_str("helpers"), description=locale_str("Members whose answers were accepted, per month"))
    @app_commands.describe(month=locale_str("Year and month, e.g. 2026-11 (default: this month)"))
    async def helpers(self, interaction: discord.Interaction[SSEBot], month: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        lifecycle = app.service(LifecycleService)
        chosen = parse_month(month, lifecycle.zone, datetime.now(UTC))
        async with app.db.begin() as session:
            result = await lifecycle.helpers(session, chosen)
            query_id = (await save_query(session, HELPERS_KIND, {"month": chosen.key}, interaction.user.id,
                                         str(interaction.locale))) if result.pages > 1 else 0
        view = page_view(query_id, result.page, result.pages) if result.pages > 1 else None
        await reply(interaction, embed=helpers_embed(result, await _names(self.bot, result), lifecycle.zone),
                    view=view or discord.utils.MISSING, ephemeral=True)


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(QA(bot))
    await bot.add_cog(Lifecycle(bot))
