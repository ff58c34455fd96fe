"""/country: a programme country's profile, page by page, in the member's language."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _, use_language
from bot.errors import NotFound
from bot.ui.common import DynamicView, clip_choices, guarded, member_language, reply
from bot.ui.pager import page_view
from cogs.countries.service import CountryMiss, CountryProfileService
from cogs.countries.ui import miss_embed, profile_embed
from cogs.resources.service import ResourceService
from db.queries import StoredQuery, save_query

KIND = "country"  # the saved-query kind behind a profile's page buttons


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    language = stored.params.get("language", "en")
    async with bot.app.db.begin() as session:
        profile = await bot.app.service(CountryProfileService).profile(session, stored.params["code"], language)
    if isinstance(profile, CountryMiss):  # saved by code from a profile: only if the content changed since
        raise NotFound(_("This profile is no longer available. Please run /country again."))
    with use_language(language):  # every page in the language the profile was asked in
        return profile_embed(profile, page)


async def answer_profile(interaction: discord.Interaction[SSEBot], name: str, language: str | None, *,
                         ephemeral: bool = False) -> None:
    app = interaction.client.app
    lang = await member_language(interaction, language)
    view: discord.ui.View | None = None
    async with app.db.begin() as session:
        profile = await app.service(CountryProfileService).profile(session, name, lang)
        if not isinstance(profile, CountryMiss):
            embed, page, pages = profile_embed(profile)
            if pages > 1:
                query_id = await save_query(session, KIND, {"code": profile.code, "language": lang},
                                            interaction.user.id, str(interaction.locale))
                view = page_view(query_id, page, pages)
    if isinstance(profile, CountryMiss):
        view = suggestion_buttons(profile.suggestions)
        await reply(interaction, embed=miss_embed(profile), view=view or discord.utils.MISSING, ephemeral=True)
        return
    await reply(interaction, embed=embed, view=view or discord.utils.MISSING, ephemeral=ephemeral)


class CountryButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:countries:show:(?P<code>[A-Z]{2})"):
    """A suggested country; pressing shows its profile to whoever pressed."""

    def __init__(self, code: str, label: str):
        super().__init__(discord.ui.Button(label=label[:80], style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:countries:show:{code}"))
        self.code = code

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CountryButton:
        return cls(match["code"], getattr(item, "label", None) or match["code"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: answer_profile(interaction, self.code, None, ephemeral=True))


def suggestion_buttons(suggestions: tuple[tuple[str, str], ...]) -> discord.ui.View | None:
    """One button per suggested country (code, name)."""
    if not suggestions:
        return None
    view = DynamicView()
    for code, name in suggestions[:5]:
        view.add_item(CountryButton(code, name))
    return view


class Countries(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("country"), description=locale_str("A programme country's SSE laws, policies, institutions and resources"))
    @app_commands.describe(
        name=locale_str("The country, in any language (e.g. Lao PDR, ລາວ, 한국)"),
        language=locale_str("Answer in this language (default: yours)"),
    )
    async def country(self, interaction: discord.Interaction[SSEBot], name: str, language: str | None = None) -> None:
        await answer_profile(interaction, name, language)

    @country.autocomplete("name")
    async def _complete_name(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(CountryProfileService).complete(current))

    @country.autocomplete("language")
    async def _complete_language(
        self, interaction: discord.Interaction[SSEBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(CountryButton)
    await bot.add_cog(Countries(bot))
