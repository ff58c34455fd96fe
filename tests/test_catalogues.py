"""The message catalogues: in step with the code, complete in all 13 languages, and safe to format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.catalogues import (
    COMMAND_NAME,
    LOCALE_DIR,
    is_draft,
    ngettext,
    translations,
    untranslated,
    use_language,
)
from bot.command_strings import command_strings
from bot.i18n import LANGUAGES, TRANSLATION_LANGUAGES
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
# Discord: https://discord.com/developers/docs/interactions/application-commands#application-command-object
DISCORD_NAME = re.compile(r"^[-_'\w\u0e00-\u0e7f\u0900-\u097f]{1,32}$")


def read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as file:
        return read_po(file)


def ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_holds_every_string_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(fresh),
                                "--no-location", "-k", "locale_str", str(ROOT)])
    in_code, template = ids(read(fresh)), ids(read(LOCALE_DIR / "messages.pot"))
    assert in_code - template == set(), "strings in the code but not in bot/locale: run ./dev i18n"
    assert template - in_code == set(), "strings in bot/locale no longer in the code: run ./dev i18n"


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_every_catalogue_translates_every_message(language: str) -> None:
    missing = untranslated(language)
    assert not missing, f"{len(missing)} message(s) untranslated in {language}, e.g. {missing[:5]}"
    catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po")
    for message in catalog:
        if isinstance(message.id, tuple) and message.string and any(message.string):
            assert len(message.string) == catalog.num_plurals, (language, message.id, "one string per plural form")
    header = (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")[:400]
    assert "review-status: draft" in header or "review-status: reviewed" in header
    assert is_draft(language) == ("review-status: draft" in header)


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
def test_translations_keep_every_placeholder_and_add_none(language: str) -> None:
    wrong = []
    for message in read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"):
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {name for source in sources for name in PLACEHOLDER.findall(source)}
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            got = set(PLACEHOLDER.findall(text))
            # a plural form may leave out the count ("один" for 1 in Russian), never add a name
            if got - wanted or (wanted - got) - ({"count", "n"} if isinstance(message.id, tuple) else set()):
                wrong.append((sources[0], text))
            try:
                text.format(**dict.fromkeys(wanted, "x"))
            except (KeyError, IndexError, ValueError) as exc:
                wrong.append((sources[0], f"{text} ({exc!r})"))
    assert not wrong, f"{language}: {wrong[:5]}"


def test_plural_forms_follow_each_languages_rules() -> None:
    catalog = read(LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po")
    plural = next(m for m in catalog if isinstance(m.id, tuple) and m.string and all(m.string))
    with use_language("ru"):
        forms = [ngettext(plural.id[0], plural.id[1], n) for n in (1, 3, 5, 21)]
    assert forms == [plural.string[0], plural.string[1], plural.string[2], plural.string[0]]
    with use_language("ja"):  # one form for every number
        assert ngettext(plural.id[0], plural.id[1], 1) == ngettext(plural.id[0], plural.id[1], 5)


@pytest.mark.parametrize("language", [code for code, lang in LANGUAGES.items() if lang.discord_locales and code != "en"])
def test_command_names_and_descriptions_fit_discord(language: str) -> None:
    """Names lowercase, without spaces, at most 32 characters; descriptions and choices at most 100."""
    catalogue = translations(language)
    for context, english in command_strings():
        if context == COMMAND_NAME:
            name = catalogue.pgettext(COMMAND_NAME, english)
            assert DISCORD_NAME.match(name) and name == name.lower(), (language, english, name)
        elif english:
            assert len(catalogue.gettext(english)) <= 100, (language, english)


MENU = "Mark as answer"  # the message menu (cogs/qa/cog.py), named in the Q&A nudge


@pytest.mark.parametrize("code", TRANSLATION_LANGUAGES)
def test_messages_name_the_answer_menu_as_the_members_discord_shows_it(code: str) -> None:
    # Discord shows the menu under its translated name only in the languages it has a locale for;
    # everyone else finds it under the English name, whatever their catalogue calls it.
    catalogue = read(LOCALE_DIR / code / "LC_MESSAGES" / "messages.po")
    menu = catalogue.get(MENU)
    shown = str(menu.string) if LANGUAGES[code].discord_locales and menu is not None and menu.string else MENU
    naming = [m for m in catalogue if isinstance(m.id, str) and MENU in m.id and m.id != MENU and m.string]
    assert naming, "the nudge names the menu"
    for message in naming:
        assert shown in str(message.string), message.id
