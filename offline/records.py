"""What the offline Discord records: each REST call the bot made, and per interaction a view
over those calls (the reply, its edits and follow-ups) that tests read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from offline.render import render_text

if TYPE_CHECKING:
    from offline.gateway import OfflineDiscord

EPHEMERAL_FLAG = 1 << 6
ADMINISTRATOR_PERMISSIONS = str((1 << 41) - 1)
MEMBER_PERMISSIONS = str(discord.Permissions.general().value | discord.Permissions.text().value)
# The bot's own role: what its invite asks for and more (a member's permissions plus Manage Events).
BOT_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | discord.Permissions(manage_events=True).value)


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
        return self.gateway.calls_of(self.token, self.id)

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
