"""Start-up: login, command sync with translations, and no needless re-sync."""

from __future__ import annotations

from bot.app import App
from offline import OfflineDiscord, boot_offline


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
