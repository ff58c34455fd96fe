"""What the bot needs Discord to let it do, and whether it can: permissions as plain values.

Capability records declare ``Need(flag, where, why)`` (``bot/capability.py``); this module turns
the enabled records into the invite URL's permission integer, computes what the bot may do in a
channel from role and overwrite payloads (Discord's own order, as discord.py's
``permissions_for``), and words every missing permission with its fix (in the reader's language,
when the text is read: ``Finding.text``; logs read it in English). It never imports discord:
the slash command hands it ``channel.permissions_for(me).value``, the CLI the REST payloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.catalogues import N_, _

if TYPE_CHECKING:
    from bot.capability import Capability, Need
    from bot.config import Config
    from bot.guild import Effective

# discord.Permissions attribute name -> bit (https://discord.com/developers/docs/topics/permissions);
# tests/test_access.py checks every entry against discord.Permissions.
FLAGS: dict[str, int] = {
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "send_tts_messages": 1 << 12,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "manage_events": 1 << 33,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "send_messages_in_threads": 1 << 38,
}
ALL = (1 << 53) - 1
# What a channel denies implicitly (discord.py ``_apply_implicit_permissions``).
_NEEDS_SEND = FLAGS["send_tts_messages"] | FLAGS["mention_everyone"] | FLAGS["embed_links"] | FLAGS["attach_files"]

# Where a need applies: the configured channel(s) it names, or the server as a whole.
WHERES = ("guild", "announcements", "qa_forum", "archived", "digest", "plans", "plans_summary")
WHERE_WORDS = {"guild": N_("the server"), "announcements": N_("the announcements channel"),
               "qa_forum": N_("the Q&A forum"), "archived": N_("an archived channel"),
               "digest": N_("the digest channel"), "plans": N_("a country's plan channel or thread"),
               "plans_summary": N_("the consultation summary channel")}
# Places set in config.yaml rather than with /setup: a finding about them names the key to change.
CONFIG_KEYS = {"plans": "plans.channels", "plans_summary": "plans.summary_channel"}
# Place kinds (Place.kind) that are threads: there Discord's "Send Messages in Threads" decides
# whether the bot may post, not "Send Messages" (which only the parent channel's members need).
THREAD_KINDS = frozenset({"thread", "private thread"})
# Each permission as Discord's settings name it (translators: Discord's own name in the language).
PERMISSION_NAMES = {
    "administrator": N_("Administrator"), "manage_channels": N_("Manage Channels"),
    "manage_guild": N_("Manage Server"), "view_channel": N_("View Channel"), "send_messages": N_("Send Messages"),
    "send_tts_messages": N_("Send Text-to-Speech Messages"), "embed_links": N_("Embed Links"),
    "attach_files": N_("Attach Files"), "read_message_history": N_("Read Message History"),
    "mention_everyone": N_("Mention @everyone, @here, and All Roles"), "manage_events": N_("Manage Events"),
    "manage_threads": N_("Manage Threads"), "create_public_threads": N_("Create Public Threads"),
    "send_messages_in_threads": N_("Send Messages in Threads"),
}


def where_words(where: str) -> str:
    """A configured place in the reader's language ("the Q&A forum")."""
    return _(WHERE_WORDS[where])


def label(flag: str) -> str:
    """``send_messages_in_threads`` -> ``Send Messages in Threads`` (as Discord's settings name it, in
    the reader's language)."""
    if flag in PERMISSION_NAMES:
        return _(PERMISSION_NAMES[flag])
    return " ".join(w.capitalize() for w in flag.split("_"))


def bits(flags: Iterable[str]) -> int:
    value = 0
    for flag in flags:
        value |= FLAGS[flag]
    return value


def active_needs(capabilities: Sequence[Capability], config: Config) -> list[tuple[str, Need]]:
    """(capability name, need) for every enabled capability's needs that apply with this config."""
    return [(c.name, need) for c in capabilities for need in c.permissions if need.when is None or need.when(config)]


def invite_permissions(capabilities: Sequence[Capability], config: Config) -> int:
    return bits(need.flag for _name, need in active_needs(capabilities, config))


def invite_url(client_id: int, permissions: int) -> str:
    return (f"https://discord.com/oauth2/authorize?client_id={client_id}"
            f"&scope=bot+applications.commands&permissions={permissions}")


