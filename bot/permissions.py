"""Who may do what. Rules live here so they hold whatever the entry point (Discord, CLI, console)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Config
from bot.errors import NotAllowed


@dataclass(frozen=True)
class Actor:
    """The person acting, as plain values: a Discord user id and their role ids.

    ``system`` is the CLI/admin acting on the server's behalf (it may do everything)."""

    user_id: int
    role_ids: frozenset[int] = field(default_factory=frozenset)
    system: bool = False

    @classmethod
    def cli(cls) -> Actor:
        return cls(user_id=0, system=True)


def is_facilitator(actor: Actor, config: Config) -> bool:
    return actor.system or bool(actor.role_ids & set(config.roles.facilitators))


def require_facilitator(actor: Actor, config: Config, action: str = "do that") -> None:
    if not is_facilitator(actor, config):
        raise NotAllowed(f"Only facilitators can {action}.")
