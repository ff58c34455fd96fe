"""Where plans post, as /setup check and doctor see it: a country's plan channel can be a thread
(created by a gateway THREAD_CREATE), checked with Send Messages in Threads, never reported as
deleted while it exists; the consultation summary channel needs Attach Files for the CSV."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import access
from bot.__main__ import main
from bot.app import App
from bot.capabilities import CAPABILITIES
from bot.config import Config
from cogs.plans.jobs import check
from offline import OfflineDiscord
from tests.commands.test_plans import add_action, in_days
from tests.commands.test_setup import cli_env  # noqa: F401  (the fixture)
from tests.conftest import ANNOUNCEMENTS, base_config

PLAN_THREAD = 1_250_000_000_000_000_001  # Cambodia's plan thread, in the announcements channel
SUMMARY_CHANNEL = 1_250_000_000_000_000_002
WITH_PLACES = {**base_config(), "plans": {"channels": {"KH": PLAN_THREAD}, "summary_channel": SUMMARY_CHANNEL}}


def open_thread(gw: OfflineDiscord, name: str = "cambodia-plan") -> int:
    """A member starts a thread in the announcements channel: Discord sends THREAD_CREATE."""
    thread = gw.thread_payload(PLAN_THREAD, name, ANNOUNCEMENTS, gw.member_id)
    gw.channels[PLAN_THREAD] = thread
    gw.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return PLAN_THREAD


def add_summary_channel(gw: OfflineDiscord) -> None:
    gw.add_channel("facilitators", SUMMARY_CHANNEL, 0)
    gw.dispatch("CHANNEL_CREATE", gw.channels[SUMMARY_CHANNEL])


def test_plans_declare_what_they_need_where_and_only_when_configured() -> None:
    [plans] = [c for c in CAPABILITIES if c.name == "plans"]
    plain = {(n.where, n.flag) for _name, n in access.active_needs([plans], Config())}
    assert plain == {("announcements", "view_channel"), ("announcements", "send_messages")}
    configured = Config.model_validate({"plans": {"channels": {"KH": PLAN_THREAD}, "summary_channel": SUMMARY_CHANNEL}})
    needs = {(n.where, n.flag) for _name, n in access.active_needs([plans], configured)}
    assert {("plans", "view_channel"), ("plans", "send_messages"), ("plans_summary", "attach_files"),
            ("plans_summary", "embed_links")} <= needs
    assert discord.Permissions(access.invite_permissions([plans], configured)).attach_files


def test_in_a_thread_send_messages_is_checked_as_send_messages_in_threads() -> None:
    configured = Config.model_validate({"plans": {"channels": {"KH": PLAN_THREAD}}})
    [plans] = [c for c in CAPABILITIES if c.name == "plans"]
    can_post_in_channels = access.bits(["view_channel", "send_messages"])
    places = [access.Place("guild", 0, "s", access.ALL, "server"),
              access.Place("announcements", ANNOUNCEMENTS, "announcements", access.ALL, "text"),
              access.Place("plans", PLAN_THREAD, "cambodia-plan", can_post_in_channels, "thread")]
    [bad] = access.problems(access.check([plans], configured, places))
    assert bad.text == ("plans: cannot Send Messages in Threads in #cambodia-plan (announce a plan's milestones "
                        "falling due). Give the bot's role Send Messages in Threads in #cambodia-plan "
                        "(Edit Channel > Permissions).")
    gone = [access.Place("guild", 0, "s", access.ALL, "server"), access.Place("plans", PLAN_THREAD, None, 0)]
    texts = [f.text for f in access.problems(access.check([plans], configured, gone))]
    assert (f"plans: a country's plan channel or thread (channel {PLAN_THREAD}) no longer exists; change "
            "plans.channels in config.yaml.") in texts


@pytest.mark.parametrize("config_data", [WITH_PLACES])
async def test_a_plan_thread_is_found_checked_and_used(gw: OfflineDiscord, app: App, config_data: dict[str, Any]) -> None:
    add_summary_channel(gw)
    missing = (await gw.slash("setup check")).text
    assert f"a country's plan channel or thread (channel {PLAN_THREAD}) no longer exists" in missing
    open_thread(gw)
    await gw.settle()
    fine = await gw.slash("setup check")
    assert "no longer exists" not in fine.text and "Everything the enabled features need is allowed" in fine.text
    assert "OK in a country's plan channel or thread" in fine.text and "Attach Files" in fine.text
    # the thread's parent takes Send Messages in Threads away from the bot
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id, deny=discord.Permissions(send_messages_in_threads=True).value)
    await gw.settle()
    denied = (await gw.slash("setup check")).text
    assert "plans: cannot Send Messages in Threads in #cambodia-plan" in denied
    assert "cannot Send Messages in #announcements" not in denied  # the channel itself is fine
    assert "no longer exists" not in (await gw.slash("setup show")).text
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id)
    await gw.settle()
    # the milestone falling due is posted in the thread, once
    await add_action(gw, target=in_days(1))
    assert await check(gw.bot, now=datetime.now(UTC) + timedelta(days=2)) == 1
    await gw.settle()
    posts = [m for m in gw.messages.values() if "Milestone due" in m["content"]]
    assert [int(m["channel_id"]) for m in posts] == [PLAN_THREAD]


@pytest.mark.parametrize("config_data", [WITH_PLACES])
async def test_an_archived_plan_thread_is_not_called_deleted(gw: OfflineDiscord, app: App,
                                                             config_data: dict[str, Any]) -> None:
    """Discord archives a quiet thread; discord.py then drops it from its cache. /setup check asks
    Discord for it by id and checks it, and only a thread Discord no longer has is reported gone."""
    add_summary_channel(gw)
    open_thread(gw)
    await gw.settle()
    archived = {**gw.channels[PLAN_THREAD]}
    archived["thread_metadata"] = {**archived["thread_metadata"], "archived": True}
    gw.channels[PLAN_THREAD] = archived
    gw.dispatch("THREAD_UPDATE", archived)
    await gw.settle()
    assert gw.bot.get_guild(gw.guild_id).get_thread(PLAN_THREAD) is None  # gone from the cache
    fine = await gw.slash("setup check")
    assert "no longer exists" not in fine.text and "Everything the enabled features need is allowed" in fine.text
    assert any(c.method == "GET" and c.path == f"/channels/{PLAN_THREAD}" for c in gw.calls)  # asked by id
    del gw.channels[PLAN_THREAD]  # deleted on Discord's side
    gone = await gw.slash("setup check")
    assert f"a country's plan channel or thread (channel {PLAN_THREAD}) no longer exists" in gone.text


@pytest.mark.parametrize("config_data", [WITH_PLACES])
async def test_doctor_finds_the_plan_thread_over_rest(
        gw: OfflineDiscord, cli_env: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], config_data: dict[str, Any]) -> None:
    from cogs.setup import jobs

    def offline_client() -> discord.Client:
        client = discord.Client(intents=discord.Intents(guilds=True))
        client.http.request = gw._http_request  # type: ignore[method-assign]
        return client

    monkeypatch.setattr(jobs, "make_client", offline_client)
    add_summary_channel(gw)
    open_thread(gw)
    gw.set_overwrite(SUMMARY_CHANNEL, gw.bot_role_id, deny=discord.Permissions(attach_files=True).value)
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id, deny=discord.Permissions(send_messages_in_threads=True).value)
    await gw.settle()
    code = await asyncio.to_thread(main, ["--config", str(cli_env), "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "no longer exists" not in out
    assert "FIX   plans: cannot Send Messages in Threads in #cambodia-plan" in out
    assert "FIX   plans: cannot Attach Files in #facilitators (attach the answers as a CSV file)" in out
    assert "ok    plans: can View Channel in #cambodia-plan" in out
    text = (await gw.slash("setup check")).text  # the slash command computes the same from the cache
    assert "cannot Send Messages in Threads in #cambodia-plan" in text and "cannot Attach Files in #facilitators" in text
