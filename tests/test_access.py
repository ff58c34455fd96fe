"""Permissions each capability needs: the records' flags are discord.Permissions names, the invite
asks for exactly their union, and the permission computation is discord.py's."""

from __future__ import annotations

import json
from pathlib import Path

import discord
import pytest

from bot import access
from bot.__main__ import main
from bot.capabilities import CAPABILITIES
from bot.config import Config
from offline import OfflineDiscord
from tests.conftest import ANNOUNCEMENTS

APP_ID = 1234567890123456789


def union_from_discord(capabilities, config: Config) -> int:  # type: ignore[no-untyped-def]
    """Independently of bot/access.py: every enabled need's flag through discord.Permissions."""
    perms = discord.Permissions.none()
    for capability in capabilities:
        for need in capability.permissions:
            if need.when is None or need.when(config):
                perms |= discord.Permissions(**{need.flag: True})
    return perms.value


def test_every_need_names_a_discord_permission_and_a_place() -> None:
    needs = [n for c in CAPABILITIES for n in c.permissions]
    assert needs, "the capabilities declare what they need"
    valid = set(discord.Permissions.VALID_FLAGS)
    for need in needs:
        assert need.flag in valid and need.where in access.WHERES and need.why
    for flag, bit in access.FLAGS.items():
        assert discord.Permissions(**{flag: True}).value == bit, flag


def test_the_invite_asks_for_exactly_the_union_and_follows_the_enabled_capabilities() -> None:
    config = Config()
    value = access.invite_permissions(CAPABILITIES, config)
    assert value == union_from_discord(CAPABILITIES, config)
    granted = discord.Permissions(value)
    assert granted.manage_events and granted.create_public_threads and granted.send_messages_in_threads
    assert not granted.administrator and not granted.manage_guild
    without_sessions = tuple(c for c in CAPABILITIES if c.name != "sessions")
    smaller = access.invite_permissions(without_sessions, config)
    assert smaller == union_from_discord(without_sessions, config) and smaller != value
    assert not discord.Permissions(smaller).manage_events  # only sessions make scheduled events
    no_events = Config.model_validate({"sessions": {"create_events": False}})
    assert not discord.Permissions(access.invite_permissions(CAPABILITIES, no_events)).manage_events
    without_qa = tuple(c for c in CAPABILITIES if c.name != "qa")
    assert not discord.Permissions(access.invite_permissions(without_qa, config)).create_public_threads


def test_invite_cli_prints_the_url_with_every_permission_and_why(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_APPLICATION_ID", raising=False)
    config = tmp_path / "config.yaml"
    config.write_text("sessions:\n  create_events: false\n", encoding="utf-8")
    assert main(["--config", str(config), "invite", "--client-id", str(APP_ID)]) == 0
    out = capsys.readouterr().out
    value = union_from_discord(CAPABILITIES, Config.model_validate({"sessions": {"create_events": False}}))
    assert out.splitlines()[0] == (f"https://discord.com/oauth2/authorize?client_id={APP_ID}"
                                   f"&scope=bot+applications.commands&permissions={value}")
    assert "Send Messages in Threads" in out and "post the solved notice" in out and "Manage Events" not in out
    assert main(["--config", str(config), "invite", "--client-id", str(APP_ID), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["permissions"] == value and {n["flag"] for n in data["needs"]} >= {"view_channel", "manage_threads"}


def test_invite_reads_the_application_id_from_the_token(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    monkeypatch.delenv("DISCORD_APPLICATION_ID", raising=False)
    head = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=")
    monkeypatch.setenv("DISCORD_TOKEN", f"{head}.GxYz12.secretpart")
    assert main(["--config", str(tmp_path / "none.yaml"), "invite"]) == 0
    assert f"client_id={APP_ID}&" in capsys.readouterr().out
    monkeypatch.delenv("DISCORD_TOKEN")
    assert main(["--config", str(tmp_path / "none.yaml"), "invite"]) == 2
    assert "--client-id" in capsys.readouterr().err


async def test_channel_permissions_agree_with_discord_py(gw: OfflineDiscord) -> None:
    """The CLI's computation from REST payloads gives what discord.py's permissions_for gives."""
    bot = gw.bot
    role = gw.bot_role_id
    gw.set_overwrite(ANNOUNCEMENTS, gw.guild_id, deny=discord.Permissions(view_channel=True).value)
    gw.set_overwrite(ANNOUNCEMENTS, role, allow=discord.Permissions(view_channel=True).value,
                     deny=discord.Permissions(send_messages=True).value)
    general = gw.channel_id("general")
    gw.set_overwrite(general, int(gw.bot_user["id"]), member=True, deny=discord.Permissions(embed_links=True).value)
    await gw.settle()
    guild = bot.get_guild(gw.guild_id)
    assert guild is not None and guild.me is not None
    roles = {int(r["id"]): int(r["permissions"]) for r in gw.roles.values()}
    for cid in (ANNOUNCEMENTS, general):
        channel = guild.get_channel(cid)
        assert channel is not None
        ours = access.channel_permissions(
            gw.guild_id, int(gw.owner["id"]), int(gw.bot_user["id"]), [role], roles,
            [access.Overwrite.from_payload(o) for o in gw.channels[cid]["permission_overwrites"]])
        assert ours == channel.permissions_for(guild.me).value, cid
    assert not discord.Permissions(ours).embed_links
    assert access.base_permissions(gw.guild_id, int(gw.owner["id"]), int(gw.bot_user["id"]), [role], roles) == \
        guild.me.guild_permissions.value




def test_the_check_names_a_forum_that_is_not_one_and_a_missing_place() -> None:
    places = [access.Place("guild", 0, "s", access.ALL, "server"),
              access.Place("qa_forum", 5, "general", access.ALL, "text")]
    texts = [f.text for f in access.problems(access.check(CAPABILITIES, Config(), places))]
    assert "qa: #general is a text channel, not a forum; choose the Q&A forum with /setup." in texts
    assert "sessions: the announcements channel is not set; choose one with /setup." in texts
