"""An offline Discord: every line of discord.py stays real, only its two edges are replaced.

Incoming: raw gateway payloads (READY, GUILD_CREATE, MESSAGE_CREATE, INTERACTION_CREATE...)
go straight into the parsers the websocket would call. Outgoing: every REST call, at
``discord.http.HTTPClient.request`` and at the webhook adapter that carries interaction
responses, is recorded and answered from a small route table. An unknown route fails
loudly. Every recorded payload is checked against Discord's documented limits.

Used by the test-suite, the benchmarks and by ``python -m bot console``; see ../shared/HARNESS.md for the
traps this works around.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.http import Route
from discord.webhook import async_ as webhook_async

from offline.faults import Faults
from offline.records import (
    ADMINISTRATOR_PERMISSIONS,
    BOT_PERMISSIONS,
    MEMBER_PERMISSIONS,
    Call,
    InteractionResult,
    UnknownRoute,
)
from offline.routes import RouteHandler, install_default_routes
from offline.tasks import Tasks

log = logging.getLogger(__name__)


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
        # positions in ``calls`` by path segment: an interaction's calls are found without walking
        # every call made so far (which made the harness itself slower with every command in a run)
        self._calls_by_segment: dict[str, list[int]] = {}
        self.violations: list[str] = []
        self.on_violation = on_violation
        self.users: dict[int, dict[str, Any]] = {}
        self.member_roles: dict[int, list[int]] = {}
        # a member's server-wide permissions as the interaction payload carries them (default MEMBER_PERMISSIONS)
        self.member_permissions: dict[int, str] = {}
        self.roles: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self.nonces: dict[tuple[str, str], int] = {}  # (channel, nonce) -> message id, for enforce_nonce
        self.response_message_ids: dict[int, int] = {}
        self.interactions: list[InteractionResult] = []
        self.interaction_payloads: dict[int, dict[str, Any]] = {}
        self.synced_commands: dict[str, list[dict[str, Any]]] = {}
        self.system_channel_id: str | None = None  # where Discord posts join messages (the welcome goes there)
        # A plain member and a facilitator, made by boot_offline (the console acts as them).
        self.member_id = 0
        self.facilitator_id = 0
        self.tasks = Tasks()  # what settle() waits for: offline/tasks.py
        self.routes: dict[tuple[str, str], RouteHandler] = {}
        self.faults = Faults()  # Discord misbehaving on purpose: offline/faults.py
        install_default_routes(self)
        self.add_role(self.guild_id, "@everyone")
        # The role Discord makes from the invite's permissions (what `python -m bot invite` asks for).
        self.bot_role_id = self.add_role(self.snowflake(), "SSE Bot", permissions=BOT_PERMISSIONS, managed=True)
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

    def add_role(self, role_id: int, name: str, *, permissions: str = MEMBER_PERMISSIONS, managed: bool = False) -> int:
        self.roles[role_id] = {
            "id": str(role_id), "name": name, "color": 0, "hoist": False, "position": len(self.roles),
            "permissions": permissions, "managed": managed, "mentionable": True, "flags": 0,
        }
        return role_id

    def set_overwrite(self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0, member: bool = False) -> None:
        """A channel permission overwrite (Edit Channel > Permissions) for a role or a member."""
        ch = self.channels[channel_id]
        ows = [o for o in ch["permission_overwrites"] if int(o["id"]) != target_id]
        ows.append({"id": str(target_id), "type": 1 if member else 0, "allow": str(allow), "deny": str(deny)})
        ch["permission_overwrites"] = ows
        if self.bot.is_ready():
            self.dispatch("CHANNEL_UPDATE", ch)

    def remove_channel(self, channel_id: int) -> None:
        ch = self.channels.pop(channel_id)
        if self.bot.is_ready():
            self.dispatch("CHANNEL_DELETE", ch)

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
            "permissions": self.member_permissions.get(user_id, MEMBER_PERMISSIONS),
        }

    def bot_member_payload(self) -> dict[str, Any]:
        return {"user": self.bot_user, "roles": [str(self.bot_role_id)], "joined_at": "2025-01-01T00:00:00+00:00",
                "deaf": False, "mute": False, "flags": 0, "nick": None, "avatar": None, "pending": False,
                "premium_since": None}

    def guild_payload(self, guild_id: int | None = None) -> dict[str, Any]:
        return {
            "id": str(guild_id or self.guild_id), "name": "SSE community of practice", "icon": None, "owner_id": self.owner["id"],
            "roles": list(self.roles.values()), "emojis": [], "stickers": [], "features": ["COMMUNITY"],
            "channels": [c for c in self.channels.values() if c["type"] in (0, 2, 4, 5, 15)],
            "threads": [c for c in self.channels.values() if c["type"] in (10, 11, 12)],
            "members": [self.bot_member_payload()],
            "member_count": 2, "large": False, "unavailable": False, "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "afk_timeout": 300, "system_channel_id": self.system_channel_id,
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
        self.tasks.remember_baseline()

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
        await self.tasks.settle(timeout)

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
                resolved.setdefault("channels", {})[str(cid)] = self._resolved_channel(cid)
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
        self.interaction_payloads[result.id] = payload
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

    async def select(
        self, message_id: int, custom_id: str, values: list[int], *, kind: int, user: int | None = None,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Choose in a channel (``kind`` 8) or role (6) select menu: ``data.values`` holds the ids and
        ``data.resolved`` the channels or roles, as Discord sends them."""
        message = self.messages[message_id]
        payload = self._interaction_base(3, user or self.default_user(), int(message["channel_id"]), locale)
        payload["message"] = message
        resolved: dict[str, Any] = {}
        if kind == 8:
            resolved["channels"] = {str(v): self._resolved_channel(v) for v in values}
        elif kind == 6:
            resolved["roles"] = {str(v): self.roles.get(v) or {**self.roles[self.guild_id], "id": str(v), "name": f"role-{v}"}
                                 for v in values}
        payload["data"] = {"custom_id": custom_id, "component_type": kind, "values": [str(v) for v in values],
                           "resolved": resolved}
        return await self._interact(payload)

    def _resolved_channel(self, cid: int) -> dict[str, Any]:
        ch = self.channels.get(cid) or {"id": str(cid), "type": 0, "name": f"channel-{cid}"}
        return {
            "id": ch["id"], "type": ch["type"], "name": ch.get("name"), "permissions": ADMINISTRATOR_PERMISSIONS,
            **({"parent_id": ch["parent_id"]} if ch.get("parent_id") else {}),
            **({"thread_metadata": ch["thread_metadata"]} if ch.get("thread_metadata") else {}),
        }

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
    def bot_message(self, channel_id: int | str, body: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
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

    def edit_message(self, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        msg = self.messages.get(message_id)
        if msg is None:
            raise UnknownRoute(f"edit of unknown message {message_id}")
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                msg[key] = body[key]
        msg["edited_timestamp"] = datetime.now(UTC).isoformat()
        return msg

    def check(self, where: str, problems: list[str]) -> None:
        for p in problems:
            text = f"{where}: {p}"
            self.violations.append(text)
            if self.on_violation:
                self.on_violation(text)

    def calls_of(self, token: str, interaction_id: int) -> list[Call]:
        """The calls made for one interaction (its token, or its id as a path segment), in order."""
        by = self._calls_by_segment
        marker = f"/{interaction_id}/"
        by_id = (i for i in by.get(str(interaction_id), ()) if marker in self.calls[i].path)
        return [self.calls[i] for i in sorted({*by.get(token, ()), *by_id})]

    async def _record(self, call: Call) -> Any:
        for segment in set(call.path.split("/")):
            self._calls_by_segment.setdefault(segment, []).append(len(self.calls))
        self.calls.append(call)
        self.faults.check(call)
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

