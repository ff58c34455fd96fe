"""/help through the real discord.py code path: every registered command once, in the member's language."""

from __future__ import annotations

import re

import discord
from discord import app_commands

from bot.app import App
from bot.catalogues import COMMAND_NAME, translations
from offline import OfflineDiscord

LINE = re.compile(r"^• `/?([^`]+)`(?: \(([^)]+)\))? — (.+)$")


def registered(gw: OfflineDiscord) -> list[str]:
    """Every command a member can run, by qualified English name, walked from the bot's own tree."""
    tree = gw.bot.tree  # type: ignore[attr-defined]
    names: list[str] = []

    def walk(cmd: app_commands.Command | app_commands.Group | app_commands.ContextMenu) -> None:  # type: ignore[type-arg]
        if isinstance(cmd, app_commands.Group):
            for child in cmd.commands:
                walk(child)
        else:
            names.append(cmd.qualified_name)

    for cmd in tree.get_commands(guild=discord.Object(gw.guild_id)):
        walk(cmd)
    return names


def help_lines(result_text: list[str]) -> dict[str, list[tuple[str, str]]]:
    """English name -> [(name shown, description)] for every line of the /help reply."""
    found: dict[str, list[tuple[str, str]]] = {}
    for value in result_text:
        for line in value.splitlines():
            match = LINE.match(line)
            assert match, f"not a command line: {line!r}"
            shown, english, description = match.groups()
            found.setdefault(english or shown, []).append((shown, description))
    return found


def command_fields(embed: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["value"] for f in embed["fields"]]


async def test_help_lists_every_registered_command_exactly_once(gw: OfflineDiscord) -> None:
    result = await gw.slash("help")
    assert result.ephemeral
    assert result.embed["title"] == "SSE community bot"
    assert 2 <= result.embed["description"].count("\n") + 1 <= 3, "what the bot does in 2-3 lines"
    lines = help_lines(command_fields(result.embed))
    expected = registered(gw)
    assert {"define", "glossary browse", "glossary suggest", "glossary review", "help", "session create", "archive backfill", "Mark as answer"} <= set(expected)
    assert sorted(lines) == sorted(expected)
    assert all(len(entries) == 1 for entries in lines.values()), "each command once"
    assert lines["define"] == [("define", "Explain a social and solidarity economy term")]
    assert lines["session create"][0][1] == "Plan a session and announce it (facilitators)"
    assert "Apps" in lines["Mark as answer"][0][1]


def name_in(language: str, english: str) -> str:
    return str(translations(language).pgettext(COMMAND_NAME, english))


def text_in(language: str, english: str) -> str:
    return str(translations(language).gettext(english))


async def test_help_for_a_thai_member_is_in_thai(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("help", locale="th")
    lines = help_lines(command_fields(result.embed))
    assert sorted(lines) == sorted(registered(gw))
    define = "Explain a social and solidarity economy term"
    assert name_in("th", "define") != "define" and text_in("th", define) != define, "the catalogue translates both"
    assert lines["define"] == [(name_in("th", "define"), text_in("th", define))]
    assert lines["session create"][0] == (f"{name_in('th', 'session')} {name_in('th', 'create')}",
                                          text_in("th", "Plan a session and announce it (facilitators)"))
    assert lines["help"][0][0] == name_in("th", "help")


async def test_help_language_follows_the_option_then_the_preference(gw: OfflineDiscord, app: App) -> None:
    define = "Explain a social and solidarity economy term"
    japanese = help_lines(command_fields((await gw.slash("help", language="ja", locale="th")).embed))
    # names as the member's Discord (Thai) shows them, descriptions in the language asked for
    assert japanese["define"] == [(name_in("th", "define"), text_in("ja", define))]
    await gw.slash("language", user=gw.member_id, language="km")
    khmer = help_lines(command_fields((await gw.slash("help", user=gw.member_id)).embed))
    # Discord has no Khmer locale: English names (what members type), descriptions from the catalogue
    assert khmer["define"] == [("define", text_in("km", define))]
    chinese = help_lines(command_fields((await gw.slash("help", language="Chinese")).embed))
    assert chinese["define"][0][1] == text_in("zh", define) != define


async def test_help_fits_discord_limits_in_every_catalogue_language(gw: OfflineDiscord) -> None:
    for locale in ("en-US", "th", "vi", "id", "ru", "zh-CN", "ja", "ko"):
        result = await gw.slash("help", locale=locale)
        embed = result.embed
        assert all(len(f["value"]) <= 1024 for f in embed["fields"]) and len(embed["fields"]) <= 25
        total = len(embed["title"]) + len(embed["description"]) + sum(len(f["name"]) + len(f["value"])
                                                                       for f in embed["fields"])
        assert total <= 6000, (locale, total)
    assert not gw.violations


async def test_help_with_an_unknown_language_is_a_polite_private_error(gw: OfflineDiscord) -> None:
    result = await gw.slash("help", language="@everyone Klingon")
    assert result.ephemeral
    assert "don't know that language" in result.embed["description"]
    assert "@everyone" not in result.text
