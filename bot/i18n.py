"""Languages and countries the community uses, and how a reply's language is chosen."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalogues import _
from bot.countries import directory
from bot.errors import InvalidInput
from bot.text import fold


@dataclass(frozen=True)
class Language:
    code: str
    english: str
    native: str
    discord_locales: tuple[str, ...] = ()


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "English", "English", ("en-US", "en-GB")),
        Language("th", "Thai", "ไทย", ("th",)),
        Language("vi", "Vietnamese", "Tiếng Việt", ("vi",)),
        Language("km", "Khmer", "ខ្មែរ"),
        Language("lo", "Lao", "ລາວ"),
        Language("mn", "Mongolian", "Монгол"),
        Language("ky", "Kyrgyz", "Кыргызча"),
        Language("ru", "Russian", "Русский", ("ru",)),
        Language("id", "Indonesian", "Bahasa Indonesia", ("id",)),
        Language("ms", "Malay", "Bahasa Melayu"),
        Language("fil", "Filipino", "Filipino"),
        Language("zh", "Chinese", "中文", ("zh-CN", "zh-TW")),
        Language("ja", "Japanese", "日本語", ("ja",)),
        Language("ko", "Korean", "한국어", ("ko",)),
    ]
}
TRANSLATION_LANGUAGES = tuple(code for code in LANGUAGES if code != "en")
_LOCALE_TO_LANGUAGE = {loc: lang.code for lang in LANGUAGES.values() for loc in lang.discord_locales}
_LANGUAGE_NAMES = {
    fold(name): lang.code for lang in LANGUAGES.values() for name in (lang.code, lang.english, lang.native)
}


def language_for_locale(discord_locale: str | None) -> str | None:
    if not discord_locale:
        return None
    return _LOCALE_TO_LANGUAGE.get(discord_locale) or _LOCALE_TO_LANGUAGE.get(discord_locale.split("-")[0])


def parse_language(text: str | None) -> str | None:
    """A language code from a code, English name or native name; None if unknown."""
    if not text:
        return None
    return _LANGUAGE_NAMES.get(fold(text))


def resolve_language(explicit: str | None, preferred: str | None, discord_locale: str | None,
                     default: str = "en") -> str:
    """The language of a reply: what was asked for, then /language, then the Discord locale, then
    the server's default language (/setup, else config.yaml's ``language``)."""
    for candidate in (explicit, preferred, language_for_locale(discord_locale), default):
        if candidate and candidate in LANGUAGES:
            return candidate
    return "en"


# Country names are content (content/countries/*.yaml); these two keep the names every
# capability already calls, over the one resolver in bot/countries.py.
def parse_country(text: str | None) -> str | None:
    """A programme country's code from any name members type for it (any script); None if unknown."""
    return directory().parse(text)


def require_country(text: str) -> str:
    """The code of the country a member typed (any name or alias), or a polite error naming the closest."""
    code = parse_country(text)
    if code is None:
        countries = directory()
        raise InvalidInput(_("I don't know that country."), suggestions=countries.suggest(text) or countries.names())
    return code


def country_name(code: str) -> str:
    """The shown name of a programme country (the code itself for anything else)."""
    return directory().name(code)
