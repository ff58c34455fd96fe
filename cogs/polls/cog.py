"""/session poll: an availability poll (facilitators). Thin: convert inputs, call PollService,
render, respond. The subcommand joins the sessions' /session group when this cog loads."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import N_, _
from bot.ui.common import actor_of, member_language, reply
from bot.zonefinder import find_zones
from cogs.polls.components import COMPONENTS
from cogs.polls.service import PollService
from cogs.polls.ui import created_text
from db.preferences import get_preferences

log = logging.getLogger(__name__)
PROBLEM = N_("I couldn't post the poll (check my permissions in the announcements channel).")


@app_commands.command(name=locale_str("poll"), description=locale_str("Ask members which of 2–5 slots suits them (facilitators)"))
@app_commands.describe(
    title=locale_str("Title of the session to plan (up to 100 characters)"),
    slots=locale_str("2 to 5 starts separated by ; e.g. 2026-12-03 14:00; 2026-12-04 09:00"),
    timezone=locale_str("Time zone of those starts (default: yours)"), countries=locale_str("Audience countries, e.g. TH, VN (empty = all)"),
    duration=locale_str("Length of the session in minutes"),
)
async def poll(interaction: discord.Interaction[SSEBot], title: str, slots: str, timezone: str | None = None,
               countries: str | None = None, duration: app_commands.Range[int, 1, 1440] = 60) -> None:
    app = interaction.client.app
    if timezone is None:
        async with app.db.begin() as session:
            timezone = (await get_preferences(session, interaction.user.id)).timezone
    languages = (await member_language(interaction, None),)
    async with app.db.begin() as session:
        created, keys = await app.service(PollService).create(
            session, actor_of(interaction), title=title, slots=slots, timezone=timezone, countries=countries,
            duration_minutes=duration, channel_id=interaction.channel_id, languages=languages)
    await interaction.response.defer(ephemeral=True, thinking=True)
    outcomes = await interaction.client.delivery.deliver_now(keys)
    problems = [_(PROBLEM) for outcome in outcomes.values() if outcome != "sent"]
    await reply(interaction, content=created_text(created, problems), ephemeral=True)


@poll.autocomplete("timezone")
async def _zones(interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=c.label, value=c.zone) for c in find_zones(current)]


class Polls(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    async def cog_load(self) -> None:
        group = self.bot.tree.get_command("session")
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("the polls need the sessions capability's /session group (load it first)")
        group.add_command(poll)

    async def cog_unload(self) -> None:
        group = self.bot.tree.get_command("session")
        if isinstance(group, app_commands.Group):
            group.remove_command("poll")


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Polls(bot))
