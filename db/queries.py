"""Saved queries: the parameters behind a paginated reply, kept in the database so that
page buttons keep working after a restart and only their owner can turn the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed, NotFound
from db.models import SavedQuery


@dataclass(frozen=True)
class StoredQuery:
    id: int
    kind: str
    params: dict[str, Any]
    owner_id: int
    locale: str | None


async def save_query(
    session: AsyncSession, kind: str, params: dict[str, Any], owner_id: int, locale: str | None = None
) -> int:
    row = SavedQuery(kind=kind, params=params, owner_id=owner_id, locale=locale)
    session.add(row)
    await session.flush()
    return row.id


async def load_query(session: AsyncSession, query_id: int, user_id: int) -> StoredQuery:
    row = await session.get(SavedQuery, query_id)
    if row is None:
        raise NotFound("These results have expired. Please run the command again.")
    if row.owner_id != user_id:
        raise NotAllowed("Only the person who ran this search can turn its pages. Run the command yourself to browse.")
    return StoredQuery(row.id, row.kind, dict(row.params), row.owner_id, row.locale)
