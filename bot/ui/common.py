"""Shared rendering and reply helpers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.catalogues import N_, SmallPrint, _, draft_note, set_language
from bot.errors import InvalidInput, UserError
from bot.i18n import LANGUAGES, language_for_locale, parse_language, resolve_language
from bot.permissions import Actor
from bot.text import optional_text, safe_echo, truncate
from db.preferences import get_preferences, update_preferences

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0x2E7D32)  # the community's green
ERROR_COLOUR = discord.Colour(0xE67E22)
NO_MENTIONS = discord.AllowedMentions.none()
# Discord says nothing when a member closes a form without sending it, so an open form is
# forgotten after this long; generous, because a form dropped while someone types loses their text.
FORM_TIMEOUT = 60 * 60


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The member acting, as the plain values services check permissions against."""
    roles = getattr(interaction.user, "roles", None) or []  # a DM has a User, without roles
    manages = bool(interaction.guild_id) and interaction.permissions.manage_guild
    return Actor(user_id=interaction.user.id, role_ids=frozenset(r.id for r in roles), manages_server=manages)


LANGUAGE = "language"  # Interaction.extras key: the reply language, once resolved


async def member_language(interaction: discord.Interaction[Any], explicit: str | None = None) -> str:
    """The language to answer in: the ``language`` option, then the member's /language, then their
    Discord locale, then the server's default (English when none of them is a language the bot knows).
    It also becomes the language of every string built after this in the interaction (bot/catalogues.py)."""
    code = None
    text = optional_text(explicit, field=N_("language"), max_len=100)
    if text:
        code = parse_language(text)
        if code is None:
            raise InvalidInput(_("I don't know that language."),
                               suggestions=[lang.english for lang in LANGUAGES.values()])
    elif LANGUAGE in interaction.extras:
        return str(interaction.extras[LANGUAGE])
    app = interaction.client.app
    async with app.db.begin() as session:
        prefs = await get_preferences(session, interaction.user.id)
    locale = str(interaction.locale)
    default = app.guild.current.language
    from_locale = language_for_locale(locale)
    if prefs.discord_locale != locale and (
            prefs.discord_locale is not None or from_locale not in (None, default)):
        # Remembered for the DMs the bot sends later (reminders, waitlist places), which Discord
        # sends without a locale: only when it says more than the server's default language, and
        # written only when it changes.
        async with app.db.begin_write() as session:
            await update_preferences(session, interaction.user.id, discord_locale=locale)
    language = resolve_language(code, prefs.language, locale, default=default)
    if code is None:
        interaction.extras[LANGUAGE] = language
    set_language(language)
    return language


def locale_language(interaction: discord.Interaction[Any]) -> str:
    """The language from the Discord locale and the server default alone (no database read): for
    autocomplete, answered on every keystroke."""
    return resolve_language(None, None, str(interaction.locale),
                            default=interaction.client.app.guild.current.language)


def form_id(prefix: str, interaction: discord.Interaction[Any]) -> str:
    """A form's custom id, unique to the interaction that opened it. discord.py keeps one open
    form per custom id, so a shared id would hand one member's submission to another's form and
    lose the other."""
    return f"{prefix}:{interaction.id}"


def error_embed(error: UserError) -> discord.Embed:
    embed = discord.Embed(description=truncate(error.message, 4000), colour=ERROR_COLOUR)
    if error.suggestions:
        embed.add_field(
            name=_("Did you mean"),
            value=truncate("\n".join(f"• {safe_echo(s, 90)}" for s in error.suggestions[:10]), 1024),
            inline=False,
        )
    return embed


async def reply(interaction: discord.Interaction[Any], *, small_print: SmallPrint | None = None, **kwargs: Any) -> None:
    """Send a reply whether or not the interaction was already answered or deferred. A reply in a
    language whose catalogue (or the content it shows: ``small_print``) is still a draft says so once,
    in small print under it, on one line with the reply's other notes."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    note = draft_note(small_print)
    content = kwargs.get("content") or ""
    if note is not None and len(content) + len(note) < 2000:  # never cut the reply itself short for it
        kwargs["content"] = f"{content}\n{note}" if content else note
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def with_note(content: str) -> str:
    """``content`` with the draft note under it, for an answer that does not go through :func:`reply`
    (``edit_message``, ``followup.send``, ``edit_original_response``)."""
    note = draft_note()
    return f"{content}\n{note}" if note is not None and len(content) + len(note) < 2000 else content


async def reply_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """A user error politely and privately; anything else is logged as a bug and apologised for."""
    if isinstance(error, UserError):
        embed = error_embed(error)
    else:
        log.error("unexpected error in %s", _describe(interaction), exc_info=error)
        embed = discord.Embed(
            description=_("Sorry, something went wrong on my side. It has been logged; please try again later."),
            colour=ERROR_COLOUR,
        )
    try:
        await reply(interaction, embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver the error reply for %s", _describe(interaction))


def _describe(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id") or interaction.type)


async def guarded(interaction: discord.Interaction[Any], action: Callable[[], Awaitable[None]]) -> None:
    """Run a component or modal callback in the presser's language; errors become ephemeral
    replies, as for commands."""
    try:
        await member_language(interaction)
        await action()
    except Exception as exc:
        await reply_error(interaction, exc)


def clip_choices(choices: list[Any]) -> list[discord.app_commands.Choice[str]]:
    return [discord.app_commands.Choice(name=truncate(c.name, 100), value=c.value[:100]) for c in choices[:25]]


class DynamicView(discord.ui.View):
    """The view of every message the bot sends with buttons or menus. Each of its interactive items
    is a ``DynamicItem`` (its custom id says what to do, so it works after a restart); beside them
    only disabled or link buttons. discord.py dispatches dynamic items by custom id without the view,
    so the view is stopped before it is sent: otherwise discord.py keeps every such view in its view
    store, forever for channel messages and edits, and with a 15-minute timeout task for each
    ephemeral reply (bench/README.md, search, "What changed between the runs")."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.stop()

    def add_item(self, item: discord.ui.Item[Any]) -> DynamicView:
        # A plain interactive item would never be dispatched from a stopped view: refuse it early.
        if not isinstance(item, discord.ui.DynamicItem) and item.is_dispatchable() and not getattr(item, "disabled", False):
            raise TypeError(f"{item!r} needs to be a DynamicItem (or disabled) to be placed on a DynamicView")
        super().add_item(item)
        return self
