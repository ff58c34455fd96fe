"""Fixtures: a migrated temporary database (SQLite, or PostgreSQL when TEST_DATABASE_URL is
set), the real App, and the real bot driven through the offline Discord gateway."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations
from sqlalchemy import text
from sqlalchemy.engine import make_url

import bot.catalogues
from bot.app import App
from bot.config import load_settings, normalise_database_url
from bot.content import Content, load_content
from db.engine import create_engine
from db.migrate import upgrade
from offline import OfflineDiscord, boot_offline

ROOT = Path(__file__).resolve().parent.parent
GUILD_ID = 900000000000000001
FACILITATOR_ROLE = 900000000000000101
HELPER_ROLE = 900000000000000102
ANNOUNCEMENTS = 900000000000000201
QA_FORUM = 900000000000000202
ARCHIVED = 900000000000000203

PG_URL = os.environ.get("TEST_DATABASE_URL")
_db_counter = itertools.count()


DRAFT_NOTE = "This reply is a draft translation, not yet reviewed by a native speaker."


def said(code: str, message: str, /, **values: Any) -> str:
    """What the bot says for ``message`` in the language ``code``, from the shipped catalogues."""
    from bot.catalogues import _, use_language

    with use_language(code):
        return _(message).format(**values) if values else _(message)


def draft_line(language: str) -> str:
    """The small-print draft note of a reply in ``language``."""
    return "-# " + said(language, DRAFT_NOTE)


def base_config() -> dict[str, Any]:
    return {
        "guild_id": GUILD_ID,
        "channels": {"announcements": ANNOUNCEMENTS, "qa_forum": QA_FORUM, "archived": [ARCHIVED]},
        "roles": {"facilitators": [FACILITATOR_ROLE], "helpers": [HELPER_ROLE]},
        "timezone": "Asia/Bangkok",
        "content_dir": str(ROOT / "content"),
    }


# ---------------------------------------------------------------- databases
@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run; each test gets a copy (fast, and every test starts clean)."""
    if PG_URL:
        url = make_url(normalise_database_url(PG_URL))
        name = f"sse_template_{os.getpid()}"

        async def make() -> None:
            admin = create_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            await admin.dispose()
            engine = create_engine(url.set(database=name).render_as_string(hide_password=False))
            await upgrade(engine)
            await engine.dispose()

        asyncio.run(make())
        yield name
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"

        async def make_sqlite() -> None:
            engine = create_engine(f"sqlite+aiosqlite:///{path}")
            await upgrade(engine)
            async with engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await engine.dispose()

        asyncio.run(make_sqlite())
        yield str(path)


@pytest.fixture
async def database_url(template_database: str, tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        url = make_url(normalise_database_url(PG_URL))
        name = f"sse_test_{os.getpid()}_{next(_db_counter)}"
        admin = create_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
    else:
        path = tmp_path / "sse.db"
        shutil.copy(template_database, path)
        yield f"sqlite+aiosqlite:///{path}"


# ---------------------------------------------------------------- catalogues
FakeCatalogue = Callable[[str, Mapping[Any, Any]], None]


@pytest.fixture
def fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> FakeCatalogue:
    """``fake_catalogue(language, {msgid: msgstr})``: for this test, ``language`` reads these
    translations (the shipped catalogues are still empty). A plural is ``{(singular, plural):
    (form0, form1, ...)}``, in the language's own number of forms (Russian: 3)."""
    fakes: dict[str, NullTranslations] = {}
    real = bot.catalogues.translations

    def install(language: str, messages: Mapping[Any, Any]) -> None:
        catalog = Catalog(locale=bot.catalogues.babel_locale(language), domain=bot.catalogues.DOMAIN)
        for msgid, msgstr in messages.items():
            catalog.add(msgid, msgstr)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        fakes[language] = Translations(fp=compiled, domain=bot.catalogues.DOMAIN)
        monkeypatch.setattr(bot.catalogues, "translations", lambda code: fakes.get(code) or real(code))

    return install


# ---------------------------------------------------------------- app and bot
@pytest.fixture
def config_data() -> dict[str, Any]:
    """Tests may change this before the app starts."""
    return base_config()


@pytest.fixture(params=["database", "tantivy"])
def config_on_both_search_engines(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A module that imports this as its ``config_data`` runs each of its tests twice: on the
    database's own index and on the dedicated engine (``archive.search_engine: tantivy``). Both must
    find the same messages."""
    return {**base_config(), "archive": {"search_engine": request.param}}


@pytest.fixture
def settings(tmp_path: Path, config_data: dict[str, Any], database_url: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_data), encoding="utf-8")
    return load_settings(path, env={"DATABASE_URL": database_url})


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    """The shipped content, loaded and validated once per run."""
    content, problems = load_content(ROOT / "content")
    assert not problems, problems
    return content


@pytest.fixture
async def app(settings, shipped_content: Content) -> AsyncIterator[App]:  # type: ignore[no-untyped-def]
    content = shipped_content if settings.content_dir == ROOT / "content" else None
    application = await App.create(settings, content=content)
    if settings.config.archive.search_engine == "tantivy":
        from db.search_index import SearchIndex

        await application.service(SearchIndex).wait_built()  # its first build, started by App.create
    yield application
    await application.close()


class ErrorLogCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def error_logs() -> Iterator[ErrorLogCatcher]:
    """discord.py logs handler exceptions instead of raising them: any ERROR fails the test."""
    catcher = ErrorLogCatcher()
    root = logging.getLogger()
    root.addHandler(catcher)
    yield catcher
    root.removeHandler(catcher)


@pytest.fixture
async def gw(app: App, error_logs: ErrorLogCatcher) -> AsyncIterator[OfflineDiscord]:
    """The real bot, booted against the offline Discord. Fails the test on any limit
    violation, any logged error, or any interaction left without a response."""
    _bot, gateway = await boot_offline(app)
    try:
        yield gateway
    finally:
        await gateway.close()
    assert not gateway.violations, f"payloads broke Discord limits: {gateway.violations}"
    errors = [f"{r.name}: {r.getMessage()}" for r in error_logs.records if not getattr(r, "expected", False)]
    assert not errors, f"errors were logged: {errors}"
    unanswered = [i.id for i in gateway.interactions if i.callback is None]
    assert not unanswered, f"interactions got no response: {unanswered}"


