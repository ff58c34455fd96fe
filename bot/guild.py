"""The server's effective settings: what /setup stored, else config.yaml (never imports discord).

Every capability reads the announcements channel, the Q&A forum, the archived channels, the
facilitator and helper roles, the time zone and the default language through ``GuildSettings``
(``app.guild``), so a change made with ``/setup`` is used at once, without a restart. A stored
value wins over config.yaml; a value never stored is config.yaml's. The bot serves one
community: ``guild_id`` from config.yaml, else the first server where /setup saved something.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.lists import format_list
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_, _, babel_locale
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.i18n import LANGUAGES, parse_language
from bot.permissions import Actor
from db.models import GuildSetting, utcnow
from db.upsert import insert_ignore

log = logging.getLogger(__name__)

FIELDS = ("announcements", "qa_forum", "archived", "facilitators", "helpers", "timezone", "language")
# channel kinds, as plain words (the cog turns discord.ChannelType into these)
ANNOUNCEMENT_KINDS = ("text", "news")
FORUM_KINDS = ("forum",)
ARCHIVE_KINDS = ("text", "news", "forum")
# a channel kind as a member reads it (Discord calls a "news" channel an announcement channel)
KIND_WORDS = {"text": N_("a text channel"), "news": N_("an announcement channel"), "forum": N_("a forum channel"),
              "voice": N_("a voice channel"), "stage": N_("a stage channel"), "category": N_("a category"),
              "media": N_("a media channel")}


@dataclass(frozen=True)
class Effective:
    """The settings every capability uses, with where each came from (``stored``: set by /setup)."""

    guild_id: int
    announcements: int
    qa_forum: int
    archived: tuple[int, ...]
    facilitators: tuple[int, ...]
    helpers: tuple[int, ...]
    timezone: str
    language: str
    stored: frozenset[str] = field(default_factory=frozenset)

    def source(self, name: str) -> str:
        return _("set with /setup") if name in self.stored else "config.yaml"


def from_config(config: Config, guild_id: int | None = None) -> Effective:
    return Effective(
        guild_id=config.guild_id if guild_id is None else guild_id,
        announcements=config.channels.announcements, qa_forum=config.channels.qa_forum,
        archived=tuple(config.channels.archived), facilitators=tuple(config.roles.facilitators),
        helpers=tuple(config.roles.helpers), timezone=config.timezone, language=config.language,
    )


def merge(config: Config, row: GuildSetting | None) -> Effective:
    base = from_config(config, row.guild_id if row is not None else None)
    if row is None:
        return base
    changes: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(row, name)
        if value is None:
            continue
        changes[name] = tuple(int(v) for v in value) if isinstance(value, list) else value
    return replace(base, **changes, stored=frozenset(changes))


def require_manager(actor: Actor) -> None:
    if not (actor.system or actor.manages_server):
        raise NotAllowed(_("Only members who can manage this server (Manage Server) can change the bot's setup."))


class GuildSettings:
    """The one place capabilities read the server's settings from (``current``), kept in memory and
    refreshed from the database after every change and by a timer (other instances' changes)."""

    def __init__(self, config: Config):
        self.config = config
        self.current = from_config(config)

    # ---- reading -------------------------------------------------------------------
    async def _row(self, session: AsyncSession, guild_id: int | None = None) -> GuildSetting | None:
        gid = guild_id or self.config.guild_id
        if gid:
            return await session.get(GuildSetting, gid)
        # no guild_id in config.yaml: the community is the first server /setup stored values for
        rows = await session.scalars(select(GuildSetting).order_by(GuildSetting.created_at, GuildSetting.guild_id))
        for row in rows:
            if any(getattr(row, name) is not None for name in FIELDS):
                return row
        return None

    async def refresh(self, session: AsyncSession) -> Effective:
        self.current = merge(self.config, await self._row(session))
        return self.current

    def community(self, guild_id: int) -> bool:
        """Whether a server is the one this bot serves (any server until one is chosen)."""
        chosen = self.config.guild_id or self.current.guild_id
        return not chosen or chosen == guild_id

    def is_configured(self, guild_id: int) -> bool:
        return self.community(guild_id) and bool(self.current.announcements or self.current.qa_forum)

    # ---- first join ----------------------------------------------------------------
    async def first_seen(self, session: AsyncSession, guild_id: int) -> bool:
        """Record that the bot is in this server; True only the very first time."""
        result = await session.execute(insert_ignore(session, GuildSetting, {
            "guild_id": guild_id, "created_at": utcnow(), "updated_at": utcnow()}, keys=("guild_id",)))
        return bool(getattr(result, "rowcount", 0))

    # ---- changing ------------------------------------------------------------------
    async def update(self, session: AsyncSession, actor: Actor, guild_id: int, **values: Any) -> Effective:
        """Store new values (None = back to config.yaml) for the community's server."""
        require_manager(actor)
        if not self.community(guild_id):
            raise NotAllowed(_("This bot serves another server; its setup can only be changed there."))
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise InvalidInput(_("Unknown setting: {names}.").format(names=", ".join(sorted(unknown))))
        row = await session.get(GuildSetting, guild_id)
        if row is None:
            row = GuildSetting(guild_id=guild_id, created_at=utcnow(), updated_at=utcnow())
            session.add(row)
        for name, value in values.items():
            if isinstance(value, (tuple, list)):
                value = [int(v) for v in value]
            setattr(row, name, value)
        row.updated_at = utcnow()
        await session.flush()
        self.current = merge(self.config, row)
        log.info("setup changed for server %s: %s", guild_id, ", ".join(sorted(values)))
        return self.current


def kind_words(kind: str) -> str:
    """A channel kind in the reader's language ("a forum channel")."""
    # TRANSLATORS: {kind} is Discord's own word for a kind of channel this list does not name
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else _("a {kind} channel").format(kind=kind)


def check_channel_kind(setting: str, kind: str, allowed: Sequence[str]) -> None:
    """A channel of the wrong kind (a text channel where a forum is needed) is refused clearly;
    select menus filter by kind on Discord's side only. ``setting`` names it at the start of a
    sentence, in the reader's language ("The Q&A forum")."""
    if kind not in allowed:
        wanted = format_list([kind_words(k) for k in allowed], style="or", locale=babel_locale())
        # TRANSLATORS: "The Q&A forum must be a forum channel; that one is a text channel."
        raise InvalidInput(_("{setting} must be {wanted}; that one is {kind}.").format(
            setting=setting, wanted=wanted, kind=kind_words(kind)))


def parse_timezone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(_("I don't know the time zone “{typed}”; use an IANA name such as Asia/Bangkok.").format(
            typed=name[:60])) from None
    return name


def parse_default_language(text: str) -> str:
    code = parse_language(text)
    if code is None:
        raise InvalidInput(_("I don't know that language."), suggestions=[lang.english for lang in LANGUAGES.values()])
    return code
