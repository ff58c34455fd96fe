"""GuildSettings: a stored value wins over config.yaml, a cleared one falls back, only server managers
change it, and only in the community's server."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.guild import GuildSettings, check_channel_kind
from bot.permissions import Actor
from tests.conftest import ANNOUNCEMENTS, FACILITATOR_ROLE, GUILD_ID

MANAGER = Actor(7, manages_server=True)


async def test_stored_values_win_and_clearing_falls_back_to_config(app: App) -> None:
    guild = app.guild
    assert guild.current.announcements == ANNOUNCEMENTS and guild.current.source("announcements") == "config.yaml"
    async with app.db.begin() as session:
        now = await guild.update(session, MANAGER, GUILD_ID, announcements=42, facilitators=[5, 6], timezone="Asia/Tokyo")
    assert (now.announcements, now.facilitators, now.timezone) == (42, (5, 6), "Asia/Tokyo")
    assert now.source("announcements") == "set with /setup" and now.qa_forum == app.config.channels.qa_forum
    fresh = GuildSettings(app.config)  # what another instance, or a restart, reads
    async with app.db.begin() as session:
        assert (await fresh.refresh(session)).facilitators == (5, 6)
        cleared = await guild.update(session, MANAGER, GUILD_ID, facilitators=None)
    assert cleared.facilitators == (FACILITATOR_ROLE,) and cleared.announcements == 42


async def test_only_managers_and_only_in_the_community_server(app: App) -> None:
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed, match="Manage Server"):
            await app.guild.update(session, Actor(7, frozenset({FACILITATOR_ROLE})), GUILD_ID, announcements=1)
        with pytest.raises(NotAllowed, match="another server"):
            await app.guild.update(session, MANAGER, GUILD_ID + 1, announcements=1)
    assert app.guild.current.announcements == ANNOUNCEMENTS


async def test_without_a_guild_id_the_first_server_set_up_is_the_community(app: App) -> None:
    guild = GuildSettings(Config())
    async with app.db.begin() as session:
        assert await guild.first_seen(session, 555) and not await guild.first_seen(session, 555)
        await guild.update(session, MANAGER, 555, qa_forum=9)
        assert guild.current.guild_id == 555 and guild.community(555) and not guild.community(556)
        assert (await GuildSettings(Config()).refresh(session)).qa_forum == 9


def test_a_channel_of_the_wrong_kind_is_refused_in_plain_words() -> None:
    with pytest.raises(InvalidInput, match="must be a forum channel; that one is a text channel"):
        check_channel_kind("Q&A forum", "text", ("forum",))
    check_channel_kind("announcements channel", "news", ("text", "news"))
