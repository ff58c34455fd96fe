"""The toy capability's record: a command, a table-free privacy hook and a digest section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import Capability, PrivacyHook, PrivacyLine, ServiceContext
from bot.digest import DigestContext, DigestItem, DigestSection


class ToyService:
    """Remembers which members said hello (in memory: the toy has no table)."""

    def __init__(self) -> None:
        self.greeted: dict[int, int] = {}

    def hello(self, user_id: int) -> int:
        self.greeted[user_id] = self.greeted.get(user_id, 0) + 1
        return self.greeted[user_id]


async def _show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    return [PrivacyLine("toy greetings", TOY_STATE.greeted.get(user_id, 0))]


async def _export(session: AsyncSession, user_id: int) -> Mapping[str, Any]:
    return {"toy_greetings": TOY_STATE.greeted.get(user_id, 0)}


async def _forget(session: AsyncSession, user_id: int) -> int:
    return 1 if TOY_STATE.greeted.pop(user_id, None) else 0


async def _digest(ctx: DigestContext) -> DigestSection:
    service: ToyService = ctx.get(ToyService)
    return DigestSection("Toy greetings", (DigestItem(f"{sum(service.greeted.values())} hello(s) this week"),))


TOY_STATE = ToyService()  # replaced by the App's instance when the service is built


def _services_shared(ctx: ServiceContext) -> list[object]:
    return [TOY_STATE]


CAPABILITY = Capability(
    name="toy",
    extension="tests.toy.cog",
    services=_services_shared,
    digest=[_digest],
    privacy=PrivacyHook(columns=[], show=_show, export=_export, forget=_forget),
)
