"""Localised command names and descriptions through discord.py's Translator, from the message
catalogues (bot/catalogues.py): names under the context ``command name`` (bot/command_strings.py),
descriptions and choices as the same sentences members read elsewhere. A string without a
translation stays English."""

from __future__ import annotations

from discord import Locale, app_commands

from bot.catalogues import COMMAND_NAME, translations
from bot.command_strings import NAME_LOCATIONS
from bot.i18n import language_for_locale


class CatalogueTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        language = language_for_locale(locale.value)
        if language in (None, "en"):
            return None
        catalogue = translations(language)  # type: ignore[arg-type]
        is_name = context.location in NAME_LOCATIONS and not isinstance(context.data, app_commands.ContextMenu)
        text = catalogue.pgettext(COMMAND_NAME, string.message) if is_name else catalogue.gettext(string.message)
        return None if text == string.message else str(text)
