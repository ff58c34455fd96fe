"""import-archive streams the export: same result as reading it whole, batch by batch,
idempotent, tombstones honoured, problems reported, progress told."""

from __future__ import annotations

import io
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import App
from bot.errors import InvalidInput
from cogs.search import archive, dce_import
from cogs.search import service as search
from cogs.search.models import ArchivedMessage
from cogs.search.service import SearchService
from tests.test_cli_search import run

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "dce-channel-export-sample.json"


def export_bytes(n: int, *, extra: list[object] | None = None, first_key: str = "guild") -> bytes:
    messages: list[object] = [
        {"id": str(1_300_000_000_000_000_000 + i), "type": "Default", "timestamp": "2026-03-01T10:00:00+07:00",
         "content": f"streamed note {i} about ออมทรัพย์", "author": {"id": "77", "isBot": False}}
        for i in range(n)
    ]
    messages += extra or []
    head = {"guild": {"id": "710000000000000001"}, "channel": {"id": "710000000000000201", "name": "general"}}
    data: dict[str, object] = {"messages": messages, **head} if first_key == "messages" else {**head, "messages": messages}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


async def total(app: App) -> int:
    async with app.db.begin() as session:
        return await archive.count_messages(session)


async def test_streaming_the_sample_stores_what_reading_it_whole_does(app: App) -> None:
    records, _ = dce_import.parse_dce_export(json.loads(SAMPLE.read_text(encoding="utf-8")))
    summary = await dce_import.import_dce_export(app.db, SAMPLE, batch=3)
    assert summary.stored == len({r.id for r in records}) == await total(app)
    assert summary.read == summary.stored + summary.ignored + summary.errors
    again = await dce_import.import_dce_export(app.db, SAMPLE, batch=3)
    assert (again.stored, again.already) == (0, summary.stored)
    async with app.db.begin() as session:
        page = await app.service(SearchService).search(session, search.parse_params("certify"))
    assert page.hits


async def test_batches_progress_problems_and_tombstones(app: App) -> None:
    data = export_bytes(25, extra=["junk", {"id": "x", "content": "hi", "author": {"id": "1"}},
                                   {"id": "5", "type": "ChannelPinnedMessage", "content": "pinned", "author": {"id": "1"}}])
    async with app.db.begin() as session:
        await archive.delete_messages(session, [1_300_000_000_000_000_000 + 3])
    seen: list[int] = []
    problems: list[str] = []
    summary = await dce_import.import_dce_export(app.db, io.BytesIO(b"\xef\xbb\xbf" + data), batch=10,
                                              progress=seen.append, problem=problems.append)
    assert (summary.read, summary.new, summary.tombstoned, summary.ignored, summary.errors) == (28, 24, 1, 1, 2)
    assert len(problems) == 2 and problems[0].startswith("messages[25]")
    assert len(seen) == 3 and seen == sorted(seen) and seen[-1] <= len(data) + 3
    assert await total(app) == 24
    line = summary.line("x.json")
    assert "24 new or changed" in line and "1 deleted in Discord" in line and "2 error(s)" in line


async def test_an_export_with_the_messages_first_still_finds_its_channel(app: App) -> None:
    summary = await dce_import.import_dce_export(app.db, io.BytesIO(export_bytes(4, first_key="messages")))
    assert summary.new == 4
    async with app.db.begin() as session:
        assert await archive.count_messages(session, 710000000000000201) == 4


@pytest.mark.parametrize("data", [b"[]", b'{"messages": "x"}', b'{"messages": [], "channel": {}}', b"{not json"])
async def test_what_is_not_an_export_is_refused_clearly(app: App, data: bytes) -> None:
    with pytest.raises(InvalidInput):
        await dce_import.import_dce_export(app.db, io.BytesIO(data))


