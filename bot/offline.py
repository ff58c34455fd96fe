"""An offline Discord: every line of discord.py stays real, only its two edges are replaced.

Incoming: raw gateway payloads (READY, GUILD_CREATE, MESSAGE_CREATE, INTERACTION_CREATE...)
go straight into the parsers the websocket would call. Outgoing: every REST call, at
``discord.http.HTTPClient.request`` and at the webhook adapter that carries interaction
responses, is recorded and answered from a small route table. An unknown route fails
loudly. Every recorded payload is checked against Discord's documented limits.

Used by the test-suite and by ``python -m bot console``; see ../shared/HARNESS.md for the
traps this works around.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import weakref
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.http import Route
from discord.webhook import async_ as webhook_async

log = logging.getLogger(__name__)

EPHEMERAL_FLAG = 1 << 6
ADMINISTRATOR_PERMISSIONS = str((1 << 41) - 1)
MEMBER_PERMISSIONS = str(discord.Permissions.general().value | discord.Permissions.text().value)


class UnknownRoute(AssertionError):
    """The bot called a REST route this offline Discord does not know."""


@dataclass
class Call:
    method: str
    route: str  # the template, e.g. /channels/{channel_id}/messages
    path: str  # with values filled in
    json: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.route}"


@dataclass
class InteractionResult:
    """What the bot sent back for one interaction."""

    gateway: OfflineDiscord
    id: int
    token: str
    kind: int

    @property
    def calls(self) -> list[Call]:
        return [c for c in self.gateway.calls if self.token in c.path or f"/{self.id}/" in c.path]

    @property
    def callback(self) -> Call | None:
        for c in self.calls:
            if c.route.endswith("/callback"):
                return c
        return None

    @property
    def response_type(self) -> int | None:
        return self.callback.json["type"] if self.callback else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message this interaction produced, in order: the reply, edits, follow-ups."""
        out = []
        for c in self.calls:
            if c.route.endswith("/callback") and c.json.get("type") in (4, 7) and c.json.get("data") is not None:
                out.append(c.json["data"])
            elif c.route.startswith("/webhooks/") and c.method in ("POST", "PATCH") and c.json is not None:
                out.append(c.json)
        return out

    @property
    def message(self) -> dict[str, Any]:
        """The latest state of the reply (after any edits)."""
        msgs = self.messages
        if not msgs:
            raise AssertionError(f"interaction {self.id} produced no message; calls: {[c.key for c in self.calls]}")
        return msgs[-1]

    @property
    def content(self) -> str:
        return self.message.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.get("embeds") or []

    @property
    def embed(self) -> dict[str, Any]:
        embeds = self.embeds
        if not embeds:
            raise AssertionError(f"no embed in {self.message}")
        return embeds[0]

    @property
    def text(self) -> str:
        """All visible text of the latest message: content, embeds, button labels."""
        return render_text(self.message)

    @property
    def ephemeral(self) -> bool:
        return bool((self.message.get("flags") or 0) & EPHEMERAL_FLAG)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.message.get("components") or [] for c in row.get("components", [])]

    @property
    def message_id(self) -> int:
        """The id of the message the reply created (for clicking its buttons)."""
        return self.gateway.response_message_ids[self.id]

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.response_type == 8, f"not an autocomplete response: {self.response_type}"
        assert self.callback is not None
        return self.callback.json["data"]["choices"]

    @property
    def modal(self) -> dict[str, Any]:
        assert self.response_type == 9, f"not a modal: {self.response_type}"
        assert self.callback is not None
        return self.callback.json["data"]

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return [f for c in self.calls for f in c.files]

    def button(self, label: str) -> dict[str, Any]:
        for b in self.buttons:
            if b.get("label") == label:
                return b
        raise AssertionError(f"no button {label!r}; buttons: {[b.get('label') for b in self.buttons]}")


# --------------------------------------------------------------------------- limits
_COMMAND_NAME = re.compile(r"^[-_\w\u0e00-\u0e7f\u0900-\u097f]{1,32}$")


def _len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def message_violations(msg: dict[str, Any]) -> list[str]:
    problems = []
    if _len(msg.get("content")) > 2000:
        problems.append(f"content is {_len(msg.get('content'))} > 2000 chars")
    embeds = msg.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds > 10")
    total = 0
    for e in embeds:
        for key, limit in (("title", 256), ("description", 4096)):
            if _len(e.get(key)) > limit:
                problems.append(f"embed {key} {_len(e.get(key))} > {limit}")
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{len(fields)} embed fields > 25")
        for f in fields:
            if not f.get("name") or not f.get("value"):
                problems.append("embed field with empty name or value")
            if _len(f.get("name")) > 256:
                problems.append(f"field name {_len(f.get('name'))} > 256")
            if _len(f.get("value")) > 1024:
                problems.append(f"field value {_len(f.get('value'))} > 1024")
        footer = (e.get("footer") or {}).get("text")
        if _len(footer) > 2048:
            problems.append(f"footer {_len(footer)} > 2048")
        author = (e.get("author") or {}).get("name")
        if _len(author) > 256:
            problems.append(f"author {_len(author)} > 256")
        total += sum(_len(e.get(k)) for k in ("title", "description")) + _len(footer) + _len(author)
        total += sum(_len(f.get("name")) + _len(f.get("value")) for f in fields)
    if total > 6000:
        problems.append(f"embeds hold {total} > 6000 chars")
    problems += component_violations(msg.get("components") or [])
    return problems


