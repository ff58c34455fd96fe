"""The dedicated search engine (``archive.search_engine: tantivy``): a tantivy index in a folder of
its own, kept in step with the database, which stays the source of truth.

Every write to the searchable archive also notes the message's id in ``search_changes`` (in the
same transaction: :func:`db.search.record_changes`). This index applies those notes: it reads the
message as the database has it now and adds it again, or drops it when it is gone. So a restart, a
crash or a second instance loses nothing: an index that is behind catches up; one that is missing,
damaged or written by another version is built again from the messages table.

Which notes are new: on SQLite each write's note gets the next number (one writer at a time, so
numbers are committed in order) and the index remembers the last one applied. On PostgreSQL
transactions commit out of order, so a note carries its transaction's id, and the index re-reads
every note from transactions that were still running when it last looked
(``pg_snapshot_xmin``): only those can still appear.

A search asks tantivy for the newest matches, then the database for those rows with every filter
checked in SQL (:func:`db.search.filter_sql`): a message deleted a moment ago, or a consent just
withdrawn, never reaches a reply, whatever the index holds. A forget (:func:`db.search.purge`)
notes a rebuild: deleted documents stay in tantivy's segment files until they are merged, and a
rebuild into a new folder is the only way to be sure the bytes are gone.

Nothing here imports discord; tantivy's calls block, so writing runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import search
from db.engine import Database
from db.search import Alternatives, Candidate, Part, SearchFilters, Term

log = logging.getLogger(__name__)

# Bumped when the documents' fields or tokens change: an index of another format is rebuilt.
FORMAT = 1
STATE_FILE = "state.json"
CURRENT_FILE = "CURRENT"
# More notes than this waiting: building the index again is faster than applying them one by one.
REBUILD_ABOVE = 100_000
REBUILD_BATCH = 5_000
WRITER_HEAP = 64_000_000
# The database confirms tantivy's matches (filters, deletions); when it turns down some, the next
# matches are asked for, at most this many times.
CONFIRM_ROUNDS = 4
# Newest first, in windows: tantivy ranks by a field only after finding every match, so a search
# for the newest 500 of a common word, or of the glossary's names in ten languages, evaluated the
# whole index (30-40 ms at 1M messages). It looks in the newest 2 % of the messages first, then the
# next 8 %, 30 %, and the rest, and stops when it has enough: a range on the id lets tantivy skip
# to the window's first document (documents are added in id order, so a window is a run of them).
WINDOW_SHARES = (0.02, 0.1, 0.4)
WINDOWS_FROM = 50_000  # a smaller index is searched whole
# ... and so is a search its filters' marks restrict to fewer messages than this (a country, a topic,
# solved posts, the solved supplement): sorting all of them is one call, where the windows were four
# (1M messages: filtered p50 14.9 -> 11.6 ms; Q&A kinds alone, 2 % of the messages, stay in windows).
WHOLE_BELOW = 10_000
MAX_ID = 2**63 - 1

_ROWS = search.IdsQuery(
    "SELECT m.id, m.content, m.kind, m.author_id, q.thread_id IS NOT NULL, q.solved_at IS NOT NULL, "
    "q.country, q.topic FROM archive_messages m LEFT JOIN qa_questions q ON q.thread_id = m.thread_id "
    "WHERE m.id IN {ids}"
)
_ALL_ROWS = text(
    "SELECT m.id, m.content, m.kind, m.author_id, q.thread_id IS NOT NULL, q.solved_at IS NOT NULL, "
    "q.country, q.topic FROM archive_messages m LEFT JOIN qa_questions q ON q.thread_id = m.thread_id "
    "WHERE m.id > :last ORDER BY m.id LIMIT :n"
)


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError:  # pragma: no cover - it is in the lock; a hand-made environment may lack it
        raise RuntimeError("archive.search_engine is tantivy, but the tantivy package is not installed") from None
    return tantivy


def _schema() -> Any:
    tantivy = _tantivy()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_integer_field("author", indexed=True)
    # the tokens as SQLite's FTS5 gets them (db.search.index_tokens), in order, with positions:
    # a phrase is the same phrase in both engines
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("marks", stored=False, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _document(tantivy: Any, row: Sequence[Any]) -> Any:
    mid, content, kind, author, in_post, solved, country, topic = row
    marks = search.message_marks(kind, in_post=bool(in_post), solved=bool(solved), country=country, topic=topic)
    return tantivy.Document(id=mid, author=author, body=" ".join(search.index_tokens(content)), marks=list(marks))


class IndexBusy(Exception):
    """Another process holds the index's writer (it keeps the index up to date itself)."""


