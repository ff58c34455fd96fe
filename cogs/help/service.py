"""The lines of /help, read from the command tree's own payloads (what Discord is sent), so the list
never goes stale: every command, subcommand and message menu once, named as the member's Discord
shows it and described in the member's language where the command catalogue has a translation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import LANGUAGES

SUBCOMMAND, GROUP = 1, 2  # option types of subcommands and subcommand groups
SLASH, MESSAGE_MENU, USER_MENU = 1, 3, 2  # application command types


@dataclass(frozen=True)
class HelpLine:
    english: str  # the qualified name as written in the code: "session create", "Mark as answer"
    shown: str  # the same, as the member's Discord shows it (localised when a name exists)
    description: str  # in the member's language, else English; "" for message and user menus
    kind: int  # SLASH, MESSAGE_MENU or USER_MENU


def description_locale(language: str) -> str | None:
    """The Discord locale whose catalogue entries are in ``language`` (zh: zh-CN); None for English and
    for languages Discord has no locale for (km, lo, mn, ky, ms, fil), which get English."""
    lang = LANGUAGES.get(language)
    return lang.discord_locales[0] if lang and lang.discord_locales and language != "en" else None


def _local(payload: Mapping[str, Any], key: str, locale: str | None) -> str:
    localised = payload.get(f"{key}_localizations") or {}
    return str(localised.get(locale) or payload.get(key) or "") if locale else str(payload.get(key) or "")


def help_lines(payloads: Iterable[Mapping[str, Any]], name_locale: str | None, language: str) -> list[HelpLine]:
    """One line per command a member can run: subcommands instead of their group, in tree order."""
    text_locale = description_locale(language)
    lines: list[HelpLine] = []

    def walk(node: Mapping[str, Any], english: list[str], shown: list[str], kind: int) -> None:
        english = [*english, str(node["name"])]
        shown = [*shown, _local(node, "name", name_locale)]
        children = [o for o in node.get("options") or [] if o.get("type") in (SUBCOMMAND, GROUP)]
        if children:
            for child in children:
                walk(child, english, shown, kind)
            return
        lines.append(HelpLine(" ".join(english), " ".join(shown), _local(node, "description", text_locale), kind))

    for payload in payloads:
        walk(payload, [], [], int(payload.get("type") or SLASH))
    return lines
