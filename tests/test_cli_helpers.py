"""``python -m bot helpers``: members whose answers were accepted in a month, from a terminal."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.__main__ import main
from bot.app import App
from bot.config import Settings
from cogs.qa.models import Question
from cogs.search.models import ArchivedMessage
from tests.conftest import base_config


@pytest.fixture
def config_data() -> dict[str, Any]:
    return base_config()


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return ["--config", str(settings.config_path)]


def accepted(settings: Settings, answers: list[tuple[int, datetime]]) -> None:
    """One post per (helper, when the answer was accepted)."""
    async def go() -> None:
        app = await App.create(settings)
        try:
            async with app.db.begin() as session:
                for i, (helper, when) in enumerate(answers):
                    thread = 5000 + i * 10
                    session.add(Question(thread_id=thread, forum_id=1, guild_id=1, author_id=1, title="Q",
                                         created_at=when, answer_id=thread + 1, solved_at=when))
                    session.add(ArchivedMessage(id=thread + 1, channel_id=thread, guild_id=1, thread_id=thread,
                                                author_id=helper, content="A", created_at=when, kind="answer"))
        finally:
            await app.close()

    asyncio.run(go())


def test_helpers_lists_a_month_and_refuses_a_month_it_cannot_read(
    cli: list[str], settings: Settings, capsys: pytest.CaptureFixture[str],
) -> None:
    nov = datetime(2026, 11, 12, tzinfo=UTC)
    accepted(settings, [(7, nov), (8, nov), (7, nov), (9, datetime(2026, 10, 31, 16, tzinfo=UTC))])  # 23:00 Bangkok
    capsys.readouterr()
    assert main([*cli, "helpers", "--month", "2026-11", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "month": "2026-11", "helpers": [{"user_id": "7", "accepted": 2}, {"user_id": "8", "accepted": 1}]}
    assert main([*cli, "helpers", "--month", "2026-10"]) == 0
    assert capsys.readouterr().out.strip() == "9: 1"
    assert main([*cli, "helpers", "--month", "2019-01"]) == 0
    assert "No answer was accepted in 2019-01." in capsys.readouterr().out
    assert main([*cli, "helpers", "--month", "Nov 2026", "--json"]) == 2
    assert "year-month" in json.loads(capsys.readouterr().out)["error"]
