"""The database layer on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from bot.app import App
from db.migrate import MIGRATIONS_DIR, current_revisions
from db.models import SavedQuery
from db.preferences import get_preferences, update_preferences


async def test_schema_is_at_the_latest_migration(app: App) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert MIGRATIONS_DIR.exists()
    assert await current_revisions(app.db.engine) == heads


async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app: App) -> None:
    if app.db.dialect != "sqlite":
        pytest.skip("SQLite pragmas")
    async with app.db.engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000


async def test_times_come_back_aware_and_in_utc(app: App) -> None:
    bangkok = timezone(timedelta(hours=7))
    written = datetime(2026, 12, 1, 9, 30, tzinfo=bangkok)
    async with app.db.begin() as session:
        session.add(SavedQuery(kind="t", params={"a": "ผ้าไหม"}, owner_id=2**62, created_at=written))
    async with app.db.begin() as session:
        row = (await session.execute(select(SavedQuery))).scalar_one()
    assert row.created_at == written
    assert row.created_at.tzinfo is not None and row.created_at.utcoffset() == timedelta(0)
    assert row.params == {"a": "ผ้าไหม"}
    assert row.owner_id == 2**62  # snowflakes need 64 bits


async def test_naive_datetimes_are_refused(app: App) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with app.db.begin() as session:
            session.add(SavedQuery(kind="t", params={}, owner_id=1, created_at=datetime(2026, 1, 1)))  # noqa: DTZ001


async def test_a_failed_unit_of_work_leaves_nothing_behind(app: App) -> None:
    with pytest.raises(RuntimeError):
        async with app.db.begin() as session:
            await update_preferences(session, 42, language="th")
            raise RuntimeError("boom")
    async with app.db.begin() as session:
        assert (await get_preferences(session, 42)).language is None
        await update_preferences(session, 42, language="th", timezone="Asia/Bangkok")
    async with app.db.begin() as session:
        prefs = await get_preferences(session, 42)
    assert (prefs.language, prefs.timezone, prefs.dm_reminders) == ("th", "Asia/Bangkok", True)


async def test_the_dialect_under_test(app: App) -> None:
    async with app.db.engine.connect() as conn:
        one = (await conn.execute(text("SELECT 1"))).scalar()
    assert one == 1
    assert app.db.dialect in ("sqlite", "postgresql")
    _ = UTC
