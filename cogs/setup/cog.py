"""/setup: choose the channels and roles with Discord's menus, the defaults, and check permissions;
the first-join message; the permission check at start. Thin: bot/guild.py decides and stores."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _
from bot.guild import parse_default_language, parse_timezone, require_manager
from bot.ui.common import actor_of, reply
from cogs.setup import jobs
from cogs.setup.components import COMPONENTS, exists_in, panel, saved
from cogs.setup.ui import findings_embed, settings_embed

log = logging.getLogger(__name__)


class Setup(commands.Cog):
    group = app_commands.Group(name="setup", description="Set the bot up in this server (Manage Server)",
                               guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: SSEBot):
        self.bot = bot

    @group.command(name="show", description="See the bot's setup and change channels and roles with menus")
    async def show(self, interaction: discord.Interaction[SSEBot]) -> None:
        require_manager(actor_of(interaction))  # enforced here, not only by Discord's default permissions
        effective = self.bot.app.guild.current
        has_forum = bool(effective.qa_forum and interaction.guild and interaction.guild.get_channel(effective.qa_forum))
        await reply(interaction, embed=settings_embed(effective, exists_in(interaction.guild)), view=panel(has_forum),
                    ephemeral=True)

    @group.command(name="defaults", description="Set the server's default time zone and answer language")
    @app_commands.describe(timezone="An IANA time zone, e.g. Asia/Bangkok", language="e.g. English, ไทย, vi")
    async def defaults(self, interaction: discord.Interaction[SSEBot], timezone: str | None = None,
                       language: str | None = None) -> None:
        require_manager(actor_of(interaction))
        values = {}
        if timezone is not None:
            values["timezone"] = parse_timezone(timezone)
        if language is not None:
            values["language"] = parse_default_language(language)
        if not values:
            await reply(interaction, content=_("Give a `timezone`, a `language` or both."), ephemeral=True)
            return
        await saved(interaction, **values)

    @group.command(name="check", description="List what the bot can and cannot do in each configured channel")
    async def check(self, interaction: discord.Interaction[SSEBot]) -> None:
        require_manager(actor_of(interaction))
        await reply(interaction, embed=findings_embed(await jobs.check_now(self.bot)), ephemeral=True)

    # ------------------------------------------------------------------ events
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await jobs.log_problems(self.bot, "at start")

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.first_seen(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.first_seen(guild)  # a server added while the bot was offline

    async def first_seen(self, guild: discord.Guild) -> None:
        """The first time the bot is in a server, tell its people how to run /setup: in the system
        channel when the bot may post there, else the owner by DM. Once: the server is recorded and
        the message enqueued in the outbox in one transaction (key per server)."""
        app = self.bot.app
        async with app.db.begin_write() as session:
            if not await app.guild.first_seen(session, guild.id) or app.guild.is_configured(guild.id):
                return
            channel = guild.system_channel
            can_post = channel is not None and guild.me is not None and channel.permissions_for(guild.me).send_messages
            await app.outbox.enqueue(session, f"setup:welcome:{guild.id}", jobs.WELCOME,
                                     channel_id=channel.id if can_post and channel else None,
                                     user_id=None if can_post else guild.owner_id,
                                     params={"guild_name": guild.name})
        self.bot.delivery.kick()


async def setup(bot: SSEBot) -> None:
    await bot.add_cog(Setup(bot))
    bot.add_dynamic_items(*COMPONENTS)
