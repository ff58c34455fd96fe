"""``python -m bot status`` and ``outbox retry``: a delivery Discord refused is visible, named with
its channel and Discord's error, and goes out once an operator fixed the cause and retried it."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import App
from bot.outbox import PARKED, PENDING, SENT
from cogs.qa.jobs import ROUTE
from offline import OfflineDiscord
from tests.conftest import GUILD_ID, HELPER_ROLE, QA_FORUM

POST = "POST /channels/{channel_id}/messages"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return settings.config_path


async def cli(config: Path, *argv: str) -> int:
    # The CLI runs its own event loop, next to the running bot, as an operator's shell would.
    return await asyncio.to_thread(main, ["--config", str(config), *argv])


async def queue_routing_notices(gw: OfflineDiscord, app: App) -> int:
    """A Q&A post and both of its routing notices due now; returns the post's thread id."""
    starter = await gw.create_forum_post("Seed funding for weavers?", "Where do groups find it?",
                                         author=gw.member_id, forum_id=QA_FORUM)
    thread = int(starter["channel_id"])
    async with app.db.begin_write() as session:
        for target in ("helpers", "facilitators"):
            await app.outbox.enqueue(session, f"qa:route:{thread}:{target}", ROUTE, channel_id=thread, params={
                "guild_id": GUILD_ID, "title": "Seed funding for weavers?", "target": target,
                "role_ids": [HELPER_ROLE]})
    return thread


def posts_to(gw: OfflineDiscord, channel_id: int, since: int) -> int:
    return sum(1 for call in gw.calls[since:] if call.key == POST and str(channel_id) in call.path)


async def test_a_refused_delivery_is_parked_listed_and_sent_after_retry(
    gw: OfflineDiscord, app: App, cli_env: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    thread = await queue_routing_notices(gw, app)
    gw.faults.add(POST, 403, path_contains=thread)
    before = len(gw.calls)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await gw.bot.delivery.run_due() == 0
    assert posts_to(gw, thread, before) == 2  # one request per row, none retried
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.delivery" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings  # one line for the channel, not one per delivery
    assert str(thread) in warnings[0] and "Send Messages in Threads" in warnings[0]
    assert "Missing Permissions" in warnings[0]

    capsys.readouterr()
    assert await cli(cli_env, "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["counts"][PARKED] == 2
    parked = status["parked"]
    assert [row["kind"] for row in parked] == [ROUTE, ROUTE]
    assert all(row["channel_id"] == thread and row["where"] == f"channel {thread}" for row in parked)
    assert all("403" in row["last_error"] and "Missing Permissions" in row["last_error"] for row in parked)
    assert all(row["attempts"] == 1 for row in parked)

    assert await cli(cli_env, "status") == 0
    text = capsys.readouterr().out
    assert f"channel {thread}" in text and "Missing Permissions" in text
    assert f"outbox retry {parked[0]['id']} {parked[1]['id']}" in text

    # The permission is fixed; the first row is retried by id, the other one stays parked.
    gw.faults.clear()
    assert await cli(cli_env, "outbox", "retry", str(parked[0]["id"])) == 0
    async with app.db.begin() as session:
        assert {r.id: r.status for r in await app.outbox.rows(session, statuses=(PENDING, PARKED))} == {
            parked[0]["id"]: PENDING, parked[1]["id"]: PARKED}
    before = len(gw.calls)
    assert await gw.bot.delivery.run_due() == 1
    assert posts_to(gw, thread, before) == 1

    assert await cli(cli_env, "outbox", "retry", "--all") == 0
    assert await gw.bot.delivery.run_due() == 1
    async with app.db.begin() as session:
        assert await app.outbox.counts(session) == {SENT: 2}
    notices = [m for m in gw.messages.values() if int(m["channel_id"]) == thread and f"<@&{HELPER_ROLE}>" in m["content"]]
    assert len(notices) == 2


async def test_retry_says_which_ids_were_not_parked(
    gw: OfflineDiscord, app: App, cli_env: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    await queue_routing_notices(gw, app)
    assert await gw.bot.delivery.run_due() == 2  # nothing refused: both sent
    async with app.db.begin() as session:
        sent = [r.id for r in await app.outbox.rows(session, statuses=(SENT,))]
    capsys.readouterr()
    assert await cli(cli_env, "outbox", "retry", str(sent[0])) == 1
    out = capsys.readouterr()
    assert out.out.startswith("0 parked deliveries put back") and str(sent[0]) in out.err
    assert await cli(cli_env, "outbox", "retry") == 2
    assert await cli(cli_env, "status") == 0
    assert "no parked deliveries" in capsys.readouterr().out


async def test_a_parked_dm_is_shown_without_the_member(
    gw: OfflineDiscord, app: App, cli_env: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    member = 900000000000000777
    async with app.db.begin_write() as session:
        await app.outbox.enqueue(session, f"dm:{member}:test", ROUTE, user_id=member, params={})
        (row,) = await app.outbox.rows(session, statuses=(PENDING,))
        await app.outbox.park(session, row.id, "404 Unknown Channel")
    capsys.readouterr()
    assert await cli(cli_env, "status", "--json") == 0
    out = capsys.readouterr().out
    (parked,) = json.loads(out)["parked"]
    assert parked["where"] == "DM to member" and parked["channel_id"] is None and parked["key"] is None
    assert str(member) not in out
