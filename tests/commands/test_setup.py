"""/setup through the offline Discord: select menus (channel select type 8, role select type 6),
Manage Server enforced by the bot, a text channel refused where a forum is needed, a change used
without a restart, the first-join message once, and the permission check with its fixes."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.__main__ import main
from bot.app import App
from bot.guild import GuildSettings
from db.models import GuildSetting
from offline import OfflineDiscord
from tests.commands.test_sessions import create
from tests.conftest import ANNOUNCEMENTS, FACILITATOR_ROLE, QA_FORUM

NOT_MANAGER = str(int(discord.Permissions.text().value))  # may talk, may not manage the server


def custom_id(message: dict[str, Any], prefix: str) -> str:
    for row in message["components"]:
        for c in row["components"]:
            if c.get("custom_id", "").startswith(prefix):
                return str(c["custom_id"])
    raise AssertionError(f"no component {prefix} in {message['components']}")


async def panel(gw: OfflineDiscord, user: int | None = None) -> dict[str, Any]:
    result = await gw.slash("setup show", user=user or gw.member_id)
    assert result.ephemeral
    return gw.messages[result.message_id]


async def test_setup_show_lists_the_values_and_where_they_come_from(gw: OfflineDiscord) -> None:
    result = await gw.slash("setup show", user=gw.member_id)
    assert result.ephemeral and "Announcements" in result.text and f"<#{ANNOUNCEMENTS}>" in result.text
    assert "config.yaml" in result.text
    types = [c["type"] for row in result.message["components"] for c in row["components"]]
    assert types.count(8) == 2 and types.count(6) == 2  # channel selects and role selects
    forum_menu = next(c for row in result.message["components"] for c in row["components"]
                      if c.get("custom_id") == "sse:setup:ch:qa_forum")
    assert forum_menu["channel_types"] == [15]
    assert result.callback and result.callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_a_member_without_manage_server_is_refused(gw: OfflineDiscord, app: App) -> None:
    message = await panel(gw)
    gw.member_permissions[gw.facilitator_id] = NOT_MANAGER
    result = await gw.slash("setup show", user=gw.facilitator_id)
    assert result.ephemeral and "Manage Server" in result.text
    other = gw.add_channel("elsewhere", gw.snowflake(), 0)
    # the menu of someone else's panel: the bot checks again, whatever Discord shows
    pressed = await gw.select(int(message["id"]), "sse:setup:ch:announcements", [other], kind=8,
                              user=gw.facilitator_id)
    assert pressed.ephemeral and "Manage Server" in pressed.text
    assert app.guild.current.announcements == ANNOUNCEMENTS
    assert "Manage Server" in (await gw.slash("setup check", user=gw.facilitator_id)).text


async def test_a_text_channel_is_refused_where_a_forum_is_needed(gw: OfflineDiscord, app: App) -> None:
    message = await panel(gw)
    general = gw.channel_id("general")
    result = await gw.select(int(message["id"]), custom_id(message, "sse:setup:ch:qa_forum"), [general], kind=8)
    assert result.ephemeral and "must be a forum channel" in result.text and "text channel" in result.text
    assert app.guild.current.qa_forum == QA_FORUM


async def test_a_new_announcements_channel_is_used_at_once(gw: OfflineDiscord, app: App) -> None:
    news = gw.add_channel("news", gw.snowflake(), 5)
    gw.dispatch("CHANNEL_CREATE", gw.channels[news])
    message = await panel(gw)
    result = await gw.select(int(message["id"]), "sse:setup:ch:announcements", [news], kind=8)
    assert result.ephemeral and "Saved" in result.text and f"<#{news}>" in result.text and "set with /setup" in result.text
    async with app.db.begin() as session:
        row = await session.get(GuildSetting, gw.guild_id)
        assert row is not None and row.announcements == news
    await create(gw)  # no restart: the session's announcement goes to the new channel
    posted = [m for m in gw.messages.values() if m["embeds"] and not (m.get("flags") or 0) & 64]
    assert [int(m["channel_id"]) for m in posted] == [news]
    # and a second App on the same database (another instance, or after a restart) reads it too
    other = GuildSettings(app.config)
    async with app.db.begin() as session:
        assert (await other.refresh(session)).announcements == news


async def test_roles_chosen_in_the_menu_decide_who_is_a_facilitator(gw: OfflineDiscord, app: App) -> None:
    new_role = gw.add_role(gw.snowflake(), "Trainers")
    gw.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(gw.guild_id), "role": gw.roles[new_role]})
    trainer = gw.add_user("trainer", roles=[new_role])
    message = await panel(gw)
    result = await gw.select(int(message["id"]), "sse:setup:role:facilitators", [new_role], kind=6)
    assert "Saved" in result.text and f"<@&{new_role}>" in result.text
    assert app.guild.current.facilitators == (new_role,)
    planned = await gw.slash("session create", user=trainer, title="By a trainer", start="2099-01-05 10:00",
                             timezone="Asia/Bangkok")
    assert "Only facilitators" not in planned.text
    refused = await gw.slash("session create", user=gw.facilitator_id, title="Old role", start="2099-01-06 10:00",
                             timezone="Asia/Bangkok")
    assert "Only facilitators" in refused.text and FACILITATOR_ROLE not in app.guild.current.facilitators


async def test_defaults_set_the_time_zone_and_language(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("setup defaults", timezone="Asia/Ho_Chi_Minh", language="Tiếng Việt")
    assert result.ephemeral and "Saved" in result.text
    assert (app.guild.current.timezone, app.guild.current.language) == ("Asia/Ho_Chi_Minh", "vi")
    bad = await gw.slash("setup defaults", timezone="Mars/Olympus")
    assert bad.ephemeral and "time zone" in bad.text and app.guild.current.timezone == "Asia/Ho_Chi_Minh"


async def test_create_the_qa_forum_with_the_configured_tags(gw: OfflineDiscord, app: App) -> None:
    gw.remove_channel(QA_FORUM)
    await gw.settle()
    message = await panel(gw)
    result = await gw.click(int(message["id"]), "sse:setup:do:forum")
    assert "Saved" in result.text
    forum = app.guild.current.qa_forum
    assert forum and forum != QA_FORUM and gw.channels[forum]["type"] == 15
    assert {t["name"] for t in gw.channels[forum]["available_tags"]} >= {"Solved", *app.config.qa.topics}


async def test_check_names_an_overwrite_denying_send_messages_with_the_fix(
        gw: OfflineDiscord, caplog: pytest.LogCaptureFixture) -> None:
    assert "Everything the enabled features need is allowed" in (await gw.slash("setup check")).text
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id, deny=discord.Permissions(send_messages=True).value)
    await gw.settle()
    result = await gw.slash("setup check")
    assert result.ephemeral
    assert "cannot Send Messages in #announcements" in result.text
    assert "Give the bot's role Send Messages in #announcements" in result.text
    assert "cannot Embed Links in #announcements" in result.text  # Discord drops it without Send Messages
    message = await panel(gw)
    with caplog.at_level(logging.WARNING, logger="cogs.setup.jobs"):
        await gw.select(int(message["id"]), "sse:setup:role:helpers", [gw.bot_role_id], kind=6)
    assert any("after /setup" in r.getMessage() and "Send Messages in #announcements" in r.getMessage()
               for r in caplog.records)


async def test_a_deleted_channel_is_named_and_the_rest_keeps_working(gw: OfflineDiscord, app: App) -> None:
    message = await panel(gw)
    doomed = gw.add_channel("doomed", gw.snowflake(), 0)
    gw.dispatch("CHANNEL_CREATE", gw.channels[doomed])
    await gw.select(int(message["id"]), "sse:setup:ch:announcements", [doomed], kind=8)
    gw.remove_channel(doomed)
    await gw.settle()
    result = await gw.slash("setup check")
    assert f"the announcements channel (channel {doomed}) no longer exists" in result.text
    assert "deleted" in (await gw.slash("setup show")).text
    assert (await gw.slash("define", term="cooperative")).text  # everything else still serves


async def test_the_first_join_tells_how_to_run_setup_once(gw: OfflineDiscord, app: App) -> None:
    new_guild = gw.snowflake()
    system = gw.snowflake()
    gw.channels[system] = {**gw.channels[gw.channel_id("general")], "id": str(system), "name": "welcome",
                           "guild_id": str(new_guild), "permission_overwrites": []}
    gw.system_channel_id = str(system)
    payload = {**gw.guild_payload(new_guild), "roles": [{**r, "id": str(new_guild)} if r["name"] == "@everyone" else r
                                                        for r in gw.roles.values()],
               "channels": [gw.channels[system]]}
    gw.dispatch("GUILD_CREATE", payload)
    await gw.settle()
    gw.dispatch("GUILD_CREATE", payload)  # a reconnect, or the bot removed and added again
    await gw.settle()
    welcomes = [m for m in gw.messages.values() if "/setup show" in m["content"]]
    assert len(welcomes) == 1 and int(welcomes[0]["channel_id"]) == system
    assert welcomes[0]["nonce"]  # sent through the outbox
    # the configured community's own GUILD_CREATE at start got no welcome
    assert all(int(m["channel_id"]) != ANNOUNCEMENTS for m in welcomes)


# ---------------------------------------------------------------- python -m bot doctor
@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DISCORD_TOKEN", "offline-token")
    return settings.config_path


async def test_doctor_reads_guild_roles_and_overwrites_over_rest(
        gw: OfflineDiscord, cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    gw.set_overwrite(ANNOUNCEMENTS, gw.bot_role_id, deny=discord.Permissions(send_messages=True).value)
    gw.set_overwrite(QA_FORUM, gw.guild_id, deny=discord.Permissions(manage_threads=True).value)
    from cogs.setup import jobs

    def offline_client() -> discord.Client:
        client = discord.Client(intents=discord.Intents(guilds=True))
        client.http.request = gw._http_request  # type: ignore[method-assign]  # the same recorded routes
        return client

    monkeypatch.setattr(jobs, "make_client", offline_client)
    code = await asyncio.to_thread(main, ["--config", str(cli_env), "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FIX   sessions: cannot Send Messages in #announcements" in out
    assert "Give the bot's role Send Messages in #announcements" in out
    assert "cannot Manage Threads in #qa-forum" in out
    assert "ok    sessions: can Manage Events in the server" in out
    routes = {c.key for c in gw.calls}
    assert {"GET /guilds/{guild_id}", "GET /guilds/{guild_id}/channels", "GET /guilds/{guild_id}/members/{member_id}"} <= routes
    # the slash command computes the same from the cache
    text = (await gw.slash("setup check")).text
    assert "cannot Send Messages in #announcements" in text and "cannot Manage Threads in #qa-forum" in text


async def test_without_a_system_channel_the_owner_gets_the_welcome_by_dm(gw: OfflineDiscord) -> None:
    new_guild = gw.snowflake()
    gw.system_channel_id = None
    payload = {**gw.guild_payload(new_guild), "roles": [{**r, "id": str(new_guild)} if r["name"] == "@everyone" else r
                                                        for r in gw.roles.values()], "channels": []}
    gw.dispatch("GUILD_CREATE", payload)
    await gw.settle()
    await gw.bot.delivery.run_due("dm")  # type: ignore[attr-defined]
    opened = [c for c in gw.calls if c.key == "POST /users/@me/channels"]
    assert [int(c.json["recipient_id"]) for c in opened] == [int(gw.owner["id"])]
    assert len([m for m in gw.messages.values() if "/setup show" in m["content"]]) == 1


async def test_the_check_at_start_logs_one_line_per_problem(app: App, caplog: pytest.LogCaptureFixture) -> None:
    from offline import boot_offline

    def deny(gateway: OfflineDiscord) -> None:
        gateway.set_overwrite(ANNOUNCEMENTS, gateway.bot_role_id, deny=discord.Permissions(send_messages=True).value)

    with caplog.at_level(logging.WARNING, logger="cogs.setup.jobs"):
        _bot, gateway = await boot_offline(app, prepare=deny)
        await gateway.close()
    lines = [r.getMessage() for r in caplog.records if "at start" in r.getMessage()]
    assert any("sessions: cannot Send Messages in #announcements" in line for line in lines)
    assert len(lines) == len(set(lines)) and all("Give the bot's role" in line for line in lines)


async def test_a_new_time_zone_moves_the_weekly_digest_to_its_local_time(gw: OfflineDiscord, app: App) -> None:
    from zoneinfo import ZoneInfo

    before = app.scheduler.next_run("digest:weekly")
    assert before is not None and before.astimezone(ZoneInfo("Asia/Bangkok")).hour == 9
    await gw.slash("setup defaults", timezone="Asia/Tokyo")
    after = app.scheduler.next_run("digest:weekly")
    assert after is not None and after.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9 and after != before
