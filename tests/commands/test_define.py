"""/define through the real discord.py code path."""

from __future__ import annotations

from bot.offline import OfflineDiscord


async def test_define_answers_with_the_definition_embed(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative")
    assert result.response_type == 4
    assert not result.ephemeral
    embed = result.embed
    assert embed["title"] == "Cooperative"
    assert "member" in embed["description"].lower() or "owned" in embed["description"].lower()
    assert embed["footer"]["text"].startswith("Sources: ")
    # related terms come as buttons
    assert result.buttons and all(b["custom_id"].startswith("sse:glossary:define:") for b in result.buttons)
