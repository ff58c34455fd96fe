"""Texts and embeds of /setup, its check, and the first-join message."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import discord

from bot import access
from bot.catalogues import _
from bot.guild import Effective
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR, ERROR_COLOUR


def welcome_text(guild_name: str) -> str:
    return _("Thanks for adding me to **{server}**! A member with **Manage Server** can run `/setup show` there to "
             "choose the announcements channel, the Q&A forum, the archived channels and the facilitator and helper "
             "roles (no ids to copy). `/setup check` then lists anything I am not allowed to do, with the "
             "fix.").format(server=safe_echo(guild_name, 100))


def settings_embed(effective: Effective, exists: Callable[[int], bool]) -> discord.Embed:
    """The current values, each with where it comes from; a deleted channel or role is named so."""

    def one(value: int, mention: str) -> str:
        if not value:
            return _("not set")
        return mention if exists(value) else _("{channel} (deleted: choose another)").format(channel=mention)

    def many(values: Sequence[int], fmt: str) -> str:
        return ", ".join(one(v, fmt.format(v)) for v in values) or _("none")

    embed = discord.Embed(title=_("Bot setup"), colour=COLOUR, description=_(
        "Choose below; a value set here wins over config.yaml, and clearing a menu goes back to config.yaml."))
    rows = [
        (_("Announcements"), "announcements", one(effective.announcements, f"<#{effective.announcements}>")),
        (_("Q&A forum"), "qa_forum", one(effective.qa_forum, f"<#{effective.qa_forum}>")),
        (_("Archived channels"), "archived", many(effective.archived, "<#{}>")),
        (_("Facilitators"), "facilitators", many(effective.facilitators, "<@&{}>")),
        (_("Helpers"), "helpers", many(effective.helpers, "<@&{}>")),
        (_("Time zone"), "timezone", effective.timezone),
        (_("Default language"), "language", effective.language),
    ]
    for title, name, value in rows:
        embed.add_field(name=title, value=truncate(f"{value}\n-# {effective.source(name)}", 1024), inline=True)
    embed.set_footer(text=_("/setup defaults changes the time zone and language · /setup check lists what I may not do"))
    return embed


def findings_embed(findings: Sequence[access.Finding] | None) -> discord.Embed:
    if findings is None:
        return discord.Embed(description=_("I can't see the configured server, so I can't check."),
                             colour=ERROR_COLOUR)
    bad = access.problems(findings)
    embed = discord.Embed(title=_("What I can and cannot do"), colour=ERROR_COLOUR if bad else COLOUR)
    if bad:
        embed.description = truncate(_("**To fix:**") + "\n" + "\n".join(f"• {f.text}" for f in bad), 4000)
    else:
        embed.description = _("Everything the enabled features need is allowed.")
    good: dict[str, list[str]] = {}
    for f in findings:
        if f.ok and f.flag:
            good.setdefault(access.where_words(f.where), []).append(access.label(f.flag))
    for where, labels in list(good.items())[:20]:
        embed.add_field(name=truncate(_("OK in {place}").format(place=where), 256),
                        value=truncate(", ".join(dict.fromkeys(labels)), 1024), inline=False)
    return embed
