"""Alembic environment: runs on the connection handed over by db.migrate (async engines)."""

from __future__ import annotations

import asyncio
import os

from alembic import context

import bot.capabilities  # noqa: F401  (every capability's tables join Base.metadata)
from db.models import Base

target_metadata = Base.metadata
config = context.config


def run_on(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    # Invoked by the alembic CLI (e.g. `alembic revision --autogenerate`): build an engine.
    from bot.config import DEFAULT_DATABASE_URL, normalise_database_url
    from db.engine import create_engine

    async def _main() -> None:
        engine = create_engine(normalise_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL))
        async with engine.begin() as conn:
            await conn.run_sync(run_on)
        await engine.dispose()

    asyncio.run(_main())