async def test_a_cut_off_file_keeps_what_was_read_and_says_where_it_stopped(app: App) -> None:
    data = export_bytes(30)
    with pytest.raises(InvalidInput, match="after"):
        await dce_import.import_dce_export(app.db, io.BytesIO(data[: len(data) * 2 // 3]), batch=5)
    stored = await total(app)
    assert 0 < stored < 30
    summary = await dce_import.import_dce_export(app.db, io.BytesIO(data), batch=5)
    assert summary.new == 30 - stored and await total(app) == 30


async def test_the_cli_prints_a_summary_and_no_progress_bar_into_a_pipe(tmp_path: Path, database_url: str) -> None:
    file = tmp_path / "export.json"
    file.write_bytes(export_bytes(12, extra=["junk"]))
    code, out, err = await run(tmp_path, database_url, "import-archive", str(file), "--batch", "5")
    assert code == 0
    assert out.strip().splitlines()[-1] == (
        "13 message(s) read from export.json: 12 new or changed, 0 already stored, 0 deleted in Discord, "
        "0 not member messages, 1 error(s).")
    assert "warning: messages[12]: not an object" in err
    assert "\r" not in err and "%|" not in err


async def test_imported_times_are_stored_as_live_messages_times_are(app: App) -> None:
    # Date filters, newest-first order and the report's month buckets compare the stored text:
    # an imported message at the very start of a day must not sort before a live one.
    at = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    async with app.db.begin() as session:
        session.add(ArchivedMessage(id=1, channel_id=1, author_id=1, kind="message", content="live", created_at=at))
    data = export_bytes(1).replace(b"2026-03-01T10:00:00+07:00", b"2026-03-01T07:00:00+07:00")
    await dce_import.import_dce_export(app.db, io.BytesIO(data))
    async with app.db.begin() as session:
        stored = (await session.execute(text("SELECT created_at FROM archive_messages ORDER BY id"))).scalars().all()
    assert len(stored) == 2 and stored[0] == stored[1]


def mixed_export(edited: bool = False) -> bytes:
    """Messages in several scripts (CJK characters indexed alone too, Thai bigrams, marks), one id
    twice in the export with different texts, and one text longer than the store keeps."""
    texts = ["ภาษีเงินได้ของ SME", "会社の税金 세금 신고", "Đặt lịch hẹn café naïve", "emoji 👍🏽 and ZWJ 👩‍💻",
             "x" * (archive.MAX_CONTENT + 50) + " tail", "クラウド 税", "plain words only"]
    messages: list[object] = [
        {"id": str(1_400_000_000_000_000_000 + i), "type": "Default", "timestamp": "2026-03-02T10:00:00Z",
         "content": f"{texts[i % len(texts)]} {i}", "author": {"id": str(80 + i % 3)}}
        for i in range(23)
    ]
    messages.append({"id": str(1_400_000_000_000_000_000 + 2), "type": "Default", "content": "二度目 second version",
                     "author": {"id": "80"}})
    if edited:
        messages[5] = {**messages[5], "content": "編集された edited text", "timestampEdited": "2026-03-03T10:00:00Z"}
    head = {"guild": {"id": "710000000000000001"}, "channel": {"id": "710000000000000202"}}
    return json.dumps({**head, "messages": messages}, ensure_ascii=False).encode("utf-8")


async def stored_and_indexed(app: App) -> tuple[list[object], ...]:
    """Every stored row, and every token occurrence of both full-text indexes (term, message, position)."""
    async with app.db.begin() as session:
        rows = (await session.execute(text("SELECT * FROM archive_messages ORDER BY id"))).all()
        out: list[list[object]] = [list(rows)]
        for table in ("search_fts", "search_posts_fts"):
            await session.execute(text(f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, instance)"))
            out.append(list((await session.execute(
                text(f'SELECT term, doc, "offset" FROM temp.v_{table} ORDER BY doc, "offset", term'))).all()))
            await session.execute(text(f"DROP TABLE temp.v_{table}"))
    return tuple(out)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="compares SQLite's FTS5 indexes")
async def test_tokenizing_in_a_worker_process_stores_and_indexes_the_same(
    app: App, settings: Any, template_database: str, tmp_path: Path,
) -> None:
    # A big import tokenizes in a worker process, one batch ahead of its writes: what ends up in
    # the store and both indexes must be what the in-process import writes, through new, changed,
    # tombstoned and cut-off imports alike.
    shutil.copy(template_database, tmp_path / "in-process.db")
    other = await App.create(settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'in-process.db'}"}))
    try:
        gone = 1_400_000_000_000_000_000 + 7
        for target in (app, other):
            async with target.db.begin() as session:
                await archive.delete_messages(session, [gone])
        summaries = []
        for target, workers in ((app, 1), (other, 0)):
            first = await dce_import.import_dce_export(target.db, io.BytesIO(mixed_export()), batch=4, workers=workers)
            edited = await dce_import.import_dce_export(target.db, io.BytesIO(mixed_export(edited=True)), batch=5,
                                                        workers=workers)
            summaries.append((first, edited))
        assert summaries[0] == summaries[1]
        first, edited = summaries[0]
        # id 2's second version comes in a later batch: a change each time (and back, then again)
        assert (first.new, first.changed, first.tombstoned, edited.changed) == (22, 1, 1, 3)
        pooled, in_process = await stored_and_indexed(app), await stored_and_indexed(other)
        assert pooled == in_process
        assert len(pooled[0]) == 22 and pooled[1] and not pooled[2]  # channel messages: not in the posts index

        cut = export_bytes(30)
        for target, workers in ((app, 1), (other, 0)):
            with pytest.raises(InvalidInput, match="not valid JSON"):
                await dce_import.import_dce_export(target.db, io.BytesIO(cut[: len(cut) * 2 // 3]), batch=4,
                                                   workers=workers)
        assert await stored_and_indexed(app) == await stored_and_indexed(other)
        found = []
        for target in (app, other):
            async with target.db.begin() as session:
                page = await target.service(SearchService).search(session, search.parse_params("税"))
            found.append([hit.message_id for hit in page.hits])
        assert found[0] == found[1]
        assert set(found[0]) <= {1_400_000_000_000_000_000 + i for i in (1, 8, 12, 15, 19, 22)}  # 5 was edited
        assert len(found[0]) >= 5
    finally:
        await other.close()
