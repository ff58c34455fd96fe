"""Start-up: login, command sync with translations, no needless re-sync, and a refused sync that
does not stop the bot."""

from __future__ import annotations

from bot.app import App
from offline import OfflineDiscord, boot_offline
from offline.faults import http_error
from tests.conftest import ErrorLogCatcher


async def test_commands_are_synced_to_the_guild_with_localised_names(gw: OfflineDiscord) -> None:
    synced = gw.synced_commands[str(gw.guild_id)]
    by_name = {c["name"]: c for c in synced}
    assert {"define", "resources"} <= set(by_name)
    define = by_name["define"]
    assert define["name_localizations"]["th"] == "นิยาม"
    assert define["name_localizations"]["ja"] == "用語"
    assert define["description_localizations"]["vi"]
    term = next(o for o in define["options"] if o["name"] == "term")
    assert term["autocomplete"] is True
    assert term["name_localizations"]["ko"] == "단어"


async def test_a_restart_with_unchanged_commands_does_not_sync_again(app: App) -> None:
    _, first = await boot_offline(app)
    await first.close()
    assert [c for c in first.calls if c.method == "PUT"], "first start syncs"

    _, second = await boot_offline(app, app_id=first.app_id)
    try:
        assert not [c for c in second.calls if c.method == "PUT"], "unchanged commands are not synced again"
        result = await second.slash("define", term="coop")
        assert result.embed["title"] == "Cooperative"
    finally:
        await second.close()


SYNC = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
# What Discord answers a command set it will not take (https://discord.com/developers/docs/reference#error-messages)
REJECTED = {"code": 50035, "message": "Invalid Form Body",
            "errors": {"0": {"name": {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME",
                                                   "message": "Command name is invalid"}]}}}}


async def test_a_refused_command_sync_is_logged_and_the_bot_keeps_serving(
    app: App, error_logs: ErrorLogCatcher,
) -> None:
    def refuse_sync(gateway: OfflineDiscord) -> None:
        gateway.faults.add(SYNC, http_error(400, REJECTED))

    _, gw = await boot_offline(app, prepare=refuse_sync)
    try:
        assert [c for c in gw.calls if c.key == SYNC], "the bot tried to sync"
        result = await gw.slash("define", term="coop")
        assert result.embed["title"] == "Cooperative"
    finally:
        await gw.close()
    # A failed sync is worth an ERROR (members may see stale commands): exactly that one record.
    logged = [r.getMessage() for r in error_logs.records]
    assert len(logged) == 1, logged
    assert "Invalid Form Body" in logged[0] and "Command name is invalid" in logged[0] and "400" in logged[0]

    # Nothing was recorded as synced, so the next start tries again.
    _, again = await boot_offline(app, app_id=gw.app_id)
    try:
        assert [c for c in again.calls if c.key == SYNC]
    finally:
        await again.close()
