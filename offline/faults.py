"""Faults the offline Discord can inject, to test what the bot does when Discord misbehaves.

A fault matches calls by route key ("POST /channels/{channel_id}/messages") and, optionally, a
path fragment (a channel id); it raises what discord.py's HTTPClient would raise: an
``HTTPException`` subclass for an HTTP status (403, 404, 500...) or a network error such as
``aiohttp.ServerDisconnectedError``. Calls are recorded before the fault fires, so a test counts
the requests the bot made."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from offline.records import Call

# Discord's JSON error bodies for the statuses tests use (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
ERROR_BODIES = {
    400: {"code": 50035, "message": "Invalid Form Body"},
    403: {"code": 50013, "message": "Missing Permissions"},
    404: {"code": 10003, "message": "Unknown Channel"},
    429: {"code": 0, "message": "You are being rate limited.", "retry_after": 1.0},
    500: {"code": 0, "message": "500: Internal Server Error"},
    502: {"code": 0, "message": "502: Bad Gateway"},
}


class _Response:
    def __init__(self, status: int):
        self.status = status
        self.reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}.get(status, "Server Error")


def http_error(status: int, body: dict[str, object] | None = None) -> discord.HTTPException:
    data = body or ERROR_BODIES.get(status, {"code": 0, "message": f"HTTP {status}"})
    response = _Response(status)
    if status == 403:
        return discord.Forbidden(response, data)  # type: ignore[arg-type]
    if status == 404:
        return discord.NotFound(response, data)  # type: ignore[arg-type]
    if status >= 500:
        return discord.DiscordServerError(response, data)  # type: ignore[arg-type]
    return discord.HTTPException(response, data)  # type: ignore[arg-type]


@dataclass
class Fault:
    route: str  # Call.key, e.g. "POST /channels/{channel_id}/messages"
    path_contains: str | None
    error: BaseException | int  # an exception to raise, or an HTTP status
    times: int | None  # None: every matching call
    raised: int = 0

    def matches(self, call: Call) -> bool:
        return call.key == self.route and (self.path_contains is None or self.path_contains in call.path)


class Faults:
    def __init__(self) -> None:
        self.active: list[Fault] = []

    def add(self, route: str, error: BaseException | int, *, path_contains: str | int | None = None,
            times: int | None = None) -> Fault:
        fault = Fault(route, None if path_contains is None else str(path_contains), error, times)
        self.active.append(fault)
        return fault

    def clear(self) -> None:
        self.active.clear()

    def check(self, call: Call) -> None:
        for fault in self.active:
            if fault.matches(call) and (fault.times is None or fault.raised < fault.times):
                fault.raised += 1
                error = fault.error
                raise http_error(error) if isinstance(error, int) else error
