"""One Alembic chain: every released state of a database upgrades to the single head, and the
schema it ends with is the one the models describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

import bot.capabilities  # noqa: F401  (every capability's tables join Base.metadata)
from db.engine import create_engine
from db.migrate import alembic_config, current_revisions, upgrade
from db.models import Base
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs on its own SQLite files")

# States a database could be in when the bot was released with either or both 0002 branches.
RELEASED_STATES: dict[str, list[str]] = {
    "empty": [],
    "foundation only": ["0001_foundation"],
    "Q&A and search": ["0002_qa_search"],
    "sessions": ["0002_sessions"],
    "both branches": ["0002_qa_search", "0002_sessions"],
}

# The full-text index is DDL the models cannot describe (an FTS5 virtual table and its shadow
# tables); everything else must match.
_FTS_TABLES = ("search_fts", "search_posts_fts")


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and name and name.startswith(_FTS_TABLES):
        return False
    return True


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _include, "target_metadata": Base.metadata},
    )
    return list(compare_metadata(context, Base.metadata))


def test_there_is_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migration chain has several heads: {heads}"


@pytest.mark.parametrize("state", list(RELEASED_STATES), ids=list(RELEASED_STATES))
async def test_every_released_state_upgrades_to_the_head_and_matches_the_models(state: str, tmp_path: Path) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        targets = RELEASED_STATES[state]
        if targets:
            def to_state(connection: Connection) -> None:
                cfg = alembic_config(connection)
                for target in targets:
                    command.upgrade(cfg, target)

            async with engine.begin() as conn:
                await conn.run_sync(to_state)
            assert await current_revisions(engine) == set(targets)

        await upgrade(engine)

        assert await current_revisions(engine) == {head}
        async with engine.connect() as conn:
            differences = await conn.run_sync(_schema_differences)
            fts = (await conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'search_fts'")).all()
        assert differences == []
        assert fts, "the full-text index was not created"
    finally:
        await engine.dispose()


def test_cli_db_upgrade_from_an_empty_database_reaches_the_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.__main__ import main

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {Path(__file__).resolve().parent.parent / 'content'}\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    assert capsys.readouterr().out.split(":", 1)[1].split(",") == [f" {head}\n"]


async def test_planned_reminders_survive_the_drop_of_the_pre_outbox_columns(tmp_path: Path) -> None:
    # A database from before 0006 keeps its pending channel reminders (they still go out); rows
    # of members' DMs, which nothing reads since the outbox, go with the target_id column.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0005_outbox")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO training_sessions (id, occurrence, title, description, start_utc, end_utc, "
                "original_start_utc, timezone, format, languages, countries, status, sequence, time_revision, "
                "created_by, created_at, updated_at) VALUES (1, 0, 'Co-op law', '', '2026-12-10 07:00:00', "
                "'2026-12-10 08:30:00', '2026-12-10 07:00:00', 'Asia/Bangkok', 'online', '[]', '[]', "
                "'scheduled', 0, 0, 5, '2026-12-01 00:00:00', '2026-12-01 00:00:00')")
            for kind, target in (("channel", 0), ("dm", 42)):
                await conn.exec_driver_sql(
                    "INSERT INTO session_reminders (session_id, offset_minutes, kind, target_id, revision, due_at) "
                    f"VALUES (1, 60, '{kind}', {target}, 0, '2026-12-10 06:00:00')")
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.exec_driver_sql(
                "SELECT session_id, offset_minutes, kind, sent_at FROM session_reminders")).all()
            columns = {r[1] for r in (await conn.exec_driver_sql("PRAGMA table_info(session_reminders)")).all()}
        assert rows == [(1, 60, "channel", None)]
        assert not columns & {"target_id", "claimed_at"}
    finally:
        await engine.dispose()


async def test_glossary_suggestions_go_down_to_0010_and_up_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")

    def tables(connection: Connection) -> set[str]:
        return {r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}

    try:
        await upgrade(engine, "0011_glossary_suggestions")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO glossary_suggestions (term_id, language, field, text, author_id, status, created_at) "
                "VALUES ('cooperative', 'th', 'name', 'สหกรณ์', 5, 'pending', '2026-12-03 00:00:00')")

        def down(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), "0010_member_locale")

        async with engine.begin() as conn:
            await conn.run_sync(down)
            assert "glossary_suggestions" not in await conn.run_sync(tables)
            assert "user_preferences" in await conn.run_sync(tables)
        assert await current_revisions(engine) == {"0010_member_locale"}
        await upgrade(engine)
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SELECT count(*) FROM glossary_suggestions")).scalar_one() == 0
            assert await conn.run_sync(_schema_differences) == []
    finally:
        await engine.dispose()


async def test_web_names_move_from_saved_queries_into_the_preferences(tmp_path: Path) -> None:
    # Before 0018 the name the web site shows was a saved_queries row of kind "web-name": it
    # becomes user_preferences.web_name, and the row goes (it is no saved search of the member's).
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0015_plans_consultations")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO user_preferences (user_id, dm_reminders, publish_web, updated_at) "
                "VALUES (7, 1, 1, '2026-12-01 00:00:00'), (8, 1, 0, '2026-12-01 00:00:00')")
            await conn.exec_driver_sql(
                "INSERT INTO saved_queries (kind, params, owner_id, created_at) VALUES "
                "('web-name', '{\"name\": \"Somchai K\"}', 7, '2026-12-01 00:00:00'), "
                "('search', '{\"query\": \"coop\"}', 8, '2026-12-01 00:00:00')")
        await upgrade(engine)
        async with engine.connect() as conn:
            names = (await conn.exec_driver_sql("SELECT user_id, web_name FROM user_preferences ORDER BY user_id")).all()
            kinds = (await conn.exec_driver_sql("SELECT kind, owner_id FROM saved_queries")).all()
        assert names == [(7, "Somchai K"), (8, None)]
        assert kinds == [("search", 8)]
    finally:
        await engine.dispose()


async def test_materials_added_before_0024_get_the_sessions_last_change(tmp_path: Path) -> None:
    # 0024 adds when each material was added; sessions that already had a link get their updated_at
    # (no earlier than the link), sessions without one stay empty.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0019_qa_solved_order")
        async with engine.begin() as conn:
            for sid, recording, slides in ((1, "'https://example.org/r'", "NULL"), (2, "NULL", "NULL")):
                await conn.exec_driver_sql(
                    "INSERT INTO training_sessions (id, occurrence, title, description, start_utc, end_utc, "
                    "original_start_utc, timezone, format, languages, countries, status, sequence, time_revision, "
                    "created_by, created_at, updated_at, recording_url, slides_url) VALUES "
                    f"({sid}, 0, 'Co-op law', '', '2026-11-10 07:00:00', '2026-11-10 08:30:00', "
                    "'2026-11-10 07:00:00', 'Asia/Bangkok', 'online', '[]', '[]', 'scheduled', 0, 0, 5, "
                    f"'2026-11-01 00:00:00', '2026-11-12 09:00:00', {recording}, {slides})")
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.exec_driver_sql(
                "SELECT id, recording_added_at, slides_added_at FROM training_sessions ORDER BY id")).all()
        assert rows == [(1, "2026-11-12 09:00:00", None), (2, None, None)]
    finally:
        await engine.dispose()
