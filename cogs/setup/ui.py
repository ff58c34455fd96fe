"""Texts and embeds of /setup, its check, and the first-join message."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import discord

from bot import access
from bot.guild import Effective
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR


def welcome_text(guild_name: str) -> str:
    return (f"Thanks for adding me to **{safe_echo(guild_name, 100)}**! A member with **Manage Server** can "
            "run `/setup show` there to choose the announcements channel, the Q&A forum, the archived "
            "channels and the facilitator and helper roles (no ids to copy). `/setup check` then lists "
            "anything I am not allowed to do, with the fix.")


def settings_embed(effective: Effective, exists: Callable[[int], bool]) -> discord.Embed:
    """The current values, each with where it comes from; a deleted channel or role is named so."""

    def one(value: int, mention: str) -> str:
        if not value:
            return "not set"
        return mention if exists(value) else f"{mention} (deleted: choose another)"

    def many(values: Sequence[int], fmt: str) -> str:
        return ", ".join(one(v, fmt.format(v)) for v in values) or "none"

    embed = discord.Embed(title="Bot setup", colour=COLOUR, description=(
        "Choose below; a value set here wins over config.yaml, and clearing a menu goes back to config.yaml."))
    rows = [
        ("Announcements", "announcements", one(effective.announcements, f"<#{effective.announcements}>")),
        ("Q&A forum", "qa_forum", one(effective.qa_forum, f"<#{effective.qa_forum}>")),
        ("Archived channels", "archived", many(effective.archived, "<#{}>")),
        ("Facilitators", "facilitators", many(effective.facilitators, "<@&{}>")),
        ("Helpers", "helpers", many(effective.helpers, "<@&{}>")),
        ("Time zone", "timezone", effective.timezone),
        ("Default language", "language", effective.language),
    ]
    for title, name, value in rows:
        embed.add_field(name=title, value=truncate(f"{value}\n-# {effective.source(name)}", 1024), inline=True)
    embed.set_footer(text="/setup defaults changes the time zone and language · /setup check lists what I may not do")
    return embed


def findings_embed(findings: Sequence[access.Finding] | None) -> discord.Embed:
    if findings is None:
        return discord.Embed(description="I can't see the configured server, so I can't check.", colour=ERROR_COLOUR)
    bad = access.problems(findings)
    embed = discord.Embed(title="What I can and cannot do", colour=ERROR_COLOUR if bad else COLOUR)
    if bad:
        embed.description = truncate("**To fix:**\n" + "\n".join(f"• {f.text}" for f in bad), 4000)
    else:
        embed.description = "Everything the enabled features need is allowed."
    good: dict[str, list[str]] = {}
    for f in findings:
        if f.ok and f.flag:
            good.setdefault(access.WHERE_WORDS[f.where], []).append(access.label(f.flag))
    for where, labels in list(good.items())[:20]:
        embed.add_field(name=truncate(f"OK in {where}", 256), value=truncate(", ".join(dict.fromkeys(labels)), 1024),
                        inline=False)
    return embed
