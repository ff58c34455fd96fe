"""The Discord side of setup outside interactions: what the bot may do where (from the cache, or
over REST for ``python -m bot doctor``), the check at start, the settings timer, the welcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import access
from bot.access import Overwrite, Place
from bot.capability import DeliveryDropped
from bot.catalogues import DEFAULT, _, use_language
from bot.config import Config
from bot.guild import Effective
from bot.outbox import Outgoing
from cogs.setup.ui import welcome_text

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)
WELCOME = "setup.welcome"
KINDS = {0: "text", 2: "voice", 4: "category", 5: "news", 10: "thread", 11: "thread", 12: "private thread",
         13: "stage", 15: "forum", 16: "media"}
THREAD_TYPES = frozenset({10, 11, 12})


def kind_of(channel: Any) -> str:
    value = getattr(getattr(channel, "type", None), "value", None)
    return KINDS.get(value, str(getattr(channel, "type", "unknown"))) if value is not None else "unknown"


# ---------------------------------------------------------------- what the bot may do
async def places_seen(bot: SSEBot, effective: Effective) -> list[Place] | None:
    """Each configured place with Discord's computed permissions for the bot (``permissions_for``).
    A place can be a thread (a country's plan thread): looked up among the channels and threads.
    discord.py's cache has no archived thread (nor one archived while the bot was offline), so a
    place missing from it is asked for by id before it is called deleted (a deleted one is 404)."""
    guild = bot.get_guild(effective.guild_id) if effective.guild_id else None
    if guild is None and not effective.guild_id and len(bot.guilds) == 1:
        guild = bot.guilds[0]
    if guild is None or guild.me is None:
        return None
    places = []
    for where, cid in access.places_wanted(effective, bot.app.config):
        if where == "guild":
            places.append(Place("guild", 0, guild.name, guild.me.guild_permissions.value, "server"))
            continue
        channel: Any = guild.get_channel_or_thread(cid)
        if channel is None:
            try:
                channel = await bot.fetch_channel(cid)
            except (discord.NotFound, discord.Forbidden, discord.InvalidData):
                channel = None
            if getattr(getattr(channel, "guild", None), "id", None) != guild.id:
                channel = None
        if channel is None:
            places.append(Place(where, cid, None, 0))
        elif isinstance(channel, discord.Thread) and channel.parent is None:  # its parent is not cached
            places.append(Place(where, cid, channel.name, 0, kind_of(channel)))
        else:
            places.append(Place(where, cid, channel.name, channel.permissions_for(guild.me).value, kind_of(channel)))
    return places


async def places_over_rest(token: str, effective: Effective, config: Config) -> list[Place]:
    """The same places for ``doctor``: guild, roles, channels and the bot's member over REST, with the
    permissions computed as Discord does (bot/access.py ``channel_permissions``). The server's channel
    list has no threads: a place not in it is asked for by id (a thread, even archived, answers; a
    deleted channel is 404), and a thread's permissions are its parent's (``thread_permissions``)."""
    client = make_client()
    try:
        await client.login(token)
        assert client.user is not None
        gid, me = effective.guild_id, client.user.id
        guild = await client.http.get_guild(gid)
        channels: dict[int, Any] = {int(c["id"]): c for c in await client.http.get_all_guild_channels(gid)}
        member = await client.http.get_member(gid, me)
        for _where, cid in access.places_wanted(effective, config):
            if cid and cid not in channels:
                try:
                    found: Any = await client.http.get_channel(cid)
                except (discord.NotFound, discord.Forbidden):
                    continue
                if str(found.get("guild_id")) == str(gid):
                    channels[cid] = found
    finally:
        await client.close()
    roles = {int(r["id"]): int(r["permissions"]) for r in guild["roles"]}
    owner, member_roles = int(guild["owner_id"]), [int(r) for r in member["roles"]]
    places = []
    for where, cid in access.places_wanted(effective, config):
        if where == "guild":
            places.append(Place("guild", 0, guild["name"], access.base_permissions(gid, owner, me, member_roles, roles),
                                "server"))
            continue
        ch = channels.get(cid)
        if ch is None:
            places.append(Place(where, cid, None, 0))
            continue
        is_thread = int(ch["type"]) in THREAD_TYPES
        parent = channels.get(int(ch.get("parent_id") or 0)) if is_thread else ch
        raw: list[Any] = list((parent or {}).get("permission_overwrites") or [])
        overwrites = [Overwrite.from_payload(o) for o in raw]
        value = access.channel_permissions(gid, owner, me, member_roles, roles, overwrites) if parent else 0
        if is_thread:
            value = access.thread_permissions(value)
        places.append(Place(where, cid, ch.get("name"), value, KINDS.get(int(ch["type"]), str(ch["type"]))))
    return places


def make_client() -> discord.Client:
    """The REST-only client doctor uses (tests hand it to the offline Discord)."""
    return discord.Client(intents=discord.Intents(guilds=True))


async def check_now(bot: SSEBot) -> list[access.Finding] | None:
    places = await places_seen(bot, bot.app.guild.current)
    if places is None:
        return None
    return access.check(bot.app.capabilities, bot.app.config, places)


async def log_problems(bot: SSEBot, when: str) -> int:
    """One WARNING per thing the bot cannot do (at start, and after a /setup change)."""
    findings = await check_now(bot)
    if findings is None:
        log.warning("permission check %s skipped: the bot is not in the configured server", when)
        return 0
    bad = access.problems(findings)
    with use_language(DEFAULT):  # the log is read in English, whoever changed the setup
        for finding in bad:
            log.warning("setup (%s): %s", when, finding.text)
    return len(bad)


# ---------------------------------------------------------------- timers and deliveries
async def refresh_settings(bot: SSEBot) -> None:
    zone = bot.app.guild.current.timezone
    async with bot.app.db.begin() as session:
        effective = await bot.app.guild.refresh(session)
    if effective.timezone != zone:  # another instance's /setup defaults
        bot.reschedule_weekly()


async def send_welcome(bot: SSEBot, row: Outgoing) -> int | None:
    guild_name = str(row.params.get("guild_name") or _("your server"))
    text = welcome_text(guild_name)
    if row.channel_id is not None:
        message = await bot.delivery.post(row.channel_id, content=text, nonce=row.nonce)
    elif row.user_id is not None:
        message = await bot.delivery.dm(row.user_id, content=text)
    else:
        raise DeliveryDropped("nowhere to send the welcome")
    return message.id
