"""Localised command names and descriptions through discord.py's Translator.

The catalogue (content/i18n/commands.yaml) maps the English string in the code to its
translation per Discord locale; a string without a translation stays English."""

from __future__ import annotations

from discord import Locale, app_commands


class CatalogueTranslator(app_commands.Translator):
    def __init__(self, strings: dict[str, dict[str, str]]):
        self.strings = strings

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        return self.strings.get(string.message, {}).get(locale.value)
