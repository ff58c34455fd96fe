"""LifecycleService on a real migrated database: who may close and reopen, the nudge and the
auto-close claimed once across two instances, helpers counted per month in the community's zone,
the digest's thanks only for members with a profile, and privacy of the lifecycle's records."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.catalogues import use_language
from bot.digest import DigestContext
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.permissions import Actor
from cogs.profiles.service import ProfileService
from cogs.qa.lifecycle import LifecycleService, Month, helpers_digest, parse_month
from cogs.qa.models import Question
from cogs.qa.service import privacy_export, privacy_forget, privacy_show
from cogs.search.models import ArchivedMessage
from tests.conftest import FACILITATOR_ROLE, base_config

ASKER, HELPER, OTHER = 11, 22, 33
NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"nudge_after_days": 3, "close_after_days": 14}
    return data


async def question(app: App, thread_id: int, *, asked: datetime, author: int = ASKER,
                   replies: Sequence[tuple[int, datetime]] = (), solved: tuple[int, datetime] | None = None) -> None:
    """A post asked at ``asked``, with replies (author, when), optionally one of them accepted."""
    async with app.db.begin() as session:
        session.add(ArchivedMessage(id=thread_id, channel_id=thread_id, guild_id=1, thread_id=thread_id,
                                    author_id=author, content="Q", created_at=asked, kind="question"))
        first = min((when for _, when in replies), default=None)
        row = Question(thread_id=thread_id, forum_id=1, guild_id=1, author_id=author, title=f"Q{thread_id}",
                       created_at=asked, first_reply_at=first)
        for i, (who, when) in enumerate(replies, start=1):
            session.add(ArchivedMessage(id=thread_id + i, channel_id=thread_id, guild_id=1, thread_id=thread_id,
                                        author_id=who, content="A", created_at=when, kind="answer"))
        if solved is not None:
            row.answer_id, row.solved_at = thread_id + solved[0], solved[1]
        session.add(row)


def service(app: App) -> LifecycleService:
    return app.service(LifecycleService)


async def test_only_the_asker_or_a_facilitator_closes_and_reopens(app: App) -> None:
    await question(app, 100, asked=NOW - timedelta(days=1), replies=[(HELPER, NOW)], solved=(1, NOW))
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await service(app).close_post(session, Actor(OTHER), 100, None, NOW)
        with pytest.raises(NotFound):
            await service(app).close_post(session, Actor(ASKER), 999, None, NOW)
    async with app.db.begin() as session:
        closed = await service(app).close_post(session, Actor(ASKER), 100, None, NOW)
    assert closed.reason == "resolved"  # an answer was accepted, and the asker did not say otherwise
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput):
            await service(app).close_post(session, Actor(ASKER), 100, False, NOW)
        with pytest.raises(NotAllowed):
            await service(app).reopen_post(session, Actor(OTHER), 100, NOW)
    async with app.db.begin() as session:
        await service(app).reopen_post(session, Actor(OTHER, frozenset({FACILITATOR_ROLE})), 100, NOW)
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput):
            await service(app).reopen_post(session, Actor(ASKER), 100, NOW)
        closed = await service(app).close_post(session, Actor(ASKER), 100, False, NOW)
        assert closed.reason == "unresolved"
        assert await service(app).events(session, 100) == [
            ("close", ASKER, "resolved"), ("reopen", OTHER, None), ("close", ASKER, "unresolved")]


async def test_two_instances_nudge_a_post_once(app: App) -> None:
    await question(app, 200, asked=NOW - timedelta(days=5), replies=[(HELPER, NOW - timedelta(days=4))])
    await question(app, 300, asked=NOW - timedelta(days=5), replies=[(HELPER, NOW - timedelta(days=2))])  # too recent
    await question(app, 400, asked=NOW - timedelta(days=5), replies=[(HELPER, NOW - timedelta(days=4))],
                   solved=(1, NOW - timedelta(days=4)))

    async def instance() -> list[int]:
        async with app.db.begin_write() as session:
            return [n.thread_id for n in await service(app).due_nudges(session, NOW)]

    first, second = await asyncio.gather(instance(), instance())
    assert sorted(first + second) == [200]
    assert await instance() == []  # and not after a restart either


async def test_auto_close_counts_silence_from_the_last_message_or_reopening(app: App) -> None:
    await question(app, 500, asked=NOW - timedelta(days=20))
    await question(app, 600, asked=NOW - timedelta(days=20), replies=[(HELPER, NOW - timedelta(days=5))])
    await question(app, 700, asked=NOW - timedelta(days=20))
    async with app.db.begin() as session:
        await service(app).close_post(session, Actor(ASKER), 700, None, NOW - timedelta(days=19))
    async with app.db.begin() as session:
        await service(app).reopen_post(session, Actor(ASKER), 700, NOW - timedelta(days=2))

    async def instance() -> list[int]:
        async with app.db.begin_write() as session:
            return [c.thread_id for c in await service(app).due_closes(session, NOW)]

    first, second = await asyncio.gather(instance(), instance())
    assert sorted(first + second) == [500]
    assert await instance() == []
    async with app.db.begin() as session:
        row = await session.get(Question, 500)
        assert row is not None and row.close_reason == "inactive" and row.closed_at == NOW


async def test_a_turned_off_step_never_happens(app: App) -> None:
    await question(app, 800, asked=NOW - timedelta(days=40), replies=[(HELPER, NOW - timedelta(days=30))])
    off = app.config.model_copy(update={"qa": app.config.qa.model_copy(
        update={"nudge_after_days": 0, "close_after_days": 0})})
    async with app.db.begin() as session:
        assert await LifecycleService(off).due_nudges(session, NOW) == []
        assert await LifecycleService(off).due_closes(session, NOW) == []
        assert [n.thread_id for n in await service(app).due_nudges(session, NOW)] == [800]  # on: it would


async def test_helpers_are_counted_in_the_month_of_the_community_zone(app: App) -> None:
    # 30 Nov 18:00 UTC is 1 Dec 01:00 in Bangkok: a December answer for this community
    late_nov = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    await question(app, 1000, asked=late_nov - timedelta(days=1), replies=[(HELPER, late_nov)], solved=(1, late_nov))
    await question(app, 1100, asked=NOW - timedelta(days=1), replies=[(HELPER, NOW)], solved=(1, NOW))
    await question(app, 1200, asked=NOW - timedelta(days=1), replies=[(OTHER, NOW)], solved=(1, NOW))
    await question(app, 1300, asked=datetime(2026, 11, 5, tzinfo=UTC), replies=[(OTHER, datetime(2026, 11, 5, 1, tzinfo=UTC))],
                   solved=(1, datetime(2026, 11, 5, 2, tzinfo=UTC)))
    # the asker's own reply marked as the answer is not helping someone
    await question(app, 1400, asked=NOW - timedelta(days=1), replies=[(ASKER, NOW)], solved=(1, NOW))
    async with app.db.begin() as session:
        december = await service(app).helpers(session, Month(2026, 12))
        november = await service(app).helpers(session, Month(2026, 11))
    assert [(h.user_id, h.accepted) for h in december.helpers] == [(HELPER, 2), (OTHER, 1)]
    assert [(h.user_id, h.accepted) for h in november.helpers] == [(OTHER, 1)]


async def test_helpers_are_paged(app: App) -> None:
    for i in range(25):
        await question(app, 10_000 + i * 10, asked=NOW - timedelta(days=1), replies=[(500 + i, NOW)], solved=(1, NOW))
    async with app.db.begin() as session:
        first = await service(app).helpers(session, Month(2026, 12), per_page=20)
        second = await service(app).helpers(session, Month(2026, 12), page=2, per_page=20)
    assert (first.total, first.pages, len(first.helpers), len(second.helpers)) == (25, 2, 20, 5)
    assert not {h.user_id for h in first.helpers} & {h.user_id for h in second.helpers}


def test_months_are_read_as_year_month_and_anything_else_is_refused() -> None:
    assert parse_month("2026-11", "Asia/Bangkok", NOW) == Month(2026, 11)
    assert parse_month(" 2026/3 ", "Asia/Bangkok", NOW) == Month(2026, 3)
    assert parse_month(None, "Asia/Bangkok", datetime(2026, 11, 30, 18, 0, tzinfo=UTC)) == Month(2026, 12)
    for bad in ("11-2026", "2026-13", "November", "2026-00"):
        with pytest.raises(InvalidInput) as refused:
            parse_month(bad, "Asia/Bangkok", NOW)
        assert "for example 2026-12" in str(refused.value)
    with use_language("th"):
        assert Month(2026, 12).label("Asia/Bangkok") == "ธันวาคม 2026"


async def test_the_digest_thanks_only_members_with_a_profile(app: App) -> None:
    await question(app, 2000, asked=NOW - timedelta(days=1), replies=[(HELPER, NOW), (OTHER, NOW)], solved=(2, NOW))
    await question(app, 2100, asked=NOW - timedelta(days=1), replies=[(HELPER, NOW)], solved=(1, NOW))

    async def thanked() -> list[int | None]:
        async with app.db.begin() as session:
            section = await helpers_digest(DigestContext(session, NOW - timedelta(days=7), NOW, app.service))
        return [] if section is None else [item.member_id for item in section.items]

    assert await thanked() == []  # no one has a profile: no line at all
    profiles = app.service(ProfileService)
    for user in (HELPER, OTHER):
        async with app.db.begin() as session:
            await profiles.save(session, user, profiles.check_form(country=None, org_type="other", org_name=None,
                                                                   bio=None, happy_to_be_asked=False))
    assert await thanked() == [HELPER, OTHER]  # most accepted answers first
    async with app.db.begin() as session:
        await profiles.remove(session, OTHER)  # opting out of the directory takes them out of the thanks too
    assert await thanked() == [HELPER]


async def test_privacy_shows_exports_and_forgets_who_closed_and_reopened(app: App) -> None:
    await question(app, 3000, asked=NOW - timedelta(days=1), author=OTHER)
    facilitator = Actor(ASKER, frozenset({FACILITATOR_ROLE}))
    async with app.db.begin() as session:
        await service(app).close_post(session, facilitator, 3000, False, NOW)
        await service(app).reopen_post(session, facilitator, 3000, NOW + timedelta(minutes=1))
    async with app.db.begin() as session:
        lines = {line.label: line.count for line in await privacy_show(session, ASKER)}
        assert lines["Q&A posts you closed or reopened"] == 2
        exported = await privacy_export(session, ASKER)
        assert [e["action"] for e in exported["post_events"]] == ["close", "reopen"]
        assert await privacy_forget(session, ASKER) == 2
    async with app.db.begin() as session:
        assert await service(app).events(session, 3000) == [("close", None, "unresolved"), ("reopen", None, None)]
        assert {line.label: line.count for line in await privacy_show(session, ASKER)}[
            "Q&A posts you closed or reopened"] == 0
