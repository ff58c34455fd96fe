"""The REST routes the offline Discord answers, with plausible JSON and Discord's checks.

Each handler takes the recorded call and the values of the route's placeholders. Tests and
benchmarks may replace one through ``gw.routes[(method, template)]``; a route missing
here fails loudly (``UnknownRoute``) instead of letting the bot think Discord agreed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from offline.limits import (
    autocomplete_violations,
    channel_violations,
    command_violations,
    message_violations,
    modal_violations,
    scheduled_event_violations,
)
from offline.records import EPHEMERAL_FLAG, Call, UnknownRoute

if TYPE_CHECKING:
    from offline.gateway import OfflineDiscord

RouteHandler = Callable[[Call, dict[str, str]], Any]


def install_default_routes(gw: OfflineDiscord) -> None:
    r = gw.route

    @r("GET", "/users/@me")
    def me(call: Call, p: dict[str, str]) -> Any:
        return gw.bot_user

    @r("GET", "/oauth2/applications/@me")
    def app_info(call: Call, p: dict[str, str]) -> Any:
        return {
            "id": str(gw.app_id), "name": "SSE Bot", "icon": None, "description": "offline", "bot_public": False,
            "bot_require_code_grant": False, "verify_key": "0" * 64, "owner": gw.owner, "flags": 0,
            "team": None, "summary": "", "rpc_origins": [], "interactions_endpoint_url": None,
        }

    def sync(call: Call, p: dict[str, str]) -> Any:
        commands = call.json or []
        gw.check(call.key, command_violations(commands))
        gw.synced_commands[p.get("guild_id", "global")] = commands
        return [{"description": "", **c, "id": str(gw.snowflake()), "application_id": str(gw.app_id), "version": "1",
                 "default_member_permissions": c.get("default_member_permissions")} for c in commands]

    gw.routes[("PUT", "/applications/{application_id}/commands")] = sync
    gw.routes[("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")] = sync

    @r("POST", "/interactions/{webhook_id}/{webhook_token}/callback")
    def callback(call: Call, p: dict[str, str]) -> Any:
        body = call.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        iid = int(p["webhook_id"])
        interaction: dict[str, Any] = {"id": str(iid), "type": 2}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            gw.check(call.key, message_violations(data))
            channel = _interaction_channel(gw, call)
            msg = gw.bot_message(channel, data)
            gw.response_message_ids[iid] = int(msg["id"])
            interaction.update(response_message_id=msg["id"], response_message_loading=kind == 5,
                               response_message_ephemeral=bool((data.get("flags") or 0) & EPHEMERAL_FLAG))
            resource["message"] = msg
        elif kind in (6, 7):
            gw.check(call.key, message_violations(data))
            target = _component_message(gw, iid)
            if target is not None:
                gw.response_message_ids[iid] = target
                interaction["response_message_id"] = str(target)
                if kind == 7:
                    resource["message"] = gw.edit_message(target, data)
        elif kind == 8:
            gw.check(call.key, autocomplete_violations(data))
        elif kind == 9:
            gw.check(call.key, modal_violations(data))
        return {"interaction": interaction, "resource": resource}

    def original(call: Call, p: dict[str, str]) -> Any:
        iid = _interaction_for_token(p["webhook_token"])
        mid = gw.response_message_ids.get(iid)
        if call.method == "DELETE":
            if mid:
                gw.messages.pop(mid, None)
            return None
        if mid is None:
            raise UnknownRoute(f"{call.key}: the interaction has no message yet")
        if call.method == "PATCH":
            gw.check(call.key, message_violations(call.json or {}))
            return gw.edit_message(mid, call.json or {})
        return gw.messages[mid]

    for method in ("GET", "PATCH", "DELETE"):
        gw.routes[(method, "/webhooks/{webhook_id}/{webhook_token}/messages/@original")] = original

    @r("POST", "/webhooks/{webhook_id}/{webhook_token}")
    def followup(call: Call, p: dict[str, str]) -> Any:
        gw.check(call.key, message_violations(call.json or {}))
        iid = _interaction_for_token(p["webhook_token"])
        channel = _channel_of_interaction(gw, iid)
        return gw.bot_message(channel, call.json or {})

    @r("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
    def edit_followup(call: Call, p: dict[str, str]) -> Any:
        gw.check(call.key, message_violations(call.json or {}))
        return gw.edit_message(int(p["message_id"]), call.json or {})

    @r("POST", "/channels/{channel_id}/messages")
    def send(call: Call, p: dict[str, str]) -> Any:
        body = call.json or {}
        gw.check(call.key, message_violations(body))
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            if len(str(nonce)) > 25:
                gw.check(call.key, [f"nonce {str(nonce)[:30]!r} > 25 chars"])
            # Discord returns the earlier message for a repeated nonce (a few minutes' window)
            seen = gw.nonces.get((p["channel_id"], str(nonce)))
            if seen is not None and seen in gw.messages:
                return gw.messages[seen]
        msg = gw.bot_message(p["channel_id"], body)
        if nonce is not None:
            msg["nonce"] = nonce
            gw.nonces[(p["channel_id"], str(nonce))] = int(msg["id"])
        return msg

    @r("PATCH", "/channels/{channel_id}/messages/{message_id}")
    def edit(call: Call, p: dict[str, str]) -> Any:
        gw.check(call.key, message_violations(call.json or {}))
        return gw.edit_message(int(p["message_id"]), call.json or {})

    @r("DELETE", "/channels/{channel_id}/messages/{message_id}")
    def delete(call: Call, p: dict[str, str]) -> Any:
        gw.messages.pop(int(p["message_id"]), None)
        return None

    @r("GET", "/channels/{channel_id}/messages/{message_id}")
    def fetch(call: Call, p: dict[str, str]) -> Any:
        msg = gw.messages.get(int(p["message_id"]))
        if msg is None:
            raise discord.NotFound(_FakeResponse(404), {"code": 10008, "message": "Unknown Message"})
        return msg

    @r("GET", "/channels/{channel_id}")
    def get_channel(call: Call, p: dict[str, str]) -> Any:
        ch = gw.channels.get(int(p["channel_id"]))
        if ch is None:
            raise discord.NotFound(_FakeResponse(404), {"code": 10003, "message": "Unknown Channel"})
        return ch

    @r("PATCH", "/channels/{channel_id}")
    def edit_channel(call: Call, p: dict[str, str]) -> Any:
        cid = int(p["channel_id"])
        ch = gw.channels.get(cid)
        if ch is None:
            raise discord.NotFound(_FakeResponse(404), {"code": 10003, "message": "Unknown Channel"})
        body = dict(call.json or {})
        gw.check(call.key, channel_violations(body))
        if "available_tags" in body:
            body["available_tags"] = [
                {"moderated": False, "emoji_id": None, "emoji_name": None, **t, "id": str(t.get("id") or gw.snowflake())}
                for t in body["available_tags"]
            ]
        if "applied_tags" in body:
            body["applied_tags"] = [str(t) for t in body["applied_tags"]]
        ch.update(body)
        gw.dispatch("THREAD_UPDATE" if ch["type"] in (10, 11, 12) else "CHANNEL_UPDATE", ch)
        return ch

    @r("POST", "/channels/{channel_id}/threads")
    def start_thread(call: Call, p: dict[str, str]) -> Any:
        forum_id = int(p["channel_id"])
        body = call.json or {}
        gw.check(call.key, channel_violations(body))
        message = body.get("message") or {}
        gw.check(call.key, message_violations(message))
        tid = gw.snowflake()
        thread = gw.thread_payload(tid, body.get("name", ""), forum_id, int(gw.bot_user["id"]),
                                     [str(t) for t in body.get("applied_tags") or []])
        gw.channels[tid] = thread
        starter = gw.bot_message(tid, message, message_id=tid)
        gw.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        gw.dispatch("MESSAGE_CREATE", starter)
        return {**thread, "message": starter}

    @r("GET", "/channels/{channel_id}/messages")
    def history(call: Call, p: dict[str, str]) -> Any:
        cid = int(p["channel_id"])
        params = call.params or {}
        limit = int(params.get("limit", 50))
        if not 1 <= limit <= 100:
            gw.check(call.key, [f"history limit {limit} not in 1..100"])
        before = int(params["before"]) if params.get("before") else None
        after = int(params["after"]) if params.get("after") else None
        ids = sorted((mid for mid, m in gw.messages.items() if int(m["channel_id"]) == cid), reverse=True)
        if before is not None:
            ids = [i for i in ids if i < before]
        if after is not None:
            ids = sorted(i for i in ids if i > after)
        return [gw.messages[i] for i in ids[:limit]]

    @r("POST", "/users/@me/channels")
    def open_dm(call: Call, p: dict[str, str]) -> Any:
        uid = int((call.json or {})["recipient_id"])
        cid = gw.snowflake()
        gw.channels[cid] = {"id": str(cid), "type": 1, "recipients": [gw.users.get(uid) or
                                                                         gw.user_payload(uid, f"user{uid}")],
                              "last_message_id": None}
        return gw.channels[cid]

    # ---- the server, as `python -m bot doctor` reads it, and channels /setup creates
    @r("GET", "/guilds/{guild_id}")
    def get_guild(call: Call, p: dict[str, str]) -> Any:
        return gw.guild_payload()

    @r("GET", "/guilds/{guild_id}/channels")
    def guild_channels(call: Call, p: dict[str, str]) -> Any:
        return [c for c in gw.channels.values() if c.get("type") in (0, 2, 4, 5, 15)]

    @r("GET", "/guilds/{guild_id}/members/{member_id}")
    def get_member(call: Call, p: dict[str, str]) -> Any:
        uid = int(p["member_id"])
        if uid == int(gw.bot_user["id"]):
            return gw.bot_member_payload()
        if uid not in gw.users:
            raise discord.NotFound(_FakeResponse(404), {"code": 10007, "message": "Unknown Member"})
        return gw.member_payload(uid)

    @r("POST", "/guilds/{guild_id}/channels")
    def create_channel(call: Call, p: dict[str, str]) -> Any:
        body = dict(call.json or {})
        gw.check(call.key, channel_violations(body))
        tags = [{"moderated": False, "emoji_id": None, "emoji_name": None, **t, "id": str(gw.snowflake())}
                for t in body.pop("available_tags", None) or []]
        if len(tags) > 20:
            gw.check(call.key, [f"{len(tags)} forum tags > 20"])
        cid = gw.add_channel(body.pop("name", "channel"), gw.snowflake(), int(body.pop("type", 0)),
                             **{k: v for k, v in body.items() if k in ("topic", "parent_id", "nsfw")})
        if tags:
            gw.channels[cid]["available_tags"] = tags
        gw.dispatch("CHANNEL_CREATE", gw.channels[cid])
        return gw.channels[cid]

    # ---- guild scheduled events (sessions mirror themselves as external events)
    @r("POST", "/guilds/{guild_id}/scheduled-events")
    def create_event(call: Call, p: dict[str, str]) -> Any:
        body = call.json or {}
        gw.check(call.key, scheduled_event_violations(body, creating=True))
        eid = gw.snowflake()
        event = {
            "id": str(eid), "guild_id": p["guild_id"], "channel_id": body.get("channel_id"),
            "creator_id": gw.bot_user["id"], "creator": gw.bot_user, "name": body.get("name"),
            "description": body.get("description"), "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"), "privacy_level": body.get("privacy_level", 2),
            "status": 1, "entity_type": body.get("entity_type"), "entity_id": None,
            "entity_metadata": body.get("entity_metadata"), "user_count": 0, "image": None,
        }
        gw.scheduled_events[eid] = event
        return event

    @r("GET", "/guilds/{guild_id}/scheduled-events")
    def list_events(call: Call, p: dict[str, str]) -> Any:
        return list(gw.scheduled_events.values())

    def one_event(call: Call, p: dict[str, str]) -> Any:
        eid = int(p["guild_scheduled_event_id"])
        event = gw.scheduled_events.get(eid)
        if event is None:
            raise discord.NotFound(_FakeResponse(404), {"code": 10070, "message": "Unknown Guild Scheduled Event"})
        if call.method == "GET":
            return event
        if call.method == "DELETE":
            del gw.scheduled_events[eid]
            return None
        body = call.json or {}
        gw.check(call.key, scheduled_event_violations({**event, **body}, creating=False))
        if body.get("status") == 4 and event["status"] != 1:
            gw.check(call.key, ["only a scheduled event can be cancelled"])
        event.update({k: v for k, v in body.items() if k in event})
        return event

    for method in ("GET", "PATCH", "DELETE"):
        gw.routes[(method, "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")] = one_event


def _interaction_for_token(token: str) -> int:
    return int(token.removeprefix("tok-"))


def _channel_of_interaction(gw: OfflineDiscord, iid: int) -> int:
    payload = gw.interaction_payloads.get(iid)
    if payload:
        return int(payload["channel_id"])
    return gw.channel_id("general")


def _interaction_channel(gw: OfflineDiscord, call: Call) -> int:
    token = call.path.split("/")[3]
    return _channel_of_interaction(gw, _interaction_for_token(token))


def _component_message(gw: OfflineDiscord, iid: int) -> int | None:
    payload = gw.interaction_payloads.get(iid)
    if payload and payload.get("message"):
        return int(payload["message"]["id"])
    return None


class _FakeResponse:
    def __init__(self, status: int):
        self.status = status
        self.reason = "Not Found"
