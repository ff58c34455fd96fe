"""Helpers to drive many interactions through the offline gateway without waiting for each."""

from __future__ import annotations

from typing import Any

from offline import InteractionResult, OfflineDiscord


def click_nowait(gw: OfflineDiscord, message_id: int, custom_id: str, user: int) -> InteractionResult:
    """Like ``gw.click`` but returns as soon as the gateway event is dispatched (many clicks in flight)."""
    message = gw.messages[message_id]
    payload: dict[str, Any] = gw._interaction_base(3, user, int(message["channel_id"]), "en-US")
    payload["message"] = message
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    result = InteractionResult(gw, int(payload["id"]), payload["token"], payload["type"])
    gw.interactions.append(result)
    gw.interaction_payloads[result.id] = payload
    gw.dispatch("INTERACTION_CREATE", payload)
    return result


def button(message: dict[str, Any], label_start: str) -> str:
    for row in message["components"]:
        for c in row["components"]:
            if (c.get("label") or "").startswith(label_start):
                return str(c["custom_id"])
    raise KeyError(label_start)
