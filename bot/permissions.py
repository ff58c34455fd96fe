"""Who may do what. Rules live here so they hold whatever the entry point (Discord, CLI, console)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import NotAllowed


@dataclass(frozen=True)
class Actor:
    """The person acting, as plain values: a Discord user id and their role ids.

    ``system`` is the CLI/admin acting on the server's behalf (it may do everything)."""

    user_id: int
    role_ids: frozenset[int] = field(default_factory=frozenset)
    system: bool = False
    manages_server: bool = False  # Discord's Manage Server in this server (may change /setup)

    @classmethod
    def cli(cls) -> Actor:
        return cls(user_id=0, system=True)


class HasFacilitators(Protocol):
    @property
    def facilitators(self) -> Sequence[int]: ...


def is_facilitator(actor: Actor, settings: HasFacilitators) -> bool:
    """``settings`` is the server's effective settings (``GuildSettings.current``, bot/guild.py)."""
    return actor.system or bool(actor.role_ids & set(settings.facilitators))


def require_facilitator(actor: Actor, settings: HasFacilitators, action: str = "do that") -> None:
    if not is_facilitator(actor, settings):
        raise NotAllowed(f"Only facilitators can {action}.")
