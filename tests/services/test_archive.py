"""Imports, backfill checkpoints, Q&A routing and privacy at the service level."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.guild import from_config
from bot.permissions import Actor
from cogs.privacy.service import PrivacyService
from cogs.qa.service import QuestionService
from cogs.search import archive, backfill, dce_import
from cogs.search import service as search
from cogs.search.service import SearchService
from db.search import snowflake_at

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "dce-channel-export-sample.json"


async def test_a_discordchatexporter_export_imports_once(app: App) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    records, problems = dce_import.parse_dce_export(data)
    assert not problems
    kinds = {m.get("type") for m in data["messages"]}
    assert "ThreadCreated" in kinds  # system messages are in the sample...
    assert all(r.content.strip() for r in records)  # ...but only real, non-empty member messages are kept
    assert len(records) < len(data["messages"])
    async with app.db.begin() as session:
        assert await archive.store_messages(session, records) == len(records)
    async with app.db.begin() as session:
        assert await archive.store_messages(session, records) == 0
        assert await archive.count_messages(session) == len(records)
        page = await app.service(SearchService).search(session, search.parse_params("certify"))
    assert page.hits and page.hits[0].jump_url.startswith("https://discord.com/channels/710000000000000001/")
    edited = next(m for m in data["messages"] if m.get("timestampEdited"))
    assert any(r.edited_at is not None for r in records if r.id == int(edited["id"]))


@pytest.mark.parametrize("data", [[], {"messages": "x"}, {"messages": [], "channel": {}}])
def test_a_file_that_is_not_an_export_is_refused_clearly(data: object) -> None:
    with pytest.raises(InvalidInput):
        dce_import.parse_dce_export(data)


def test_odd_entries_are_skipped_with_a_note() -> None:
    records, problems = dce_import.parse_dce_export({"channel": {"id": "5"}, "messages": [
        "junk", {"id": "x", "content": "hi", "author": {"id": "1"}}, {"id": "7", "content": "ok", "author": {"id": "1"},
                                                                        "timestamp": "2026-01-01T00:00:00Z"}]})
    assert [r.id for r in records] == [7] and len(problems) == 2


async def test_backfill_checkpoint_survives_and_a_finished_one_restarts(app: App) -> None:
    cfg = Config.model_validate({"channels": {"archived": [42]}, "roles": {"facilitators": [9]}})
    with pytest.raises(NotAllowed):
        backfill.check_backfill_allowed(from_config(cfg), Actor(1), 42)
    with pytest.raises(InvalidInput):
        backfill.check_backfill_allowed(from_config(cfg), Actor(1, frozenset({9})), 43)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    page = [archive.MessageRecord(id=snowflake_at(when) + i, channel_id=42, author_id=1, content=f"m{i}",
                                  created_at=when) for i in range(10)]
    async with app.db.begin() as session:
        state = await backfill.backfill_start(session, 42)
        assert state.before_id is None
        state = await backfill.backfill_page(session, 42, page, done=False)
    async with app.db.begin() as session:
        resumed = await backfill.backfill_start(session, 42)
    assert resumed.before_id == page[0].id and resumed.stored == 10 and not resumed.done
    async with app.db.begin() as session:
        await backfill.backfill_page(session, 42, [], done=True, oldest_id=page[0].id - 1)
        again = await backfill.backfill_start(session, 42)
    assert again.before_id is None and again.stored == 0


async def _question(app: App, created: datetime, author: int = 5) -> int:
    thread = snowflake_at(created)
    async with app.db.begin() as session:
        await app.service(QuestionService).record_question(session, thread_id=thread, forum_id=1, guild_id=1, author_id=author, title="Q",
                                 body="body text", country=None, topic=None, created_at=created)
    return thread


async def test_routing_happens_once_per_step_even_when_run_again_after_a_restart(app: App) -> None:
    cfg = Config.model_validate({"roles": {"helpers": [7], "facilitators": [8]}})
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    await _question(app, t0)
    async with app.db.begin() as session:
        assert await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=23)) == []
        first = await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=25))
    assert [(r.target, r.role_ids) for r in first] == [("helpers", (7,))]
    async with app.db.begin() as session:  # "after a restart": a new unit of work, same database
        assert await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=30)) == []
        assert [r.target for r in await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=49))] == ["facilitators"]
        assert await QuestionService(cfg).route_unanswered(session, t0 + timedelta(days=9)) == []


async def test_a_reply_by_the_asker_does_not_count_but_one_by_someone_else_does(app: App) -> None:
    cfg = Config.model_validate({"roles": {"helpers": [7]}})
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    thread = await _question(app, t0)
    reply = archive.MessageRecord(id=thread + 1, channel_id=thread, thread_id=thread, author_id=5, content="bump",
                                  created_at=t0 + timedelta(hours=1), kind="answer")
    async with app.db.begin() as session:
        await archive.store_messages(session, [reply])
    async with app.db.begin() as session:
        due = await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=25), claim=False)
    assert len(due) == 1
    other = archive.MessageRecord(id=thread + 2, channel_id=thread, thread_id=thread, author_id=6, content="answer",
                                  created_at=t0 + timedelta(hours=2), kind="answer")
    async with app.db.begin() as session:
        await archive.store_messages(session, [other])
        assert await QuestionService(cfg).route_unanswered(session, t0 + timedelta(hours=25)) == []


async def test_forget_removes_text_from_questions_answers_and_the_index(app: App) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    thread = await _question(app, t0, author=5)
    answer = archive.MessageRecord(id=thread + 1, channel_id=thread, thread_id=thread, author_id=5,
                                   content="my own follow-up about kimchi", created_at=t0, kind="answer")
    privacy = app.service(PrivacyService)
    async with app.db.begin() as session:
        await archive.store_messages(session, [answer])
        before = {line.label: line.count for line in (await privacy.summary(session, 5)).lines}
        assert before["questions in the Q&A forum"] == 1 and before["answers or replies in Q&A posts"] == 1
        result = await privacy.forget(session, 5)
    assert dict(result.per_capability)["search"] == 2 and dict(result.per_capability)["qa"] == 1
    async with app.db.begin() as session:
        assert (await privacy.summary(session, 5)).total == 0
        assert (await app.service(SearchService).search(session, search.parse_params("kimchi"))).hits == ()
        exported = await privacy.export(session, 5)
        assert exported["messages"] == [] and exported["questions"] == []
