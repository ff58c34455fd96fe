"""/glossary suggest and /glossary review. Thin: convert inputs, call ReviewService, render, respond.
The subcommands join the glossary capability's /glossary group when this cog loads."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, parse_language
from bot.text import optional_text
from bot.ui.common import clip_choices, member_language
from cogs.glossary.service import GlossaryService
from cogs.glossary_review.components import COMPONENTS, SuggestForm, queue_reply
from cogs.glossary_review.service import ReviewService
from cogs.resources.service import ResourceService

FIELD_CHOICES = [
    app_commands.Choice(name=locale_str("definition"), value="short"),
    app_commands.Choice(name=locale_str("name"), value="name"),
    app_commands.Choice(name=locale_str("explanation"), value="explanation"),
    app_commands.Choice(name=locale_str("gloss (a short explanation after a name kept in English)"), value="gloss"),
]


def text_language(text: str | None) -> str | None:
    """The language a suggestion is in, as typed (a code, or its name in English or in itself).
    Not the reply's language: a member may suggest Thai text and read the bot in English."""
    typed = optional_text(text, field="language", max_len=100)
    if typed is None:
        return None
    code = parse_language(typed)
    if code is None:
        raise InvalidInput(_("I don't know that language."), suggestions=[lang.english for lang in LANGUAGES.values()])
    return code


@app_commands.command(name=locale_str("suggest"),
                      description=locale_str("Suggest a better name, definition or explanation for a glossary term"))
@app_commands.describe(term=locale_str("The term (pick it from the list as you type)"),
                       field=locale_str("What to improve"),
                       language=locale_str("The language of your text (default: yours)"))
@app_commands.choices(field=FIELD_CHOICES)
async def suggest(interaction: discord.Interaction[SSEBot], term: str, field: str, language: str | None = None) -> None:
    app = interaction.client.app
    await app.service(GlossaryService).fresh()  # the form shows today's text, approved changes included
    code = text_language(language) or await member_language(interaction)
    target = app.service(ReviewService).target(term, code, field)
    await interaction.response.send_modal(SuggestForm(target, interaction))


@app_commands.command(name=locale_str("review"), description=locale_str("Approve or reject glossary suggestions (facilitators)"))
@app_commands.describe(language=locale_str("Only suggestions in this language"))
async def review(interaction: discord.Interaction[SSEBot], language: str | None = None) -> None:
    app = interaction.client.app
    code = text_language(language)
    await app.service(GlossaryService).fresh()  # "now" is what members read now
    await queue_reply(interaction, code)  # refuses politely unless a facilitator asks


@suggest.autocomplete("term")
async def _terms(interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
    return clip_choices(interaction.client.app.service(GlossaryService).autocomplete(current))


@suggest.autocomplete("language")
@review.autocomplete("language")
async def _languages(interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
    return clip_choices(interaction.client.app.service(ResourceService).complete_language(current))


class GlossaryReview(commands.Cog):
    def __init__(self, bot: SSEBot):
        self.bot = bot

    async def cog_load(self) -> None:
        group = self.bot.tree.get_command("glossary")
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("glossary review needs the glossary capability's /glossary group (load it first)")
        group.add_command(suggest)
        group.add_command(review)

    async def cog_unload(self) -> None:
        group = self.bot.tree.get_command("glossary")
        if isinstance(group, app_commands.Group):
            group.remove_command("suggest")
            group.remove_command("review")


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(GlossaryReview(bot))