def component_violations(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows > 5")
    ids: set[str] = set()
    for row in rows:
        comps = row.get("components") or []
        if len(comps) > 5:
            problems.append(f"{len(comps)} components in a row > 5")
        for c in comps:
            cid = c.get("custom_id")
            if cid is not None:
                if len(cid) > 100:
                    problems.append(f"custom_id {cid[:30]}… > 100")
                if cid in ids:
                    problems.append(f"duplicate custom_id {cid}")
                ids.add(cid)
            if _len(c.get("label")) > 80:
                problems.append(f"button label {_len(c.get('label'))} > 80")
            if len(c.get("options") or []) > 25:
                problems.append("select with > 25 options")
    return problems


def autocomplete_violations(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    problems = [f"{len(choices)} autocomplete choices > 25"] if len(choices) > 25 else []
    for ch in choices:
        if not 1 <= _len(ch.get("name")) <= 100:
            problems.append(f"choice name length {_len(ch.get('name'))} not in 1..100")
        if isinstance(ch.get("value"), str) and _len(ch["value"]) > 100:
            problems.append(f"choice value length {_len(ch['value'])} > 100")
    return problems


def modal_violations(data: dict[str, Any]) -> list[str]:
    problems = []
    if _len(data.get("title")) > 45:
        problems.append(f"modal title {_len(data.get('title'))} > 45")
    inputs = [c for row in data.get("components") or [] for c in row.get("components", [row.get("component", {})])]
    if len(inputs) > 5:
        problems.append(f"{len(inputs)} modal inputs > 5")
    for c in inputs:
        if _len(c.get("label")) > 45:
            problems.append(f"input label {c.get('label')!r} > 45")
        if _len(c.get("value")) > 4000:
            problems.append("input value > 4000")
    return problems


def command_violations(commands: list[dict[str, Any]]) -> list[str]:
    problems = []

    def check(obj: dict[str, Any], where: str) -> None:
        name = obj.get("name", "")
        if obj.get("type", 1) == 1 or "options" in obj or where:
            if not _COMMAND_NAME.match(name) or name != name.lower():
                problems.append(f"{where}{name}: invalid name")
        if _len(obj.get("description")) > 100:
            problems.append(f"{where}{name}: description > 100")
        for loc, text in (obj.get("name_localizations") or {}).items():
            if not _COMMAND_NAME.match(text) or text != text.lower():
                problems.append(f"{where}{name}: invalid {loc} name {text!r}")
        for loc, text in (obj.get("description_localizations") or {}).items():
            if _len(text) > 100:
                problems.append(f"{where}{name}: {loc} description > 100")
        options = obj.get("options") or []
        if len(options) > 25:
            problems.append(f"{where}{name}: > 25 options")
        if len(obj.get("choices") or []) > 25:
            problems.append(f"{where}{name}: > 25 choices")
        for opt in options:
            check(opt, f"{where}{name} ")

    for cmd in commands:
        if cmd.get("type", 1) != 1:
            if not 1 <= _len(cmd.get("name")) <= 32:
                problems.append(f"context menu {cmd.get('name')!r}: name length")
            continue
        check(cmd, "")
    if len([c for c in commands if c.get("type", 1) == 1]) > 100:
        problems.append("> 100 slash commands")
    return problems


def channel_violations(body: dict[str, Any]) -> list[str]:
    """Channel and thread edits and forum posts: names, tags."""
    problems = []
    if "name" in body and not 1 <= _len(body.get("name")) <= 100:
        problems.append(f"channel/thread name length {_len(body.get('name'))} not in 1..100")
    tags = body.get("available_tags")
    if tags is not None:
        if len(tags) > 20:
            problems.append(f"{len(tags)} forum tags > 20")
        for t in tags:
            if not 1 <= _len(t.get("name")) <= 20:
                problems.append(f"forum tag name {t.get('name')!r} not 1..20 chars")
    if len(body.get("applied_tags") or []) > 5:
        problems.append(f"{len(body['applied_tags'])} applied tags > 5")
    return problems


def scheduled_event_violations(event: dict[str, Any], *, creating: bool) -> list[str]:
    problems = []
    if not 1 <= _len(event.get("name")) <= 100:
        problems.append(f"scheduled event name length {_len(event.get('name'))} not in 1..100")
    if _len(event.get("description")) > 1000:
        problems.append(f"scheduled event description {_len(event.get('description'))} > 1000")
    if event.get("entity_type") == 3:
        location = (event.get("entity_metadata") or {}).get("location")
        if not 1 <= _len(location) <= 100:
            problems.append(f"external event location length {_len(location)} not in 1..100")
        if not event.get("scheduled_end_time"):
            problems.append("external event without scheduled_end_time")
    start, end = event.get("scheduled_start_time"), event.get("scheduled_end_time")
    if start and end and datetime.fromisoformat(end) <= datetime.fromisoformat(start):
        problems.append("scheduled event ends before it starts")
    if creating and start and datetime.fromisoformat(start) <= datetime.now(UTC):
        problems.append("scheduled event starts in the past")
    return problems


def render_text(msg: dict[str, Any]) -> str:
    """A message as plain text: content, embeds and numbered buttons (console and tests)."""
    lines: list[str] = []
    if msg.get("content"):
        lines.append(msg["content"])
    for e in msg.get("embeds") or []:
        if (e.get("author") or {}).get("name"):
            lines.append(e["author"]["name"])
        if e.get("title"):
            lines.append(f"== {e['title']} ==")
        if e.get("url"):
            lines.append(e["url"])
        if e.get("description"):
            lines.append(e["description"])
        for f in e.get("fields") or []:
            lines.append(f"-- {f['name']}: {f['value']}")
        if (e.get("footer") or {}).get("text"):
            lines.append(f"({e['footer']['text']})")
    n = 0
    for row in msg.get("components") or []:
        labels = []
        for c in row.get("components", []):
            if c.get("type") == 2:
                n += 1
                mark = " (disabled)" if c.get("disabled") else ""
                link = f" -> {c['url']}" if c.get("url") else ""
                labels.append(f"[{n}] {c.get('label') or c.get('emoji', {}).get('name', '')}{mark}{link}")
            elif c.get("type") == 3:
                labels.append("select: " + ", ".join(o["label"] for o in c.get("options", [])))
        if labels:
            lines.append("  ".join(labels))
    for a in msg.get("attachments") or []:
        lines.append(f"[file: {a.get('filename')}]")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the gateway
RouteHandler = Callable[[Call, dict[str, str]], Any]


class OfflineDiscord:
    """Drives one bot through discord.py's real code path with no network."""

    _active: OfflineDiscord | None = None

    def __init__(
        self,
        bot: discord.Client,
        *,
        guild_id: int | None = None,
        channels: dict[str, tuple[int, int]] | None = None,
        on_violation: Callable[[str], None] | None = None,
        app_id: int | None = None,
    ):
        self.bot = bot
        self._last_snowflake = 0
        self.app_id = app_id or self.snowflake()
        self.bot_user = self.user_payload(self.snowflake(), "SSE Bot", bot=True)
        self.owner = self.user_payload(self.snowflake(), "owner")
        self.guild_id = guild_id or self.snowflake()
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.on_violation = on_violation
        self.users: dict[int, dict[str, Any]] = {}
        self.member_roles: dict[int, list[int]] = {}
        self.roles: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self._nonces: dict[tuple[str, str], int] = {}  # (channel, nonce) -> message id, for enforce_nonce
        self.response_message_ids: dict[int, int] = {}
        self.interactions: list[InteractionResult] = []
        self._interaction_payloads: dict[int, dict[str, Any]] = {}
        self.synced_commands: dict[str, list[dict[str, Any]]] = {}
        # A plain member and a facilitator, made by boot_offline (the console acts as them).
        self.member_id = 0
        self.facilitator_id = 0
        self._baseline_tasks: set[asyncio.Task[Any]] = set()
        self._ignored_tasks: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self.routes: dict[tuple[str, str], RouteHandler] = {}
        self._install_default_routes()
        self.add_role(self.guild_id, "@everyone")
        # (name -> (id, type)); type 0 text, 15 forum
        for name, (cid, ctype) in (channels or {}).items():
            self.add_channel(name, cid or self.snowflake(), ctype)
        if "general" not in {c["name"] for c in self.channels.values()}:
            self.add_channel("general", self.snowflake(), 0)

    # ---- ids and fixtures --------------------------------------------------------------
    def snowflake(self) -> int:
        """Strictly increasing ids that encode the current time (Interaction.is_expired reads them)."""
        value = max(self._last_snowflake + 1, discord.utils.time_snowflake(datetime.now(UTC)))
        self._last_snowflake = value
        return value

    @staticmethod
    def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id), "username": name, "global_name": name, "discriminator": "0",
            "avatar": None, "bot": bot, "public_flags": 0,
        }

    def add_user(self, name: str, *, roles: Iterable[int] = (), user_id: int | None = None) -> int:
        uid = user_id or self.snowflake()
        self.users[uid] = self.user_payload(uid, name)
        self.member_roles[uid] = list(roles)
        return uid

    def add_role(self, role_id: int, name: str) -> int:
        self.roles[role_id] = {
            "id": str(role_id), "name": name, "color": 0, "hoist": False, "position": len(self.roles),
            "permissions": MEMBER_PERMISSIONS, "managed": False, "mentionable": True, "flags": 0,
        }
        return role_id

    def add_channel(self, name: str, channel_id: int, channel_type: int = 0, **extra: Any) -> int:
        self.channels[channel_id] = {
            "id": str(channel_id), "type": channel_type, "name": name, "guild_id": str(self.guild_id),
            "position": len(self.channels), "permission_overwrites": [], "nsfw": False, "parent_id": None,
            "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0, **extra,
        }
        if channel_type == 15:
            self.channels[channel_id].setdefault("available_tags", [])
        return channel_id

    def channel_id(self, name: str) -> int:
        for cid, ch in self.channels.items():
            if ch["name"] == name:
                return cid
        raise KeyError(name)

    def member_payload(self, user_id: int) -> dict[str, Any]:
        return {
            "user": self.users[user_id], "roles": [str(r) for r in self.member_roles.get(user_id, [])],
            "joined_at": "2025-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
            "nick": None, "avatar": None, "pending": False, "premium_since": None,
            "permissions": MEMBER_PERMISSIONS,
        }

    def guild_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id), "name": "SSE community of practice", "icon": None, "owner_id": self.owner["id"],
            "roles": list(self.roles.values()), "emojis": [], "stickers": [], "features": ["COMMUNITY"],
            "channels": [c for c in self.channels.values() if c["type"] in (0, 2, 4, 5, 15)],
            "threads": [c for c in self.channels.values() if c["type"] in (10, 11, 12)],
            "members": [{
                "user": self.bot_user, "roles": [], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": False,
                "mute": False, "flags": 0,
            }],
            "member_count": 2, "large": False, "unavailable": False, "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "afk_timeout": 300,
        }

    # ---- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        if OfflineDiscord._active is not None:
            raise RuntimeError("only one OfflineDiscord may run at a time in a process")
        OfflineDiscord._active = self
        self._patch()
        self.bot._connection.guild_ready_timeout = 0.01  # type: ignore[attr-defined]
        try:
            await self.bot.login("offline-token")
        except BaseException:
            # a cog that fails to load must not leave the next test unable to start a gateway
            self._unpatch()
            OfflineDiscord._active = None
            raise
        self.dispatch("READY", {
            "v": 10, "user": self.bot_user, "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": secrets.token_hex(8), "resume_gateway_url": "wss://offline.invalid",
            "application": {"id": str(self.app_id), "flags": 0}, "private_channels": [], "relationships": [],
        })
        self.dispatch("GUILD_CREATE", self.guild_payload())
        await asyncio.wait_for(self.bot.wait_until_ready(), timeout=10)
        await self.settle()
        self._baseline_tasks = {t for t in asyncio.all_tasks() if not t.done()}

    async def close(self) -> None:
        try:
            await self.settle()
            await self.bot.close()
        finally:
            self._unpatch()
            OfflineDiscord._active = None

    def _patch(self) -> None:
        self.bot.http.request = self._http_request  # type: ignore[method-assign]
        adapter = webhook_async.async_context.get()
        adapter.request = self._webhook_request  # type: ignore[method-assign]
        self._adapter = adapter

    def _unpatch(self) -> None:
        adapter = getattr(self, "_adapter", None)
        if adapter is not None and "request" in adapter.__dict__:
            del adapter.request

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every task the last event started (and what those started) is done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet_rounds = 0
        me = asyncio.current_task()
        while quiet_rounds < 3:
            await asyncio.sleep(0)
            pending = []
            for t in asyncio.all_tasks():
                if t is me or t in self._ignored_tasks or t.done():
                    continue
                if t in self._baseline_tasks or _is_background(t):
                    # Long-lived (view timeouts, background loops): remembered so that
                    # later settles skip them cheaply; many can be alive at once.
                    self._ignored_tasks.add(t)
                    continue
                pending.append(t)
            if not pending:
                quiet_rounds += 1
                continue
            quiet_rounds = 0
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = [f"{t.get_name()} {t.get_coro()!r}" for t in pending]
                raise TimeoutError(f"tasks still running after {timeout}s: {names}")
            await asyncio.wait(pending, timeout=remaining)

    def dispatch(self, event: str, payload: dict[str, Any]) -> None:
        """Feed one raw gateway event to discord.py's parser."""
        self.bot._connection.parsers[event](payload)  # type: ignore[attr-defined]

    # ---- incoming: interactions --------------------------------------------------------
    def _interaction_base(self, kind: int, user_id: int, channel_id: int | None, locale: str) -> dict[str, Any]:
        iid = self.snowflake()
        cid = channel_id or self.channel_id("general")
        return {
            "id": str(iid), "application_id": str(self.app_id), "type": kind, "token": f"tok-{iid}",
            "version": 1, "guild_id": str(self.guild_id), "channel_id": str(cid),
            "channel": self.channels.get(cid, {"id": str(cid), "type": 0}),
            "member": self.member_payload(user_id), "locale": locale, "guild_locale": "en-US",
            "app_permissions": ADMINISTRATOR_PERMISSIONS, "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)}, "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }

    def default_user(self) -> int:
        for uid in self.users:
            return uid
        return self.add_user("member")

    def _find_command(self, path: list[str]) -> app_commands.Command[Any, ..., Any] | app_commands.Group:
        tree = self.bot.tree  # type: ignore[attr-defined]
        guild = discord.Object(self.guild_id)
        cmd = tree.get_command(path[0], guild=guild) or tree.get_command(path[0])
        if cmd is None:
            raise AssertionError(f"no slash command /{path[0]}")
        for part in path[1:]:
            assert isinstance(cmd, app_commands.Group), f"/{' '.join(path)}: {cmd.name} has no subcommands"
            child = cmd.get_command(part)
            if child is None:
                raise AssertionError(f"no subcommand {part} in /{cmd.qualified_name}")
            cmd = child
        return cmd

    def _command_data(self, command: str, options: dict[str, Any], focused: str | None) -> dict[str, Any]:
        path = command.strip("/").split()
        cmd = self._find_command(path)
        assert isinstance(cmd, app_commands.Command), f"/{command} is a group; name a subcommand"
        params = {p.display_name: p for p in cmd.parameters}  # Discord sends display names
        opts: list[dict[str, Any]] = []
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in options.items():
            if name not in params:
                raise AssertionError(f"/{command} has no option {name!r}; it has {list(params)}")
            kind = params[name].type
            if kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable) and not focused:
                uid = int(value)
                user = self.users.get(uid) or self.user_payload(uid, f"user{uid}")
                resolved.setdefault("users", {})[str(uid)] = user
                if uid in self.users:
                    member = {k: v for k, v in self.member_payload(uid).items() if k != "user"}
                    resolved.setdefault("members", {})[str(uid)] = member
                value = str(uid)
            elif kind == discord.AppCommandOptionType.channel and not focused:
                cid = int(value)
                ch = self.channels.get(cid) or {"id": str(cid), "type": 0, "name": f"channel-{cid}"}
                resolved.setdefault("channels", {})[str(cid)] = {
                    "id": ch["id"], "type": ch["type"], "name": ch.get("name"), "permissions": ADMINISTRATOR_PERMISSIONS,
                    **({"parent_id": ch["parent_id"]} if ch.get("parent_id") else {}),
                    **({"thread_metadata": ch["thread_metadata"]} if ch.get("thread_metadata") else {}),
                }
                value = str(cid)
            opt: dict[str, Any] = {"name": name, "type": kind.value, "value": value}
            if name == focused:
                opt["focused"] = True
            opts.append(opt)
        for sub in reversed(path[1:]):
            opts = [{"name": sub, "type": 1, "options": opts}] if sub == path[-1] else [
                {"name": sub, "type": 2, "options": opts}
            ]
        tree = self.bot.tree  # type: ignore[attr-defined]
        data: dict[str, Any] = {"id": str(self.snowflake()), "name": path[0], "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if tree.get_command(path[0], guild=discord.Object(self.guild_id)) is not None:
            data["guild_id"] = str(self.guild_id)
        return data

    async def _interact(self, payload: dict[str, Any]) -> InteractionResult:
        result = InteractionResult(self, int(payload["id"]), payload["token"], payload["type"])
        self.interactions.append(result)
        self._interaction_payloads[result.id] = payload
        self.dispatch("INTERACTION_CREATE", payload)
        await self.settle()
        return result

    async def slash(
        self, command: str, *, user: int | None = None, locale: str = "en-US", channel_id: int | None = None,
        **options: Any,
    ) -> InteractionResult:
        """Invoke ``/command`` (``"session create"`` for subcommands) with option values."""
        payload = self._interaction_base(2, user or self.default_user(), channel_id, locale)
        payload["data"] = self._command_data(command, options, None)
        return await self._interact(payload)

    async def autocomplete(
        self, command: str, focused: str, *, user: int | None = None, locale: str = "en-US", **options: Any
    ) -> InteractionResult:
        payload = self._interaction_base(4, user or self.default_user(), None, locale)
        options.setdefault(focused, "")
        payload["data"] = self._command_data(command, options, focused)
        return await self._interact(payload)

    async def click(
        self, message_id: int, custom_id: str, *, user: int | None = None, locale: str = "en-US",
        values: list[str] | None = None,
    ) -> InteractionResult:
        message = self.messages[message_id]
        payload = self._interaction_base(3, user or self.default_user(), int(message["channel_id"]), locale)
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 3 if values is not None else 2}
        if values is not None:
            payload["data"]["values"] = values
        return await self._interact(payload)

    async def press(self, result: InteractionResult, label: str, **kwargs: Any) -> InteractionResult:
        """Click the button labelled ``label`` on the message an interaction produced."""
        button = result.button(label)
        return await self.click(result.message_id, button["custom_id"], **kwargs)

    async def submit_modal(
        self, modal: dict[str, Any], values: dict[str, str], *, user: int | None = None, locale: str = "en-US",
        channel_id: int | None = None,
    ) -> InteractionResult:
        payload = self._interaction_base(5, user or self.default_user(), channel_id, locale)
        rows = []
        for row in modal.get("components", []):
            comps = []
            for c in row.get("components", []):
                comps.append({"type": 4, "custom_id": c["custom_id"], "value": values.get(c["custom_id"], "")})
            rows.append({"type": 1, "components": comps})
        payload["data"] = {"custom_id": modal["custom_id"], "components": rows}
        return await self._interact(payload)

    async def context_menu(
        self, name: str, message: dict[str, Any], *, user: int | None = None, locale: str = "en-US"
    ) -> InteractionResult:
        payload = self._interaction_base(2, user or self.default_user(), int(message["channel_id"]), locale)
        data: dict[str, Any] = {
            "id": str(self.snowflake()), "name": name, "type": 3, "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        tree = self.bot.tree  # type: ignore[attr-defined]
        if tree.get_command(name, guild=discord.Object(self.guild_id), type=discord.AppCommandType.message):
            data["guild_id"] = str(self.guild_id)
        payload["data"] = data
        return await self._interact(payload)

    # ---- incoming: messages ------------------------------------------------------------
    def message_payload(
        self, content: str, *, author: int, channel_id: int, message_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        mid = message_id or self.snowflake()
        user = self.users.get(author) or self.user_payload(author, f"user{author}")
        msg = {
            "id": str(mid), "channel_id": str(channel_id), "guild_id": str(self.guild_id), "type": 0,
            "content": content, "author": user, "attachments": [], "embeds": [], "mentions": [],
            "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
            "timestamp": discord.utils.snowflake_time(mid).isoformat(), "edited_timestamp": None,
            "flags": 0, "components": [],
        }
        if author in self.users:
            msg["member"] = {k: v for k, v in self.member_payload(author).items() if k != "user"}
        msg.update(extra)
        return msg

    async def post_message(self, content: str, *, author: int, channel_id: int, **extra: Any) -> dict[str, Any]:
        """A member posts a message (MESSAGE_CREATE)."""
        msg = self.message_payload(content, author=author, channel_id=channel_id, **extra)
        self.messages[int(msg["id"])] = msg
        self.dispatch("MESSAGE_CREATE", msg)
        await self.settle()
        return msg

    def thread_payload(self, thread_id: int, name: str, parent_id: int, owner_id: int,
                       applied_tags: list[str] | None = None) -> dict[str, Any]:
        return {
            "id": str(thread_id), "type": 11, "name": name, "guild_id": str(self.guild_id),
            "parent_id": str(parent_id), "owner_id": str(owner_id), "last_message_id": str(thread_id),
            "rate_limit_per_user": 0, "message_count": 0, "member_count": 1, "flags": 0,
            "applied_tags": applied_tags or [], "total_message_sent": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 4320, "locked": False,
                                "archive_timestamp": datetime.now(UTC).isoformat()},
        }

    async def create_forum_post(
        self, title: str, content: str, *, author: int, forum_id: int | None = None, tags: Iterable[str] = (),
    ) -> dict[str, Any]:
        """A member creates a post directly in a forum: THREAD_CREATE, then the starter message
        (whose id is the thread's id). Returns the starter message."""
        forum_id = forum_id or self.channel_id("qa-forum")
        forum = self.channels[forum_id]
        by_name = {t["name"].casefold(): t["id"] for t in forum.get("available_tags", [])}
        applied = [by_name[t.casefold()] for t in tags if t.casefold() in by_name]
        tid = self.snowflake()
        thread = self.thread_payload(tid, title, forum_id, author, applied)
        self.channels[tid] = thread
        self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        msg = self.message_payload(content, author=author, channel_id=tid, message_id=tid)
        self.messages[tid] = msg
        self.dispatch("MESSAGE_CREATE", msg)
        await self.settle()
        return msg

    def seed_message(self, content: str, *, author: int, channel_id: int, when: datetime | None = None) -> dict[str, Any]:
        """A message that was posted before the bot was watching: in the channel's history
        (served by GET /channels/{id}/messages) but never sent as an event."""
        mid = discord.utils.time_snowflake(when) if when else self.snowflake()
        while mid in self.messages:
            mid += 1
        msg = self.message_payload(content, author=author, channel_id=channel_id, message_id=mid)
        self.messages[mid] = msg
        return msg

    def add_forum_tags(self, forum_id: int, names: Iterable[str]) -> None:
        tags = self.channels[forum_id].setdefault("available_tags", [])
        for name in names:
            tags.append({"id": str(self.snowflake()), "name": name, "moderated": False, "emoji_id": None,
                         "emoji_name": None})
        if self.bot.is_ready():
            self.dispatch("CHANNEL_UPDATE", self.channels[forum_id])  # facilitators edit the forum

    # ---- outgoing ----------------------------------------------------------------------
    def _bot_message(self, channel_id: int | str, body: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        mid = message_id or self.snowflake()
        msg = self.message_payload(body.get("content") or "", author=int(self.bot_user["id"]), channel_id=int(channel_id),
                                   message_id=mid)
        msg["author"] = self.bot_user
        msg.pop("member", None)
        msg["embeds"] = body.get("embeds") or []
        msg["components"] = body.get("components") or []
        msg["flags"] = body.get("flags") or 0
        msg["attachments"] = [
            {"id": str(self.snowflake()), "filename": a.get("filename", "file"), "size": 0, "url": "https://offline.invalid/f",
             "proxy_url": "https://offline.invalid/f"}
            for a in body.get("attachments") or []
        ]
        self.messages[mid] = msg
        return msg

    def _edit_message(self, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        msg = self.messages.get(message_id)
        if msg is None:
            raise UnknownRoute(f"edit of unknown message {message_id}")
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                msg[key] = body[key]
        msg["edited_timestamp"] = datetime.now(UTC).isoformat()
        return msg

    def _check(self, where: str, problems: list[str]) -> None:
        for p in problems:
            text = f"{where}: {p}"
            self.violations.append(text)
            if self.on_violation:
                self.on_violation(text)

    async def _record(self, call: Call) -> Any:
        self.calls.append(call)
        handler = self._match(call)
        if handler is None:
            raise UnknownRoute(f"offline Discord has no route for {call.key} ({call.path})")
        handler_fn, params = handler
        result = handler_fn(call, params)
        if isinstance(result, Awaitable):
            result = await result
        return result

    def _match(self, call: Call) -> tuple[RouteHandler, dict[str, str]] | None:
        fn = self.routes.get((call.method, call.route))
        if fn is None:
            return None
        names = re.findall(r"{(\w+)}", call.route)
        pattern = "^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(call.route)) + "$"
        m = re.match(pattern, call.path.split("?")[0])
        return fn, ({n: m.group(n) for n in names} if m else {})

    @staticmethod
    def _files(files: Any) -> list[tuple[str, bytes]]:
        out = []
        for f in files or []:
            fp = f.fp
            if hasattr(fp, "seek"):
                fp.seek(0)
            data = fp.read() if hasattr(fp, "read") else b""
            out.append((f.filename, data))
            if hasattr(fp, "seek"):
                fp.seek(0)
        return out

    async def _http_request(self, route: Route, *, files: Any = None, form: Any = None, **kwargs: Any) -> Any:
        body = kwargs.get("json")
        if form:
            for part in form:
                if part.get("name") == "payload_json":
                    body = json.loads(part["value"])
        call = Call(route.method, route.path, route.url.removeprefix(Route.BASE), body, self._files(files),
                    kwargs.get("params") or {}, kwargs.get("reason"))
        return await self._record(call)

    async def _webhook_request(self, route: Route, session: Any = None, *, payload: Any = None,
                               multipart: Any = None, files: Any = None, params: Any = None, **kwargs: Any) -> Any:
        body = payload
        if multipart:
            for part in multipart:
                if part.get("name") == "payload_json":
                    body = json.loads(part["value"])
        call = Call(route.method, route.path, route.url.removeprefix(Route.BASE), body, self._files(files),
                    params or {}, kwargs.get("reason"))
        return await self._record(call)

    # ---- route table -------------------------------------------------------------------
    def route(self, method: str, template: str) -> Callable[[RouteHandler], RouteHandler]:
        def register(fn: RouteHandler) -> RouteHandler:
            self.routes[(method, template)] = fn
            return fn

        return register

    def _install_default_routes(self) -> None:
        r = self.route

        @r("GET", "/users/@me")
        def me(call: Call, p: dict[str, str]) -> Any:
            return self.bot_user

        @r("GET", "/oauth2/applications/@me")
        def app_info(call: Call, p: dict[str, str]) -> Any:
            return {
                "id": str(self.app_id), "name": "SSE Bot", "icon": None, "description": "offline", "bot_public": False,
                "bot_require_code_grant": False, "verify_key": "0" * 64, "owner": self.owner, "flags": 0,
                "team": None, "summary": "", "rpc_origins": [], "interactions_endpoint_url": None,
            }

        def sync(call: Call, p: dict[str, str]) -> Any:
            commands = call.json or []
            self._check(call.key, command_violations(commands))
            self.synced_commands[p.get("guild_id", "global")] = commands
            return [{"description": "", **c, "id": str(self.snowflake()), "application_id": str(self.app_id), "version": "1",
                     "default_member_permissions": c.get("default_member_permissions")} for c in commands]

        self.routes[("PUT", "/applications/{application_id}/commands")] = sync
        self.routes[("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")] = sync

        @r("POST", "/interactions/{webhook_id}/{webhook_token}/callback")
        def callback(call: Call, p: dict[str, str]) -> Any:
            body = call.json or {}
            kind = body.get("type")
            data = body.get("data") or {}
            iid = int(p["webhook_id"])
            interaction: dict[str, Any] = {"id": str(iid), "type": 2}
            resource: dict[str, Any] = {"type": kind}
            if kind in (4, 5):
                self._check(call.key, message_violations(data))
                channel = self._interaction_channel(call)
                msg = self._bot_message(channel, data)
                self.response_message_ids[iid] = int(msg["id"])
                interaction.update(response_message_id=msg["id"], response_message_loading=kind == 5,
                                   response_message_ephemeral=bool((data.get("flags") or 0) & EPHEMERAL_FLAG))
                resource["message"] = msg
            elif kind in (6, 7):
                self._check(call.key, message_violations(data))
                target = self._component_message(iid)
                if target is not None:
                    self.response_message_ids[iid] = target
                    interaction["response_message_id"] = str(target)
                    if kind == 7:
                        resource["message"] = self._edit_message(target, data)
            elif kind == 8:
                self._check(call.key, autocomplete_violations(data))
            elif kind == 9:
                self._check(call.key, modal_violations(data))
            return {"interaction": interaction, "resource": resource}

        def original(call: Call, p: dict[str, str]) -> Any:
            iid = self._interaction_for_token(p["webhook_token"])
            mid = self.response_message_ids.get(iid)
            if call.method == "DELETE":
                if mid:
                    self.messages.pop(mid, None)
                return None
            if mid is None:
                raise UnknownRoute(f"{call.key}: the interaction has no message yet")
            if call.method == "PATCH":
                self._check(call.key, message_violations(call.json or {}))
                return self._edit_message(mid, call.json or {})
            return self.messages[mid]

        for method in ("GET", "PATCH", "DELETE"):
            self.routes[(method, "/webhooks/{webhook_id}/{webhook_token}/messages/@original")] = original

        @r("POST", "/webhooks/{webhook_id}/{webhook_token}")
        def followup(call: Call, p: dict[str, str]) -> Any:
            self._check(call.key, message_violations(call.json or {}))
            iid = self._interaction_for_token(p["webhook_token"])
            channel = self._channel_of_interaction(iid)
            return self._bot_message(channel, call.json or {})

        @r("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
        def edit_followup(call: Call, p: dict[str, str]) -> Any:
            self._check(call.key, message_violations(call.json or {}))
            return self._edit_message(int(p["message_id"]), call.json or {})

        @r("POST", "/channels/{channel_id}/messages")
        def send(call: Call, p: dict[str, str]) -> Any:
            body = call.json or {}
            self._check(call.key, message_violations(body))
            nonce = body.get("nonce")
            if nonce is not None and body.get("enforce_nonce"):
                if len(str(nonce)) > 25:
                    self._check(call.key, [f"nonce {str(nonce)[:30]!r} > 25 chars"])
                # Discord returns the earlier message for a repeated nonce (a few minutes' window)
                seen = self._nonces.get((p["channel_id"], str(nonce)))
                if seen is not None and seen in self.messages:
                    return self.messages[seen]
            msg = self._bot_message(p["channel_id"], body)
            if nonce is not None:
                msg["nonce"] = nonce
                self._nonces[(p["channel_id"], str(nonce))] = int(msg["id"])
            return msg

        @r("PATCH", "/channels/{channel_id}/messages/{message_id}")
        def edit(call: Call, p: dict[str, str]) -> Any:
            self._check(call.key, message_violations(call.json or {}))
            return self._edit_message(int(p["message_id"]), call.json or {})

        @r("DELETE", "/channels/{channel_id}/messages/{message_id}")
        def delete(call: Call, p: dict[str, str]) -> Any:
            self.messages.pop(int(p["message_id"]), None)
            return None

        @r("GET", "/channels/{channel_id}/messages/{message_id}")
        def fetch(call: Call, p: dict[str, str]) -> Any:
            msg = self.messages.get(int(p["message_id"]))
            if msg is None:
                raise discord.NotFound(_FakeResponse(404), {"code": 10008, "message": "Unknown Message"})
            return msg

        @r("GET", "/channels/{channel_id}")
        def get_channel(call: Call, p: dict[str, str]) -> Any:
            ch = self.channels.get(int(p["channel_id"]))
            if ch is None:
                raise discord.NotFound(_FakeResponse(404), {"code": 10003, "message": "Unknown Channel"})
            return ch

        @r("PATCH", "/channels/{channel_id}")
        def edit_channel(call: Call, p: dict[str, str]) -> Any:
            cid = int(p["channel_id"])
            ch = self.channels.get(cid)
            if ch is None:
                raise discord.NotFound(_FakeResponse(404), {"code": 10003, "message": "Unknown Channel"})
            body = dict(call.json or {})
            self._check(call.key, channel_violations(body))
            if "available_tags" in body:
                body["available_tags"] = [
                    {"moderated": False, "emoji_id": None, "emoji_name": None, **t, "id": str(t.get("id") or self.snowflake())}
                    for t in body["available_tags"]
                ]
            if "applied_tags" in body:
                body["applied_tags"] = [str(t) for t in body["applied_tags"]]
            ch.update(body)
            self.dispatch("THREAD_UPDATE" if ch["type"] in (10, 11, 12) else "CHANNEL_UPDATE", ch)
            return ch

        @r("POST", "/channels/{channel_id}/threads")
        def start_thread(call: Call, p: dict[str, str]) -> Any:
            forum_id = int(p["channel_id"])
            body = call.json or {}
            self._check(call.key, channel_violations(body))
            message = body.get("message") or {}
            self._check(call.key, message_violations(message))
            tid = self.snowflake()
            thread = self.thread_payload(tid, body.get("name", ""), forum_id, int(self.bot_user["id"]),
                                         [str(t) for t in body.get("applied_tags") or []])
            self.channels[tid] = thread
            starter = self._bot_message(tid, message, message_id=tid)
            self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
            self.dispatch("MESSAGE_CREATE", starter)
            return {**thread, "message": starter}

        @r("GET", "/channels/{channel_id}/messages")
        def history(call: Call, p: dict[str, str]) -> Any:
            cid = int(p["channel_id"])
            params = call.params or {}
            limit = int(params.get("limit", 50))
            if not 1 <= limit <= 100:
                self._check(call.key, [f"history limit {limit} not in 1..100"])
            before = int(params["before"]) if params.get("before") else None
            after = int(params["after"]) if params.get("after") else None
            ids = sorted((mid for mid, m in self.messages.items() if int(m["channel_id"]) == cid), reverse=True)
            if before is not None:
                ids = [i for i in ids if i < before]
            if after is not None:
                ids = sorted(i for i in ids if i > after)
            return [self.messages[i] for i in ids[:limit]]

        @r("POST", "/users/@me/channels")
        def open_dm(call: Call, p: dict[str, str]) -> Any:
            uid = int((call.json or {})["recipient_id"])
            cid = self.snowflake()
            self.channels[cid] = {"id": str(cid), "type": 1, "recipients": [self.users.get(uid) or
                                                                             self.user_payload(uid, f"user{uid}")],
                                  "last_message_id": None}
            return self.channels[cid]

        # ---- guild scheduled events (sessions mirror themselves as external events)
        @r("POST", "/guilds/{guild_id}/scheduled-events")
        def create_event(call: Call, p: dict[str, str]) -> Any:
            body = call.json or {}
            self._check(call.key, scheduled_event_violations(body, creating=True))
            eid = self.snowflake()
            event = {
                "id": str(eid), "guild_id": p["guild_id"], "channel_id": body.get("channel_id"),
                "creator_id": self.bot_user["id"], "creator": self.bot_user, "name": body.get("name"),
                "description": body.get("description"), "scheduled_start_time": body.get("scheduled_start_time"),
                "scheduled_end_time": body.get("scheduled_end_time"), "privacy_level": body.get("privacy_level", 2),
                "status": 1, "entity_type": body.get("entity_type"), "entity_id": None,
                "entity_metadata": body.get("entity_metadata"), "user_count": 0, "image": None,
            }
            self.scheduled_events[eid] = event
            return event

        @r("GET", "/guilds/{guild_id}/scheduled-events")
        def list_events(call: Call, p: dict[str, str]) -> Any:
            return list(self.scheduled_events.values())

        def one_event(call: Call, p: dict[str, str]) -> Any:
            eid = int(p["guild_scheduled_event_id"])
            event = self.scheduled_events.get(eid)
            if event is None:
                raise discord.NotFound(_FakeResponse(404), {"code": 10070, "message": "Unknown Guild Scheduled Event"})
            if call.method == "GET":
                return event
            if call.method == "DELETE":
                del self.scheduled_events[eid]
                return None
            body = call.json or {}
            self._check(call.key, scheduled_event_violations({**event, **body}, creating=False))
            if body.get("status") == 4 and event["status"] != 1:
                self._check(call.key, ["only a scheduled event can be cancelled"])
            event.update({k: v for k, v in body.items() if k in event})
            return event

        for method in ("GET", "PATCH", "DELETE"):
            self.routes[(method, "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")] = one_event

    def _interaction_for_token(self, token: str) -> int:
        return int(token.removeprefix("tok-"))

    def _channel_of_interaction(self, iid: int) -> int:
        payload = self._interaction_payloads.get(iid)
        if payload:
            return int(payload["channel_id"])
        return self.channel_id("general")

    def _interaction_channel(self, call: Call) -> int:
        token = call.path.split("/")[3]
        return self._channel_of_interaction(self._interaction_for_token(token))

    def _component_message(self, iid: int) -> int | None:
        payload = self._interaction_payloads.get(iid)
        if payload and payload.get("message"):
            return int(payload["message"]["id"])
        return None


class _FakeResponse:
    def __init__(self, status: int):
        self.status = status
        self.reason = "Not Found"


def _is_background(task: asyncio.Task[Any]) -> bool:
    """Long-lived tasks settle() must not wait for: our background loops and view timeouts."""
    name = task.get_name()
    coro_name = getattr(task.get_coro(), "__qualname__", "")
    return name.startswith("sse-bg:") or "-timeout-" in name or "timeout_task" in coro_name


async def boot_offline(
    app: Any, *, on_violation: Callable[[str], None] | None = None, channels: dict[str, tuple[int, int]] | None = None,
    app_id: int | None = None,
) -> tuple[Any, OfflineDiscord]:
    """Start the real bot (cogs, views, command sync) against an offline Discord."""
    from bot.bot import SSEBot

    config = app.config
    known = {"announcements": (config.channels.announcements, 0), "qa-forum": (config.channels.qa_forum, 15)}
    for i, cid in enumerate(config.channels.archived):
        known[f"archived-{i + 1}"] = (cid, 0)
    layout = {name: spec for name, spec in known.items() if spec[0]}
    layout.update(channels or {})
    bot = SSEBot(app)
    gateway = OfflineDiscord(bot, guild_id=config.guild_id or None, channels=layout, on_violation=on_violation,
                             app_id=app_id)
    for role_id in config.roles.facilitators:
        gateway.add_role(role_id, "Facilitator")
    for role_id in config.roles.helpers:
        gateway.add_role(role_id, "Helper")
    gateway.member_id = gateway.add_user("mai")
    gateway.facilitator_id = gateway.add_user("facilitator", roles=config.roles.facilitators[:1])
    await gateway.start()
    return bot, gateway
