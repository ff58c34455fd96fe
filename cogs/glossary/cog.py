"""/define and /glossary browse: the glossary in the member's language. /glossary is a group: the
review capability (cogs/glossary_review) adds /glossary suggest and /glossary review to it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import current_language
from bot.i18n import parse_language
from bot.ui.common import clip_choices, member_language, reply
from bot.ui.pager import page_view
from cogs.glossary.browse import BrowseFilters, GlossaryIndex
from cogs.glossary.components import COMPONENTS, answer_definition, entry_buttons
from cogs.glossary.service import GlossaryService
from cogs.glossary.ui import browse_embed, nothing_found_embed, overview_embed
from cogs.glossary.wording import browse_small_print
from cogs.resources.service import ResourceService
from db.queries import StoredQuery, save_query

KIND = "glossary"  # the saved-query kind of /glossary pages


async def render_page(
    bot: SSEBot, stored: StoredQuery, page: int
) -> tuple[discord.Embed, int, int, list[discord.ui.Item[discord.ui.View]]]:
    params = stored.params
    filters = BrowseFilters(params.get("letter"), params.get("topic"), params.get("country"))
    # In the language the list was asked in (only the member who asked turns its pages).
    await bot.app.service(GlossaryService).fresh()
    result = bot.app.service(GlossaryIndex).browse(filters, params.get("language") or "en", page)
    return browse_embed(result), result.page, result.pages, entry_buttons(result.items)


class Glossary(commands.Cog):
    glossary_group = app_commands.Group(name=locale_str("glossary"),
                                        description=locale_str("The SSE glossary: browse it, suggest better wording"))

    def __init__(self, bot: SSEBot):
        self.bot = bot

    @app_commands.command(name=locale_str("define"), description=locale_str("Explain a social and solidarity economy term"))
    @app_commands.describe(
        term=locale_str("The term, in any language (e.g. cooperative, สหกรณ์, 合作社)"),
        language=locale_str("Answer in this language (default: yours)"),
        private=locale_str("Show the answer only to me"),
    )
    async def define(self, interaction: discord.Interaction[SSEBot], term: str, language: str | None = None,
                     private: bool = False) -> None:
        await answer_definition(interaction, term, language, ephemeral=private)

    @glossary_group.command(name=locale_str("browse"), description=locale_str("Browse SSE terms by letter, topic or country"))
    @app_commands.describe(
        letter=locale_str("Terms whose English name starts with this letter (A-Z, or #)"),
        topic=locale_str("Only terms on this topic"),
        country=locale_str("Only terms used in this country"),
        language=locale_str("Answer in this language (default: yours)"),
    )
    async def glossary(self, interaction: discord.Interaction[SSEBot], letter: str | None = None,
                       topic: str | None = None, country: str | None = None, language: str | None = None) -> None:
        await self.bot.app.service(GlossaryService).fresh()
        index = self.bot.app.service(GlossaryIndex)
        lang = await member_language(interaction, language)  # first: what is wrong is said in that language
        filters = index.parse(letter, topic, country)
        if filters.empty:
            await reply(interaction, embed=overview_embed(index.overview()), ephemeral=True)
            return
        result = index.browse(filters, lang)
        if not result.items:
            await reply(interaction, embed=nothing_found_embed(result), ephemeral=True)
            return
        query_id = 0  # a single page has no page buttons, so nothing to save
        if result.pages > 1:
            params = {"letter": filters.letter, "topic": filters.topic, "country": filters.country, "language": lang}
            async with self.bot.app.db.begin() as session:
                query_id = await save_query(session, KIND, params, interaction.user.id, str(interaction.locale))
        view = page_view(query_id, result.page, result.pages, entry_buttons(result.items))
        await reply(interaction, embed=browse_embed(result), view=view or discord.utils.MISSING, ephemeral=True,
                    small_print=browse_small_print(result))

    @define.autocomplete("term")
    async def _complete_term(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        # Named in the language the answer will be in: the language option when it is filled in already.
        language = parse_language(interaction.namespace.language) or current_language()
        return clip_choices(self.bot.app.service(GlossaryService).autocomplete(current, language))

    @define.autocomplete("language")
    @glossary.autocomplete("language")
    async def _complete_language(
        self, interaction: discord.Interaction[SSEBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    @glossary.autocomplete("letter")
    async def _complete_letter(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(GlossaryIndex).complete_letter(current))

    @glossary.autocomplete("topic")
    async def _complete_topic(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(GlossaryIndex).complete_topic(current))

    @glossary.autocomplete("country")
    async def _complete_country(
        self, interaction: discord.Interaction[SSEBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(GlossaryIndex).complete_country(current))


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Glossary(bot))