def client_id_from_token(token: str) -> int | None:
    """A bot token's first part is its user id in base64; a bot's user id is its application id
    (for every application made since 2017). None when the token is not shaped that way."""
    import base64
    import binascii

    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


# ---------------------------------------------------------------- computing permissions
@dataclass(frozen=True)
class Overwrite:
    id: int
    type: int  # 0 role, 1 member (Discord's payload)
    allow: int
    deny: int

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Overwrite:
        return cls(int(data["id"]), int(data["type"]), int(data.get("allow") or 0), int(data.get("deny") or 0))


def base_permissions(guild_id: int, owner_id: int, member_id: int, member_roles: Iterable[int],
                     role_permissions: Mapping[int, int]) -> int:
    """Server-wide permissions: the owner and Administrator may do everything."""
    if member_id == owner_id:
        return ALL
    value = role_permissions.get(guild_id, 0)  # @everyone's role id is the guild id
    for role_id in member_roles:
        value |= role_permissions.get(role_id, 0)
    return ALL if value & FLAGS["administrator"] else value


def channel_permissions(guild_id: int, owner_id: int, member_id: int, member_roles: Iterable[int],
                        role_permissions: Mapping[int, int], overwrites: Iterable[Overwrite]) -> int:
    """What a member may do in one channel, in Discord's order: roles, then @everyone's overwrite,
    then the member's roles' overwrites together, then the member's own overwrite."""
    roles = set(member_roles)
    base = base_permissions(guild_id, owner_id, member_id, roles, role_permissions)
    if base == ALL:
        return ALL
    overwrites = list(overwrites)
    for ow in overwrites:
        if ow.type == 0 and ow.id == guild_id:
            base = (base & ~ow.deny) | ow.allow
    allow = deny = 0
    for ow in overwrites:
        if ow.type == 0 and ow.id in roles and ow.id != guild_id:
            allow, deny = allow | ow.allow, deny | ow.deny
    base = (base & ~deny) | allow
    for ow in overwrites:
        if ow.type == 1 and ow.id == member_id:
            base = (base & ~ow.deny) | ow.allow
    if not base & FLAGS["send_messages"]:
        base &= ~_NEEDS_SEND
    if not base & FLAGS["view_channel"]:
        base = 0
    return base


def thread_permissions(parent: int) -> int:
    """What a member may do in a thread, from what they may do in its parent channel (discord.py's
    ``Thread.permissions_for``): without Send Messages in Threads, nothing that rides on a message."""
    if parent == ALL:
        return ALL
    return parent & ~_NEEDS_SEND if not parent & FLAGS["send_messages_in_threads"] else parent


# ---------------------------------------------------------------- the report
@dataclass(frozen=True)
class Place:
    """One place the bot works in, as the check sees it: a configured channel (or the server)."""

    where: str  # one of WHERES
    channel_id: int  # 0 for the server
    name: str | None  # the channel's name; None when it no longer exists
    permissions: int  # what the bot may do there (0 when the channel is gone)
    kind: str | None = None  # "text", "news", "forum", ... as the check found it


# What a finding is about (Finding.problem)
OK, MISSING, UNSET, DELETED, NOT_FORUM = "ok", "missing", "unset", "deleted", "not-forum"


@dataclass(frozen=True)
class Finding:
    capability: str
    where: str
    channel_id: int
    flag: str | None  # None: the place itself is the problem (not set, deleted)
    ok: bool
    problem: str = OK  # OK, MISSING (the permission), UNSET, DELETED, NOT_FORUM (the place)
    place: str = ""  # the channel's name (without #); "" for the server or a channel that is gone
    kind: str | None = None  # the channel's kind, for NOT_FORUM
    why: str = ""  # what the capability needs the permission for (marked N_ in its record)

    @property
    def text(self) -> str:
        """One plain sentence, with the fix when something is wrong, in the current language."""
        return describe(self)


def place_name(place: Place) -> str:
    if place.where == "guild":
        return _("the server")
    return f"#{place.name}" if place.name else _("channel {id}").format(id=place.channel_id)


def _finding_place(f: Finding) -> str:
    return place_name(Place(f.where, f.channel_id, f.place or None, 0))


