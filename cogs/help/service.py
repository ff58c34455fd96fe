"""The lines of /help, read from the command tree's own payloads (what Discord is sent), so the list
never goes stale: every command, subcommand and message menu once, named as the member's Discord
shows it and described in the member's language from the message catalogues."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.catalogues import _

SUBCOMMAND, GROUP = 1, 2  # option types of subcommands and subcommand groups
SLASH, MESSAGE_MENU, USER_MENU = 1, 3, 2  # application command types


@dataclass(frozen=True)
class HelpLine:
    english: str  # the qualified name as written in the code: "session create", "Mark as answer"
    shown: str  # the same, as the member's Discord shows it (localised when a name exists)
    description: str  # in the member's language, else English; "" for message and user menus
    kind: int  # SLASH, MESSAGE_MENU or USER_MENU


def _name(payload: Mapping[str, Any], locale: str | None) -> str:
    """A name as the member's Discord shows it: localised where Discord has the locale."""
    localised = payload.get("name_localizations") or {}
    return str(localised.get(locale) or payload["name"]) if locale else str(payload["name"])


def help_lines(payloads: Iterable[Mapping[str, Any]], name_locale: str | None) -> list[HelpLine]:
    """One line per command a member can run: subcommands instead of their group, in tree order,
    described in the language of the moment (the catalogues know every language, Discord only some)."""
    lines: list[HelpLine] = []

    def walk(node: Mapping[str, Any], english: list[str], shown: list[str], kind: int) -> None:
        english = [*english, str(node["name"])]
        shown = [*shown, _name(node, name_locale)]
        children = [o for o in node.get("options") or [] if o.get("type") in (SUBCOMMAND, GROUP)]
        if children:
            for child in children:
                walk(child, english, shown, kind)
            return
        description = str(node.get("description") or "")
        lines.append(HelpLine(" ".join(english), " ".join(shown), _(description) if description else "", kind))

    for payload in payloads:
        walk(payload, [], [], int(payload.get("type") or SLASH))
    return lines
