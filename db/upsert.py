"""INSERT ... ON CONFLICT for SQLite and PostgreSQL (both speak it; SQLAlchemy has one construct each).

Preferred over a SAVEPOINT and catching IntegrityError: pysqlite's legacy transaction handling
commits a released SAVEPOINT on its own, so a later rollback would not undo the row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def insert_for(session: AsyncSession, model: Any) -> Any:
    bind = session.bind
    name = bind.dialect.name if bind is not None else "sqlite"
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)


def insert_ignore(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]] | dict[str, Any],
                  keys: Iterable[str]) -> Insert:
    stmt = insert_for(session, model).values(rows)
    return stmt.on_conflict_do_nothing(index_elements=list(keys))  # type: ignore[no-any-return]


def upsert(session: AsyncSession, model: Any, values: dict[str, Any], keys: Iterable[str],
           update: Iterable[str]) -> Insert:
    stmt = insert_for(session, model).values(values)
    return stmt.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=list(keys), set_={name: stmt.excluded[name] for name in update})
