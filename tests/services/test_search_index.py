"""The dedicated engine (``archive.search_engine: tantivy``) stays in step with the database: what
was written while the bot was away is found after a restart, a damaged index is built again, a
forget leaves no trace in its files, and every instance keeps its own folder."""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import App
from bot.config import load_settings
from bot.content import Content
from cogs.search import archive
from cogs.search import service as search
from cogs.search.service import SearchService
from db import search as db_search
from db.engine import Database
from db.search import snowflake_at
from db.search_index import IndexBusy, SearchIndex
from tests.conftest import PG_URL, base_config

CHANNEL = 900000000000000203
T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)


def rec(content: str) -> archive.MessageRecord:
    when = T0 + timedelta(minutes=next(_ids))
    return archive.MessageRecord(id=snowflake_at(when) + next(_ids), channel_id=CHANNEL, guild_id=1, author_id=11,
                                 content=content, created_at=when)


class Instance:
    """One bot process's app: its own config file, the shared database, a search index folder."""

    def __init__(self, tmp_path: Path, database_url: str, content: Content, name: str, index_dir: Path | None = None):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        config: dict[str, Any] = {**base_config(), "archive": {"search_engine": "tantivy"}}
        if index_dir is not None:
            config["archive"]["search_index_dir"] = str(index_dir)
        (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        self.settings = load_settings(folder / "config.yaml", env={"DATABASE_URL": database_url})
        self.content = content
        self.app: App | None = None

    async def start(self) -> App:
        self.app = await App.create(self.settings, content=self.content)
        await self.index.wait_built()
        return self.app

    @property
    def index(self) -> SearchIndex:
        assert self.app is not None
        return self.app.service(SearchIndex)

    async def find(self, query: str) -> list[int]:
        assert self.app is not None
        async with self.app.db.begin() as session:
            page = await self.app.service(SearchService).search(session, search.parse_params(query), page_size=50)
        return [h.message_id for h in page.hits]

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.close()
            self.app = None


@pytest.fixture
def instance(tmp_path: Path, database_url: str, shipped_content: Content):  # type: ignore[no-untyped-def]
    started: list[Instance] = []

    def make(name: str = "bot", index_dir: Path | None = None) -> Instance:
        started.append(Instance(tmp_path, database_url, shipped_content, name, index_dir))
        return started[-1]

    yield make
    # (each test stops its own; a failed one is stopped by App.close in the loop's teardown)


async def write(database_url: str, action: Any) -> None:
    """A write by a process with no index of its own (an import run elsewhere, a migration job)."""
    db = Database.from_url(database_url)
    try:
        async with db.begin() as session:
            await action(session)
    finally:
        await db.close()


async def test_what_was_written_while_the_bot_was_away_is_found_after_a_restart_without_a_rebuild(
    instance: Any, database_url: str,
) -> None:
    bot = instance()
    app = await bot.start()
    kept, edited, deleted = rec("seed bank cooperative in Battambang"), rec("seed bank minutes"), rec("seed bank spam")
    async with app.db.begin() as session:
        await archive.store_messages(session, [kept, edited, deleted])
    assert sorted(await bot.find("seed bank")) == sorted([kept.id, edited.id, deleted.id])
    assert bot.index.rebuilds == 1  # its first build, of an empty archive
    await bot.stop()

    later = rec("a seed bank for the women's group in Khovd")

    async def away(session: Any) -> None:
        await archive.store_messages(session, [later])
        await archive.edit_message(session, edited.id, "the rice mill's minutes", T0 + timedelta(days=2))
        await archive.delete_messages(session, [deleted.id])

    await write(database_url, away)

    app = await bot.start()
    assert bot.index.rebuilds == 0  # it applied the notes on start-up
    # the index itself has caught up: it answers without the database's own index ...
    async with app.db.begin() as session:
        found = await bot.index.candidates(session, db_search.query_terms("seed bank"), db_search.SearchFilters(),
                                           limit=50)
    assert found is not None and sorted(c.message_id for c in found) == sorted([kept.id, later.id])
    # ... and a member's search finds the new text, the edit's new words, and not the deleted message
    assert sorted(await bot.find("seed bank")) == sorted([kept.id, later.id])
    assert await bot.find("rice mill") == [edited.id]
    await bot.stop()


async def test_a_damaged_index_is_built_again_from_the_database(instance: Any) -> None:
    bot = instance()
    app = await bot.start()
    message = rec("microfinance for weavers in Luang Prabang")
    async with app.db.begin() as session:
        await archive.store_messages(session, [message])
    assert await bot.find("weavers") == [message.id]
    folder = bot.index.folder
    await bot.stop()

    current = folder / (folder / "CURRENT").read_text(encoding="utf-8").strip()
    for path in current.iterdir():  # every file of tantivy's index turned to garbage, the state kept
        if path.is_file() and path.name != "state.json":
            path.write_bytes(b"\x00garbage\xff" * 10)

    await bot.start()
    assert bot.index.rebuilds == 1
    assert await bot.find("weavers") == [message.id]
    await bot.stop()

    shutil.rmtree(folder)  # and a folder deleted by hand
    await bot.start()
    assert bot.index.rebuilds == 1
    assert await bot.find("weavers") == [message.id]
    await bot.stop()


PURGED = "qvx7forgetme"
DELETED = "zkb9deletedonly"
KEPT = "jwz4staysput"


def terms_on_disk(index: SearchIndex, token: str) -> int:
    """How many documents of every index folder on disk hold ``token`` in their term dictionary,
    deleted ones included (tantivy keeps a deleted document's terms until its segment is merged).
    Its files cannot be grepped as SQLite's can: the dictionary is a compressed FST, so each folder
    is opened afresh and asked."""
    import tantivy

    total = 0
    for folder in index.folder.iterdir():
        if folder.is_dir():
            total += tantivy.Index.open(str(folder)).searcher().doc_freq("body", token)
    return total


async def test_a_forgotten_message_leaves_no_trace_in_the_index_files(instance: Any) -> None:
    bot = instance()
    app = await bot.start()
    forgotten, deleted, kept = rec(f"my address is {PURGED} street"), rec(f"phone {DELETED}"), rec(f"note {KEPT}")
    async with app.db.begin() as session:
        await archive.store_messages(session, [forgotten, deleted, kept, *(rec(f"filler {i} seed") for i in range(300))])
    assert await bot.find(PURGED) == [forgotten.id]
    assert terms_on_disk(bot.index, PURGED) == 1

    # Control: an ordinary deletion hides the message at once, but its terms stay in the files.
    async with app.db.begin() as session:
        assert await archive.delete_messages(session, [deleted.id]) == 1
    assert await bot.find(DELETED) == []
    assert terms_on_disk(bot.index, DELETED) == 1

    async with app.db.begin() as session:
        assert await archive.delete_messages(session, [forgotten.id], purge=True) == 1
    assert await bot.find(PURGED) == []  # at once: the database confirms every match
    await bot.index.wait_built()  # the forget's note asked for a new build, in a new folder
    assert bot.index.rebuilds == 2
    assert terms_on_disk(bot.index, PURGED) == 0
    assert terms_on_disk(bot.index, DELETED) == 0  # the build dropped earlier deletions too
    assert terms_on_disk(bot.index, KEPT) == 1  # what was not forgotten is still there
    assert [p.name for p in bot.index.folder.iterdir() if p.is_dir()] == ["index-2"]
    assert await bot.find(KEPT) == [kept.id]
    await bot.stop()


async def test_each_instance_keeps_its_own_index_and_sees_the_others_writes(instance: Any, tmp_path: Path) -> None:
    first, second = instance("first"), instance("second")
    app1, app2 = await first.start(), await second.start()
    assert first.index.folder != second.index.folder
    message = rec("credit union audit in Bishkek")
    async with app1.db.begin() as session:
        await archive.store_messages(session, [message])
    assert await second.find("audit") == [message.id]
    async with app2.db.begin() as session:
        await archive.delete_messages(session, [message.id])
    assert await first.find("audit") == []
    assert await first.find("credit union") == []
    await first.stop()
    await second.stop()


async def test_a_second_process_on_the_same_folder_reads_and_leaves_the_writing_to_the_owner(
    instance: Any, tmp_path: Path,
) -> None:
    shared = tmp_path / "shared-index"
    owner, reader = instance("owner", shared), instance("reader", shared)
    app = await owner.start()
    await reader.start()
    assert reader.index.read_only and not owner.index.read_only
    message = rec("fair trade coffee from Bolaven")
    async with app.db.begin() as session:
        await archive.store_messages(session, [message])
    await owner.index.catch_up()
    assert await reader.find("coffee") == [message.id]
    with pytest.raises(IndexBusy):
        await reader.index.rebuild()
    await reader.stop()
    await owner.stop()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL transactions commit out of order; SQLite has one writer")
async def test_a_write_that_commits_after_a_later_one_is_not_missed(instance: Any) -> None:
    bot = instance()
    app = await bot.start()
    early, late = rec("cooperative bakery early"), rec("cooperative bakery late")
    async with app.db.begin() as slow:
        await archive.store_messages(slow, [early])  # this transaction's id is the smaller
        async with app.db.begin() as quick:
            await archive.store_messages(quick, [late])
        assert await bot.find("bakery") == [late.id]  # the quick one is in; the slow one not yet
    assert sorted(await bot.find("bakery")) == sorted([early.id, late.id])
    await bot.index.catch_up()
    async with app.db.begin() as session:
        found = await bot.index.candidates(session, db_search.query_terms("bakery"), db_search.SearchFilters(),
                                           limit=10)
    assert found is not None and sorted(c.message_id for c in found) == sorted([early.id, late.id])
    await bot.stop()


async def test_a_search_after_a_write_in_the_same_transaction_finds_it(instance: Any, database_url: str) -> None:
    # one catch-up per transaction (db.search.CAUGHT_UP): a write after it in the same transaction,
    # or another process's write before the next one, must still be found
    bot = instance()
    app = await bot.start()
    first, second, elsewhere = rec("rice bank in Svay Rieng"), rec("rice bank ledger"), rec("rice bank in Kampot")
    svc = app.service(SearchService)
    async with app.db.begin() as session:
        await archive.store_messages(session, [first])
        page = await svc.search(session, search.parse_params("rice bank"), page_size=50)
        assert [h.message_id for h in page.hits] == [first.id]
        await archive.store_messages(session, [second])
        page = await svc.search(session, search.parse_params("rice bank"), page_size=50)
        assert sorted(h.message_id for h in page.hits) == sorted([first.id, second.id])
    await write(database_url, lambda session: archive.store_messages(session, [elsewhere]))
    assert sorted(await bot.find("rice bank")) == sorted([first.id, second.id, elsewhere.id])
    async with app.db.begin() as session:  # and the index itself answered, not the database's own
        found = await bot.index.candidates(session, db_search.query_terms("rice bank"), db_search.SearchFilters(),
                                           limit=10)
    assert found is not None and len(found) == 3
    await bot.stop()


async def test_a_message_written_while_the_index_is_built_again_is_found_during_and_after(instance: Any) -> None:
    bot = instance()
    app = await bot.start()
    old, gone = rec("savings group in Takeo"), rec("savings group to forget")
    async with app.db.begin() as session:
        await archive.store_messages(session, [old, gone])
    async with app.db.begin() as session:
        await archive.delete_messages(session, [gone.id], purge=True)
    await bot.index.catch_up()  # the forget's note: built again, in the background
    assert bot.index.building
    during = rec("savings group minutes, written during the build")
    async with app.db.begin() as session:
        await archive.store_messages(session, [during])
    assert sorted(await bot.find("savings group")) == sorted([old.id, during.id])  # the database answers
    await bot.index.wait_built()
    assert not bot.index.building and bot.index.rebuilds == 2
    async with app.db.begin() as session:  # and now the index itself, with what came in meanwhile
        found = await bot.index.candidates(session, db_search.query_terms("savings group"), db_search.SearchFilters(),
                                           limit=10)
    assert found is not None and sorted(c.message_id for c in found) == sorted([old.id, during.id])
    await bot.stop()


async def test_the_newest_matches_come_window_by_window_exactly_as_from_the_whole_index(
    instance: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # at 1M messages the index is searched in windows, newest first (db/search_index.py WINDOW_SHARES);
    # here the windows start at any size, so 300 messages make four of them
    monkeypatch.setattr("db.search_index.WINDOWS_FROM", 0)
    bot = instance()
    app = await bot.start()
    records = []
    for n in range(300):
        words = ["loan"]
        if n % 7 == 0:
            words.append("weavers")
        if n in (3, 250):  # one in the oldest window, one in the newest ones
            words.append("tamarind")
        records.append(rec(" ".join(words) + f" note {n}"))
    async with app.db.begin() as session:
        await archive.store_messages(session, records)
    await bot.index.catch_up()
    assert len(bot.index._store.windows) == 4  # type: ignore[union-attr]
    after, before = records[100].created_at, records[280].created_at
    # when the database turns some down (deleted since the index saw them), the next ones come from
    # where the last round stopped, inside the same window
    gone = {r.id for n, r in enumerate(records) if n % 5 == 0}
    confirm = db_search.confirm

    async def confirm_without_gone(session: Any, ids: list[int], *args: Any, **kwargs: Any) -> list[Any]:
        return [c for c in await confirm(session, ids, *args, **kwargs) if c.message_id not in gone]

    everything = db_search.SearchFilters()
    cases = [("loan", everything, 10, set()), ("loan", everything, 250, set()), ("weavers", everything, 30, set()),
             ("tamarind", everything, 5, set()), ("weavers", db_search.SearchFilters(after=after, before=before), 50, set()),
             ("loan", db_search.SearchFilters(after=after), 500, set()),
             ("loan", everything, 10, gone), ("loan", everything, 100, gone), ("weavers", everything, 30, gone)]
    for word, filters, limit, turned_down in cases:
        monkeypatch.setattr(db_search, "confirm", confirm_without_gone if turned_down else confirm)
        expected = [r.id for r in sorted(records, key=lambda r: -r.id)
                    if word in r.content.split() and r.id not in turned_down
                    and (filters.after is None or r.created_at >= filters.after)
                    and (filters.before is None or r.created_at < filters.before)][:limit]
        async with app.db.begin() as session:
            found = await bot.index.candidates(session, db_search.query_terms(word), filters, limit=limit)
        assert found is not None and [c.message_id for c in found] == expected, (word, filters, limit, len(turned_down))
    await bot.stop()
