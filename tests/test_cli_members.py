"""``python -m bot members``: the /members directory from a terminal; JSON for scripts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.__main__ import main
from bot.app import App
from bot.config import Settings
from cogs.profiles.service import ProfileService
from tests.conftest import base_config


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance", "Law"]}
    return data


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return ["--config", str(settings.config_path)]


def profiles(settings: Settings) -> None:
    async def go() -> None:
        app = await App.create(settings)
        service = app.service(ProfileService)
        try:
            for user_id, country, org_type, topics in ((1, "TH", "cooperative", ("Finance",)),
                                                       (2, "MN", "government", ("Law",)),
                                                       (3, "TH", "academia", ("Finance", "Law"))):
                async with app.db.begin() as session:
                    form = service.check_form(country=country, org_type=org_type, org_name=f"Org {user_id}",
                                              bio="Works on <b>finance</b>", happy_to_be_asked=user_id == 3)
                    await service.save(session, user_id, form)
                    await service.set_topics(session, user_id, topics)
                    await service.set_languages(session, user_id, ("en",))
        finally:
            await app.close()

    asyncio.run(go())


def test_members_json_lists_the_matching_profiles_with_their_fields(
    cli: list[str], settings: Settings, capsys: pytest.CaptureFixture[str],
) -> None:
    profiles(settings)
    capsys.readouterr()
    assert main([*cli, "members", "--country", "ไทย", "--topic", "law", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [m["user_id"] for m in found] == ["3"]
    assert found[0]["country"] == "TH" and found[0]["organisation_type"] == "academia"
    assert found[0]["topics"] == ["Finance", "Law"] and found[0]["languages"] == ["en"]
    assert found[0]["happy_to_be_asked"] is True and found[0]["bio"] == "Works on <b>finance</b>"

    assert main([*cli, "members", "--type", "government"]) == 0
    assert "Org 2" in capsys.readouterr().out


def test_members_says_when_nothing_matches_and_suggests_for_a_typo(
    cli: list[str], settings: Settings, capsys: pytest.CaptureFixture[str],
) -> None:
    profiles(settings)
    capsys.readouterr()
    assert main([*cli, "members", "--country", "Mongolia", "--topic", "Finance"]) == 1
    assert "No member with a profile matches." in capsys.readouterr().out
    assert main([*cli, "members", "--topic", "Finanse", "--json"]) == 2
    problem = json.loads(capsys.readouterr().out)
    assert "Finance" in problem["suggestions"] and problem["error"]
