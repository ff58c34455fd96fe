"""/profile set|show|remove and /members. Thin: convert inputs, call ProfileService, render, respond."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _
from bot.errors import NotFound
from bot.ui.common import clip_choices, member_language, reply
from cogs.profiles.components import COMPONENTS, ProfileModal, members_view, profile_view
from cogs.profiles.service import ORG_TYPE_LABELS, DirectoryFilters, ProfileService
from cogs.profiles.ui import directory_embed, profile_embed
from db.queries import StoredQuery

KIND = "members"  # the saved-query kind of /members pages sent before their buttons carried the query

ORG_CHOICES = [app_commands.Choice(name=locale_str(label), value=key) for key, label in ORG_TYPE_LABELS.items()]


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    """Page buttons of /members replies sent before MembersPageButton (``sse:page:<saved query>``)."""
    async with bot.app.db.begin() as session:
        result = await bot.app.service(ProfileService).directory(session, DirectoryFilters(**stored.params), page)
    return directory_embed(result), result.page, result.pages


class Profiles(commands.Cog):
    profile_group = app_commands.Group(name=locale_str("profile"),
                                       description=locale_str("Your member profile: who you are and what you know"))

    def __init__(self, bot: SSEBot):
        self.bot = bot

    @profile_group.command(name=locale_str("set"), description=locale_str("Make or change your member profile"))
    @app_commands.describe(
        organisation_type=locale_str("The kind of organisation you work for"),
        country=locale_str("Your country, in any language"),
        happy_to_be_asked=locale_str("Send me questions on my topics that have no answer yet"),
    )
    @app_commands.choices(organisation_type=ORG_CHOICES)
    async def profile_set(self, interaction: discord.Interaction[SSEBot], organisation_type: str,
                          country: str | None = None, happy_to_be_asked: bool | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        profiles = app.service(ProfileService)
        code = profiles.parse_country(country)
        org_type = profiles.parse_org_type(organisation_type) or "other"
        async with app.db.begin() as session:
            current = await profiles.get(session, interaction.user.id)
        if current is not None:
            code = code or current.country
            happy = current.happy_to_be_asked if happy_to_be_asked is None else happy_to_be_asked
        else:
            happy = bool(happy_to_be_asked)
        choices = {"country": code, "org_type": org_type, "happy": happy}
        await interaction.response.send_modal(ProfileModal(
            interaction, choices, org_name=current.org_name if current else None,
            bio=current.bio if current else None))

    @profile_set.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ProfileService).complete_country(current))

    @profile_group.command(name=locale_str("show"), description=locale_str("Show your profile or another member's"))
    @app_commands.describe(member=locale_str("The member (default: you)"))
    async def profile_show(self, interaction: discord.Interaction[SSEBot], member: discord.User | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        target = member or interaction.user
        own = target.id == interaction.user.id
        async with app.db.begin() as session:
            profile = await app.service(ProfileService).get(session, target.id)
        if profile is None:
            raise NotFound(_("You have no profile yet. Use /profile set to make one.") if own else
                           _("This member has no profile. Members appear once they use /profile set."))
        view = profile_view(self.bot, profile) if own else discord.utils.MISSING
        await reply(interaction, embed=profile_embed(profile, own=own), view=view, ephemeral=True)

    @profile_group.command(name=locale_str("remove"), description=locale_str("Delete your member profile"))
    async def profile_remove(self, interaction: discord.Interaction[SSEBot]) -> None:
        await member_language(interaction)
        app = self.bot.app
        async with app.db.begin() as session:
            removed = await app.service(ProfileService).remove(session, interaction.user.id)
        text = (_("Your profile is deleted: you are no longer in /members and get no notes about questions.")
                if removed else _("You had no profile, so there was nothing to delete."))
        await reply(interaction, content=text, ephemeral=True)

    @app_commands.command(name=locale_str("members"), description=locale_str("Find members by country, topic, language or organisation"))
    @app_commands.describe(
        country=locale_str("Only members from this country"), topic=locale_str("Only members who know this topic"),
        language=locale_str("Only members who speak this language"),
        organisation_type=locale_str("Only members from this kind of organisation"),
    )
    @app_commands.choices(organisation_type=ORG_CHOICES)
    async def members(self, interaction: discord.Interaction[SSEBot], country: str | None = None,
                      topic: str | None = None, language: str | None = None,
                      organisation_type: str | None = None) -> None:
        await member_language(interaction)
        app = self.bot.app
        profiles = app.service(ProfileService)
        filters = profiles.parse_filters(country, topic, language, organisation_type)
        async with app.db.begin() as session:  # one read; the page buttons carry the query (nothing stored)
            result = await profiles.directory(session, filters)
        view = members_view(interaction.user.id, filters, result.page, result.pages, profiles.topics)
        await reply(interaction, embed=directory_embed(result), view=view or discord.utils.MISSING, ephemeral=True)

    @members.autocomplete("country")
    async def _members_country(self, interaction: discord.Interaction[SSEBot], current: str
                               ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ProfileService).complete_country(current))

    @members.autocomplete("topic")
    async def _members_topic(self, interaction: discord.Interaction[SSEBot], current: str
                             ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in self.bot.app.service(ProfileService).complete_topic(current)]

    @members.autocomplete("language")
    async def _members_language(self, interaction: discord.Interaction[SSEBot], current: str
                                ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n[:100], value=v)
                for n, v in self.bot.app.service(ProfileService).complete_language(current)]


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Profiles(bot))
