"""The language a reply is written in, for commands that take a ``language`` option."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, parse_language, resolve_language
from bot.text import optional_text
from db.preferences import get_preferences

if TYPE_CHECKING:
    from bot.bot import SSEBot


async def member_language(interaction: discord.Interaction[SSEBot], explicit: str | None) -> str:
    """Explicit choice, then the member's /language, then their Discord locale."""
    code = None
    text = optional_text(explicit, field="language", max_len=100)
    if text:
        code = parse_language(text)
        if code is None:
            raise InvalidInput("I don't know that language.", suggestions=[lang.english for lang in LANGUAGES.values()])
    async with interaction.client.app.db.begin() as session:
        prefs = await get_preferences(session, interaction.user.id)
    return resolve_language(code, prefs.language, str(interaction.locale))
