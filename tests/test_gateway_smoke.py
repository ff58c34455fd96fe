"""Start-up smoke test of `python -m bot run`'s code path over a real websocket.

A small Discord stand-in on 127.0.0.1 (aiohttp) serves the REST routes login needs and a
gateway that says HELLO, answers IDENTIFY with READY and GUILD_CREATE, then delivers one
INTERACTION_CREATE. The bot must answer it through the REST callback. This catches what the
in-process harness cannot: login, the websocket handshake and event decoding."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import yarl
from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Settings
from bot.runner import run_bot
from offline import OfflineDiscord


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only for exactly "application/json" (no charset suffix).
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


class LocalDiscord:
    def __init__(self) -> None:
        self.app_id = 910000000000000001
        self.bot_user = OfflineDiscord.user_payload(910000000000000002, "SSE Bot", bot=True)
        self.guild_id = 900000000000000001
        self.calls: list[tuple[str, str, Any]] = []
        self.answered = asyncio.Event()
        self.identified = asyncio.Event()

    async def rest(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        path = request.path.removeprefix("/api/v10")
        self.calls.append((request.method, path, body))
        if path == "/users/@me":
            return _json(self.bot_user)
        if path == "/oauth2/applications/@me":
            return _json({
                "id": str(self.app_id), "name": "SSE Bot", "icon": None, "description": "", "bot_public": False,
                "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0,
                "owner": OfflineDiscord.user_payload(910000000000000003, "owner"),
            })
        if path.endswith("/commands"):
            return _json([{"description": "", **c, "id": str(920000000000000000 + i), "application_id": str(self.app_id),
                                       "version": "1"} for i, c in enumerate(body)])
        if path.endswith("/callback"):
            self.answered.set()
            return _json({"interaction": {"id": path.split("/")[2], "type": 2}, "resource": {"type": 4}})
        return _json({"message": "unknown route", "code": 0}, status=404)

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        seq = 0
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif data["op"] == 2:
                self.identified.set()
                for event, payload in self.events():
                    seq += 1
                    await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": payload}))
        return ws

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        channel = {"id": "900000000000000300", "type": 0, "name": "general", "guild_id": str(self.guild_id),
                   "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None, "flags": 0}
        member_user = OfflineDiscord.user_payload(910000000000000004, "mai")
        guild = {
            "id": str(self.guild_id), "name": "SSE", "icon": None, "owner_id": "910000000000000003",
            "roles": [{"id": str(self.guild_id), "name": "@everyone", "color": 0, "hoist": False, "position": 0,
                       "permissions": "0", "managed": False, "mentionable": False, "flags": 0}],
            "emojis": [], "stickers": [], "features": [], "channels": [channel], "threads": [], "members": [],
            "member_count": 2, "large": False, "unavailable": False, "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
        }
        interaction = {
            "id": "1575200000000000000", "application_id": str(self.app_id), "type": 2, "token": "tok-smoke",
            "version": 1, "guild_id": str(self.guild_id), "channel_id": channel["id"], "channel": channel,
            "member": {"user": member_user, "roles": [], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": False,
                       "mute": False, "flags": 0, "permissions": "0"},
            "locale": "en-US", "entitlements": [], "attachment_size_limit": 8388608, "app_permissions": "0",
            "data": {"id": "920000000000000000", "name": "define", "type": 1, "guild_id": str(self.guild_id),
                     "options": [{"name": "term", "type": 3, "value": "decent work"}]},
        }
        return [
            ("READY", {"v": 10, "user": self.bot_user, "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                       "session_id": "smoke", "resume_gateway_url": "ws://127.0.0.1/",
                       "application": {"id": str(self.app_id), "flags": 0}}),
            ("GUILD_CREATE", guild),
            ("INTERACTION_CREATE", interaction),
        ]


@pytest.fixture
async def local_discord(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = LocalDiscord()
    web_app = web.Application()
    web_app.router.add_get("/gateway", fake.gateway)
    web_app.router.add_route("*", "/api/v10/{tail:.*}", fake.rest)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(f"ws://127.0.0.1:{port}/gateway"))
    yield fake
    await runner.cleanup()


async def test_run_logs_in_connects_and_answers_over_the_gateway(local_discord: LocalDiscord, settings: Settings) -> None:
    # the web site beside it on any free port (tests/web/test_run.py looks at it)
    config = settings.config.model_copy(update={"web": settings.config.web.model_copy(update={"port": 0})})
    settings = settings.model_copy(update={"token": "smoke-token", "config": config})
    task = asyncio.create_task(run_bot(settings))
    try:
        await asyncio.wait_for(local_discord.answered.wait(), timeout=30)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    methods = [(m, p) for m, p, _ in local_discord.calls]
    assert ("GET", "/users/@me") in methods
    assert any(m == "PUT" and p.endswith("/commands") for m, p in methods), "commands synced at first start"
    callback = next(body for m, p, body in local_discord.calls if p.endswith("/callback"))
    assert callback["type"] == 4
    assert callback["data"]["embeds"][0]["title"] == "Decent work"
