"""Optional steps (forum tags, Discord scheduled events) that Discord refuses: the main action still
happens, the refusal is logged once with Discord's own words, and the bot keeps serving."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from offline import OfflineDiscord
from tests.commands.test_qa import ask
from tests.commands.test_sessions import create
from tests.conftest import QA_FORUM, base_config


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance"]}
    return data


def warnings_from(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_refused_forum_tag_still_posts_the_question(gw: OfflineDiscord, caplog: pytest.LogCaptureFixture) -> None:
    gw.faults.add("PATCH /channels/{channel_id}", 403, path_contains=QA_FORUM)  # creating a tag edits the forum
    with caplog.at_level(logging.WARNING):
        result = await ask(gw, "Seed money for weavers?", "Where do groups find it?", user=gw.member_id,
                           country="Thailand")
    assert "is posted" in result.text
    posts = [c for c in gw.calls if c.key == "POST /channels/{channel_id}/threads"]
    assert len(posts) == 1 and posts[0].json["applied_tags"] == []
    logged = [w for w in warnings_from(caplog) if "Thailand" in w]
    assert len(logged) == 1 and "Missing Permissions" in logged[0] and "Manage Channels" in logged[0]
    assert (await gw.slash("define", term="coop")).embed["title"] == "Cooperative"


async def test_a_refused_scheduled_event_still_plans_the_session(
    gw: OfflineDiscord, caplog: pytest.LogCaptureFixture,
) -> None:
    gw.faults.add("POST /guilds/{guild_id}/scheduled-events", 403)
    with caplog.at_level(logging.WARNING):
        await create(gw)
        await gw.settle()
    assert [c for c in gw.calls if c.key == "POST /guilds/{guild_id}/scheduled-events"], "the bot tried"
    assert not gw.scheduled_events
    assert (await gw.slash("sessions")).text.count("Cooperative law clinic") >= 1
    assert any("Missing Permissions" in w for w in warnings_from(caplog))
    assert (await gw.slash("define", term="coop")).embed["title"] == "Cooperative"