def describe(f: Finding) -> str:
    """A finding as one sentence in the reader's language (the capability's name stays as it is)."""
    where = where_words(f.where)
    if f.problem == UNSET:
        text = _("{where} is not set; choose one with /setup.").format(where=where)
    elif f.problem == DELETED and f.where in CONFIG_KEYS:
        text = _("{where} (channel {id}) no longer exists; change {key} in config.yaml.").format(
            where=where, id=f.channel_id, key=CONFIG_KEYS[f.where])
    elif f.problem == DELETED:
        text = _("{where} (channel {id}) no longer exists; choose another with /setup.").format(
            where=where, id=f.channel_id)
    elif f.problem == NOT_FORUM:
        from bot.guild import kind_words

        # TRANSLATORS: "#general is a text channel, not a forum; ..."
        text = _("{place} is {kind}, not a forum; choose the Q&A forum with /setup.").format(
            place=_finding_place(f), kind=kind_words(f.kind or "unknown"))
    else:
        assert f.flag is not None
        permission, why, place = label(f.flag), _(f.why) if f.why else "", _finding_place(f)
        if f.ok:
            text = _("can {permission} in {place} ({why}).").format(permission=permission, place=place, why=why)
        elif f.where == "guild":
            text = _("cannot {permission} ({why}). Give the bot's role {permission} in Server Settings > "
                     "Roles.").format(permission=permission, why=why)
        else:
            text = _("cannot {permission} in {place} ({why}). Give the bot's role {permission} in {place} "
                     "(Edit Channel > Permissions).").format(permission=permission, place=place, why=why)
    # TRANSLATORS: {capability} is the feature's name as the bot's code calls it (qa, sessions...)
    return _("{capability}: {finding}").format(capability=f.capability, finding=text)


def check(capabilities: Sequence[Capability], config: Config, places: Sequence[Place]) -> list[Finding]:
    """Every need of every enabled capability against the places it applies to. A need whose place
    is not configured, or was deleted, is one finding naming that; the rest are checked."""
    findings: list[Finding] = []
    by_where: dict[str, list[Place]] = {}
    for place in places:
        by_where.setdefault(place.where, []).append(place)
    seen_missing: set[tuple[str, str, int]] = set()
    for name, need in active_needs(capabilities, config):
        targets = by_where.get(need.where, [])
        if not targets and need.where != "archived":
            key = (name, need.where, 0)
            if key not in seen_missing:
                seen_missing.add(key)
                findings.append(Finding(name, need.where, 0, None, False, UNSET))
            continue
        for place in targets:
            if place.where != "guild" and place.name is None:
                key = (name, need.where, place.channel_id)
                if key not in seen_missing:
                    seen_missing.add(key)
                    findings.append(Finding(name, need.where, place.channel_id, None, False, DELETED))
                continue
            if place.where == "qa_forum" and place.kind not in (None, "forum"):
                key = (name, need.where, place.channel_id)
                if key not in seen_missing:
                    seen_missing.add(key)
                    findings.append(Finding(name, need.where, place.channel_id, None, False, NOT_FORUM,
                                            place.name or "", place.kind))
                continue
            flag = need.flag
            if flag == "send_messages" and place.kind in THREAD_KINDS:
                flag = "send_messages_in_threads"
            ok = bool(place.permissions & FLAGS[flag])
            findings.append(Finding(name, need.where, place.channel_id, flag, ok, OK if ok else MISSING,
                                    "" if place.where == "guild" else place.name or "", place.kind, need.why))
    return findings


def problems(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.ok]


def places_wanted(effective: Effective, config: Config) -> list[tuple[str, int]]:
    """(where, channel id) for every configured place; the server is always one."""
    out = [("guild", 0)]
    if effective.announcements:
        out.append(("announcements", effective.announcements))
    if effective.qa_forum:
        out.append(("qa_forum", effective.qa_forum))
    out.extend(("archived", cid) for cid in effective.archived)
    digest = config.digest.channel or effective.announcements
    if digest:
        out.append(("digest", digest))
    out.extend(("plans", cid) for cid in dict.fromkeys(config.plans.channels.values()) if cid)
    if config.plans.summary_channel:
        out.append(("plans_summary", config.plans.summary_channel))
    return out
