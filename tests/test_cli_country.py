"""``python -m bot country NAME``: the same profile as /country, from a terminal; JSON for scripts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import main
from bot.app import App
from bot.config import Settings
from bot.permissions import Actor
from cogs.qa.service import QuestionService
from cogs.search.archive import MessageRecord, store_messages
from tests.test_cli_sessions import programme


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return ["--config", str(settings.config_path)]


def solved_question(settings: Settings, title: str, country: str) -> None:
    """A question tagged ``country`` (as an older forum tag might be) with an accepted answer."""
    async def go() -> None:
        app = await App.create(settings)
        now = datetime.now(UTC)
        try:
            async with app.db.begin() as session:
                await app.service(QuestionService).record_question(
                    session, thread_id=1001, forum_id=1, guild_id=7, author_id=21, title=title, body="How?",
                    country=country, topic=None, created_at=now - timedelta(days=1))
                await store_messages(session, [MessageRecord(
                    id=1002, channel_id=1001, guild_id=7, thread_id=1001, author_id=22, content="Like this.",
                    created_at=now, kind="answer")])
            async with app.db.begin() as session:
                await app.service(QuestionService).mark_answer(session, Actor(21), 1001, 1002, now)
        finally:
            await app.close()

    asyncio.run(go())


def test_country_json_has_the_profile_and_what_the_community_has(
    cli: list[str], settings: Settings, tmp_path, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d") + " 10:00"
    assert main([*cli, "sessions", "import", str(programme(tmp_path, start))]) == 0  # for KR and JP
    solved_question(settings, "Social enterprise certification steps", "Korea")
    capsys.readouterr()

    assert main([*cli, "country", "대한민국", "--json", "--lang", "ko"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "KR" and data["name"] == "Republic of Korea" and data["programme"] == ["phase-1"]
    assert "South Korea" in data["names"] and data["language"] == "ko"
    assert isinstance(data["timeline"], list) and isinstance(data["institutions"], list)
    assert data["resources"] and all({"title", "status", "status_label", "url"} <= set(r) for r in data["resources"])
    assert any(t["local_name"] for t in data["terms"]), "glossary names in Korean"
    assert [s["title"] for s in data["upcoming_sessions"]] == ["SSE statistics webinar"]
    assert [q["title"] for q in data["solved_questions"]] == ["Social enterprise certification steps"]
    assert data["solved_questions"][0]["url"].endswith("/1001/1002")


def test_country_text_and_misses(cli: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*cli, "country", "ລາວ"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Lao PDR (LA) · Phase 2 (from 2021)") and "Laws, decrees, strategies and plans:" in out

    assert main([*cli, "country", "Mongolai", "--json"]) == 1
    miss = json.loads(capsys.readouterr().out)
    assert miss["error"] and miss["suggestions"] == ["Mongolia"]

    assert main([*cli, "country", "   "]) == 2
    assert "empty" in capsys.readouterr().err