class _Store:
    """One built index in its folder: searcher and (when this process owns it) writer."""

    def __init__(self, path: Path, *, create: bool, write: bool):
        tantivy = _tantivy()
        self.path = path
        self.schema = _schema()
        if create:
            path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path), reuse=not create)
        self.writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1) if write else None
        # (lowest id, highest id) of each window, newest first (see WINDOW_SHARES), and the number of
        # documents they were measured on
        self.windows: list[tuple[int, int]] = [(-MAX_ID, MAX_ID)]
        self._windows_of = 0
        self.measure_windows()

    def searcher(self) -> Any:
        return self.index.searcher()

    def measure_windows(self) -> None:
        """Where the windows start, as ids: measured again when the index has grown or shrunk by a
        tenth (new messages fall in the newest window meanwhile, which only widens it). Blocking:
        ~0.3 s at 1M documents, so it runs with the writes, in their worker thread."""
        tantivy = _tantivy()
        searcher = self.index.searcher()
        docs = searcher.num_docs
        if abs(docs - self._windows_of) * 10 < max(self._windows_of, 1):
            return
        self._windows_of = docs
        if docs < WINDOWS_FROM:
            self.windows = [(-MAX_ID, MAX_ID)]
            return
        everything = tantivy.Query.all_query()
        starts = []
        for share in WINDOW_SHARES:
            hits = searcher.search(everything, 1, count=False, order_by_field="id", offset=int(docs * share)).hits
            if hits:
                starts.append(int(hits[0][0]))
        bounds = [MAX_ID, *starts, -MAX_ID]
        self.windows = [(lo, hi) for hi, lo in itertools.pairwise(bounds) if lo < hi]

    def close(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.wait_merging_threads()
            self.writer = None


class SearchIndex:
    """The tantivy index of one process (give each instance its own folder)."""

    def __init__(self, folder: Path, db: Database):
        self.folder = folder
        self.db = db  # its own sessions, for building in the background
        self._store: _Store | None = None
        self._state: dict[str, Any] = {}
        self._lock = asyncio.Lock()  # one catch-up or build at a time
        self._thread_lock = threading.Lock()
        self._building: asyncio.Task[int] | None = None
        # PostgreSQL: the notes read again because their transactions were still running (see the
        # module's docstring), with the version applied, so each is applied once, not at every look
        self._applied: dict[int, int] = {}
        self.rebuilds = 0  # how many times it was built from the messages table (tests, logs)
        self.read_only = False  # another process holds the writer and applies the notes

    # ---------------------------------------------------------------- state on disk
    def _current(self) -> Path | None:
        try:
            name = (self.folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.folder / name
        return path if name and (path / STATE_FILE).exists() else None

    def _open(self) -> bool:
        """Open the folder's current index; False when there is none this code can use. When another
        process holds its writer (the bot, while the CLI or a second web worker searches), it is
        opened to read only: that process keeps it up to date."""
        path = self._current()
        if path is None:
            return False
        try:
            state = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
            if state.get("format") != FORMAT:
                return False
            try:
                self._store = _Store(path, create=False, write=True)
            except ValueError as exc:
                if "lock" not in str(exc).lower():
                    raise
                self._store = _Store(path, create=False, write=False)
                self.read_only = True
        except Exception as exc:  # a damaged or foreign folder: built again, never trusted
            log.warning("search index at %s cannot be used (%s): building it again", path, exc)
            return False
        self._state = state
        return True

    @staticmethod
    def _save_state(path: Path, state: dict[str, Any]) -> None:
        tmp = path / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, path / STATE_FILE)

    # ---------------------------------------------------------------- keeping up
    async def catch_up(self, session: AsyncSession | None = None) -> bool:
        """Apply every note the database has that this index has not; True when the index is up to
        date and answers. False while it is being built (none yet, damaged, too far behind, or a
        forget to honour: :meth:`wait_built`): the database's own index, always written too, answers
        meanwhile, so no search misses a message written during a build. ``session``: the caller's
        (a search reads the notes in its own transaction); None: one of its own (the bot's job)."""
        if self.building:
            return False
        async with self._lock:  # one catch-up at a time; a search waits for the one under way
            if self.building:
                return False
            if self._store is None and not await asyncio.to_thread(self._open):
                self._build_in_background()
                return False
            assert self._store is not None
            if self.read_only:
                return await asyncio.to_thread(self._follow_owner)
            if session is None:
                async with self.db.begin() as own:
                    return await self._apply_notes(own)
            return await self._apply_notes(session)

    @property
    def building(self) -> bool:
        return self._building is not None and not self._building.done()

    def _follow_owner(self) -> bool:
        """A read-only index: what the owning process committed, in the folder it now uses."""
        assert self._store is not None
        if self._current() != self._store.path:  # the owner built it again in a new folder
            self._store = None
            self.read_only = False
            return self._open()
        self._store.index.reload()
        self._store.measure_windows()
        return True

    async def _apply_notes(self, session: AsyncSession) -> bool:
        read, mark = await search.read_changes(session, self._state["seen"])
        changes = {mid: v for mid, v in read.items() if self._applied.get(mid) != v}
        self._applied = {mid: v for mid, v in read.items() if v >= mark}  # read again next time
        purge = changes.pop(search.PURGE_NOTE, None)
        if len(changes) > REBUILD_ABOVE or (purge is not None and purge != self._state.get("purged")):
            self._build_in_background()
            return False
        if changes:
            rows = await _ROWS.rows(session, sorted(changes))
            await asyncio.to_thread(self._apply, sorted(changes), rows, mark)
        elif mark != self._state["seen"]:
            self._state["seen"] = mark
            assert self._store is not None
            await asyncio.to_thread(self._save_state, self._store.path, self._state)
        return True

    def _apply(self, ids: list[int], rows: list[Any], mark: int) -> None:
        tantivy = _tantivy()
        store = self._store
        assert store is not None and store.writer is not None
        with self._thread_lock:
            for mid in ids:
                store.writer.delete_documents_by_term("id", mid)
            for row in rows:
                store.writer.add_document(_document(tantivy, row))
            store.writer.commit()
            store.index.reload()
            store.measure_windows()
            self._state["seen"] = mark
            self._save_state(store.path, self._state)

    def _build_in_background(self) -> None:
        if not self.building:
            self._building = asyncio.create_task(self._rebuild_locked(), name="search-index-build")

    async def wait_built(self) -> None:
        """Until the build started in the background (if any) is done; its error, if it failed."""
        if self._building is not None:
            await asyncio.shield(self._building)

    async def rebuild(self) -> int:
        """Build the index again from the messages table, in a new folder, and switch to it
        (``python -m bot search-index rebuild``); returns how many messages it holds. Raises
        IndexBusy when another process (a running bot) holds the index."""
        if self.building:  # one started in the background: this call's build would repeat it
            assert self._building is not None
            await asyncio.shield(self._building)
        self._building = asyncio.current_task()  # searches ask the database meanwhile
        try:
            return await self._rebuild_locked()
        finally:
            self._building = None

    async def _rebuild_locked(self) -> int:
        async with self._lock:
            if self._store is None:
                await asyncio.to_thread(self._open)
            if self.read_only:
                raise IndexBusy(self.folder)
            try:
                return await self._rebuild()
            except Exception:
                log.exception("building the search index in %s failed; the database's own index answers", self.folder)
                raise

    async def _rebuild(self) -> int:
        async with self.db.begin() as session:
            # where the notes stand before the first row is read: a write during the build is applied after it
            _, mark = await search.read_changes(session, None)
            purged = await search.purge_note(session)
        generation = int(self._state.get("generation", 0)) + 1
        path = self.folder / f"index-{generation}"
        await asyncio.to_thread(shutil.rmtree, path, True)
        store = await asyncio.to_thread(_Store, path, create=True, write=True)
        tantivy = _tantivy()
        done, last = 0, -(2**63)
        while True:
            async with self.db.begin() as session:
                rows = list(await session.execute(_ALL_ROWS, {"last": last, "n": REBUILD_BATCH}))
            if not rows:
                break
            await asyncio.to_thread(self._add_all, store, tantivy, rows)
            done += len(rows)
            last = rows[-1][0]
        state = {"format": FORMAT, "seen": mark, "purged": purged, "generation": generation}

        def finish() -> None:
            assert store.writer is not None
            store.writer.commit()
            store.writer.wait_merging_threads()
            store.writer = store.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            store.index.reload()
            store.measure_windows()
            self._save_state(path, state)
            tmp = self.folder / (CURRENT_FILE + ".tmp")
            tmp.write_text(path.name, encoding="utf-8")
            os.replace(tmp, self.folder / CURRENT_FILE)
            with self._thread_lock:
                old, self._store = self._store, store
            if old is not None:
                old.close()
            # every other folder goes: a forgotten message's tokens must not stay in an old one
            for other in self.folder.iterdir():
                if other.is_dir() and other != path:
                    shutil.rmtree(other, ignore_errors=True)

        await asyncio.to_thread(finish)
        self._state = state
        self._applied = {}
        self.read_only = False
        self.rebuilds += 1
        log.info("search index built: %d messages in %s", done, path)
        async with self.db.begin() as session:  # what was written while it was being built
            await self._apply_notes(session)
        return done

    @staticmethod
    def _add_all(store: _Store, tantivy: Any, rows: list[Any]) -> None:
        assert store.writer is not None
        for row in rows:
            store.writer.add_document(_document(tantivy, row))

    async def close(self) -> None:
        """Stop a build under way and let tantivy's merging threads finish (App.close)."""
        if self._building is not None and not self._building.done():
            self._building.cancel()
            with contextlib.suppress(BaseException):
                await self._building
        store, self._store = self._store, None
        if store is not None:
            await asyncio.to_thread(store.close)

    def files(self) -> list[Path]:
        """Every file of the index (the privacy tests read them)."""
        return [p for p in self.folder.rglob("*") if p.is_file()]

    # ---------------------------------------------------------------- searching
    async def candidates(
        self, session: AsyncSession, terms: Sequence[Part], filters: SearchFilters, *, limit: int,
        any_term: bool = False, solved_only: bool = False, exclude: Sequence[Term] = (),
    ) -> list[Candidate] | None:
        """What :func:`db.search.candidates` returns, from tantivy: the newest ``limit`` matches,
        each confirmed by the database. None while the index is being built for the first time (the
        caller asks the database's own index, which is always written too). While it is being built
        again, or applying a large batch, the index as it stood answers."""
        transaction = session.sync_session.get_transaction()
        if transaction is None or session.info.get(search.CAUGHT_UP) is not transaction:
            if not await self.catch_up(session):
                return None
            session.info[search.CAUGHT_UP] = session.sync_session.get_transaction()
        store = self._store
        if store is None:  # closed since this session caught up, or the owner's new folder would not open
            return None
        searcher = store.searcher()
        lowest, highest = _id_range(filters)
        windows = [(lo, hi) for lo, hi in store.windows if hi > lowest and lo < highest]  # (the dates may leave some out)
        if _marked_at_most(searcher, filters, solved_only=solved_only) < WHOLE_BELOW:
            windows = [(-MAX_ID, MAX_ID)]
        queries: dict[int, Any] = {}  # built when its window is reached
        window, offset = 0, 0

        def newest(want: int) -> list[int]:
            """The next ``want`` matches, newest first, from the window under way and the older ones."""
            nonlocal window, offset
            ids: list[int] = []
            while window < len(windows) and len(ids) < want:
                asked = want - len(ids)
                if window not in queries:
                    queries[window] = self._query(store, terms, filters, any_term=any_term, solved_only=solved_only,
                                                  exclude=exclude, ids=windows[window])
                hits = searcher.search(queries[window], asked, count=False, order_by_field="id", offset=offset).hits
                ids += [int(key) for key, _address in hits]
                if len(hits) < asked:  # this window has no more
                    window, offset = window + 1, 0
                else:
                    offset += len(hits)
            return ids

        found: list[Candidate] = []
        for _ in range(CONFIRM_ROUNDS):  # again only when the database turned some down
            ids = newest(limit - len(found))
            if not ids:
                break
            found += await search.confirm(session, ids, filters, solved_only=solved_only, expanded=bool(exclude))
            if len(found) >= limit:
                break
        return found[:limit]

    @staticmethod
    def _query(store: _Store, terms: Sequence[Part], filters: SearchFilters, *, any_term: bool,
               solved_only: bool, exclude: Sequence[Term], ids: tuple[int, int] = (-MAX_ID, MAX_ID)) -> Any:
        """The same expression as :func:`db.search.fts_match` with the filters' marks (what
        :func:`db.search._filter_marks` asks FTS5 for), as tantivy query objects: user text is
        never parsed as query syntax. ``ids``: the window searched (lowest included, highest not)."""
        tantivy = _tantivy()
        schema = store.schema
        must, should, not_ = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot

        def term(t: Term) -> Any:
            if t.prefix:
                return tantivy.Query.regex_query(schema, "body", _regex_escape(t.tokens[0]) + ".*")
            if len(t.tokens) == 1:
                return tantivy.Query.term_query(schema, "body", t.tokens[0])
            return tantivy.Query.phrase_query(schema, "body", list(t.tokens))

        def part(p: Part) -> Any:
            if isinstance(p, Term):
                return term(p)
            assert isinstance(p, Alternatives)
            return tantivy.Query.boolean_query([(should, every([part(x) for x in option])) for option in p.options])

        def every(queries: list[Any]) -> Any:
            return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query([(must, q) for q in queries])

        def any_mark(marks: list[str | None], missing: str) -> Any:
            values = list(dict.fromkeys(m for m in marks if m)) or [missing]  # no letters: no message has it
            return tantivy.Query.boolean_query([(should, tantivy.Query.term_query(schema, "marks", v)) for v in values])

        # what every match must (not) have besides the words and the window: the other words, the filters
        restrict: list[tuple[Any, Any]] = []
        if exclude:
            restrict.append((not_, every([term(t) for t in exclude])))
        required, unsolved = search.filter_marks(filters, solved_only=solved_only)
        for marks, missing in required:
            restrict.append((must, any_mark(marks, missing)))
        if unsolved:
            restrict.append((not_, tantivy.Query.term_query(schema, "marks", search.SOLVED_MARK)))
        if filters.author_id is not None:
            restrict.append((must, tantivy.Query.term_query(schema, "author", filters.author_id)))
        # With restrictions, a union (the glossary's names, any of the words) gets them inside each
        # of its branches: (A or B) and R as (A and R) or (B and R). Tantivy moves a union to a
        # document by advancing every branch through the next few thousand documents, so R (a rare
        # country mark) did not make it skip: the oldest window of "合作社 country:China" took 19
        # ms; each branch led by the mark, 2.3 ms. The window's id range stays outside: evaluated
        # in every branch, it cost each of them about as much as the whole search of a small window.
        def restricted_every(parts: Sequence[Part]) -> Any:
            if not restrict:
                return every([part(p) for p in parts])
            union = next((p for p in parts if isinstance(p, Alternatives)), None)
            if union is None:  # no union: one intersection, led by its rarest clause
                return tantivy.Query.boolean_query([*((must, part(p)) for p in parts), *restrict])
            branches = tantivy.Query.boolean_query([(should, restricted_every(option)) for option in union.options])
            return every([branches, *(part(p) for p in parts if p is not union)])

        if any_term and len(terms) > 1:
            main = tantivy.Query.boolean_query([(should, restricted_every([p])) for p in terms])
        else:
            main = restricted_every(terms)
        lowest, highest = _id_range(filters)
        lowest, highest = max(lowest, ids[0]), min(highest, ids[1])
        if (lowest, highest) == (-MAX_ID, MAX_ID):
            return main
        within = tantivy.Query.range_query(schema, "id", tantivy.FieldType.Integer, lowest, highest,
                                           include_lower=True, include_upper=False)
        return tantivy.Query.boolean_query([(must, main), (must, within)])


def _marked_at_most(searcher: Any, filters: SearchFilters, *, solved_only: bool) -> int:
    """How many messages at most have the marks these filters require (the rarest group's)."""
    groups, _unsolved = search.filter_marks(filters, solved_only=solved_only)
    counts = [sum(searcher.doc_freq("marks", m) for m in dict.fromkeys(m for m in marks if m)) for marks, _missing in groups]
    return min(counts, default=MAX_ID)


def _id_range(filters: SearchFilters) -> tuple[int, int]:
    """The ids the dates allow: from ``after`` (included) to ``before`` (left out)."""
    lo = search.snowflake_at(filters.after) if filters.after is not None else -MAX_ID
    hi = search.snowflake_at(filters.before) if filters.before is not None else MAX_ID
    return lo, hi


def _regex_escape(value: str) -> str:
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\-&~#" else ch for ch in value)
