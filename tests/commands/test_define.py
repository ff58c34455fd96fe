"""/define through the real discord.py code path: payloads in, REST calls asserted."""

from __future__ import annotations

import pytest

from offline import OfflineDiscord


async def test_define_answers_with_the_definition_embed(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative")
    assert result.response_type == 4
    assert not result.ephemeral
    embed = result.embed
    assert embed["title"] == "Cooperative"
    assert "democratically" in embed["description"]
    assert embed["footer"]["text"].startswith("Sources: ")
    labels = [b["label"] for b in result.buttons]
    assert "Worker cooperative" in labels
    assert all(b["custom_id"].startswith("sse:glossary:define:") for b in result.buttons)


async def test_answer_follows_the_members_discord_locale(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative", locale="th")
    assert result.embed["title"] == "สหกรณ์ — Cooperative"
    field_names = [f["name"] for f in result.embed["fields"]]
    assert "In Thai (draft translation, not yet reviewed)" in field_names


async def test_explicit_language_wins_over_locale(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="social enterprise", language="Japanese", locale="th")
    assert result.embed["title"].endswith("— Social enterprise")
    assert "社会的企業" in result.embed["title"]


async def test_lookup_in_another_script_and_with_a_typo(gw: OfflineDiscord) -> None:
    assert (await gw.slash("define", term="合作社")).embed["title"] == "Cooperative"
    assert (await gw.slash("define", term="cooprative")).embed["title"] == "Cooperative"


async def test_related_term_button_shows_that_term_to_the_presser(gw: OfflineDiscord) -> None:
    first = await gw.slash("define", term="cooperative")
    pressed = await gw.press(first, "Worker cooperative", user=gw.facilitator_id)
    assert pressed.response_type == 4
    assert pressed.ephemeral
    assert pressed.embed["title"] == "Worker cooperative"


async def test_related_buttons_keep_working_after_a_restart(gw: OfflineDiscord) -> None:
    # A message posted before the restart: only its custom_id survives, as in Discord.
    message = gw.message_payload("", author=int(gw.bot_user["id"]), channel_id=gw.channel_id("general"))
    message["components"] = [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Decent work", "custom_id": "sse:glossary:define:decent-work"}]}]
    gw.messages[int(message["id"])] = message
    result = await gw.click(int(message["id"]), "sse:glossary:define:decent-work")
    assert result.embed["title"] == "Decent work"


async def test_a_miss_is_private_and_suggests_terms_as_buttons(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="solidarity finanse coop bank")
    assert result.ephemeral
    assert result.embed["title"] == "No exact match"
    assert result.buttons, "suggestions come as buttons"
    pressed = await gw.click(result.message_id, result.buttons[0]["custom_id"])
    assert pressed.embed["title"] != "No exact match"


async def test_autocomplete_answers_any_language_within_limits(gw: OfflineDiscord) -> None:
    result = await gw.autocomplete("define", "term", term="협동")
    values = [c["value"] for c in result.choices]
    assert "cooperative" in values
    assert len(result.choices) <= 25
    empty = await gw.autocomplete("define", "term", term="")
    assert len(empty.choices) == 25


async def test_language_autocomplete(gw: OfflineDiscord) -> None:
    result = await gw.autocomplete("define", "language", term="coop", language="kh")
    assert "km" in [c["value"] for c in result.choices]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200b\u200c\u200d", "empty"),
        ("x" * 10_000, "too long"),
    ],
)
async def test_bad_input_gets_a_private_polite_answer(gw: OfflineDiscord, term: str, expected: str) -> None:
    result = await gw.slash("define", term=term)
    assert result.ephemeral
    assert expected in result.embed["description"]


@pytest.mark.parametrize("term", ["@everyone", "<@&900000000000000101> help", "**bold** _x_ `code`", "coop @here"])
async def test_mentions_and_markdown_are_never_live(gw: OfflineDiscord, term: str) -> None:
    result = await gw.slash("define", term=term)
    callback = result.callback
    assert callback is not None
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}
    # echoed text is neutralised too, so it cannot even look like a ping
    text = result.text
    assert "@everyone" not in text and "@here" not in text and "<@&9" not in text


async def test_unknown_language_is_a_polite_error(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="coop", language="Klingon")
    assert result.ephemeral
    assert "don't know that language" in result.embed["description"]


async def test_nothing_close_says_so_and_offers_a_way_on(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="blockchain")
    assert result.ephemeral
    assert result.embed["title"] == "No exact match"
    assert not result.buttons, "no alphabetical junk to press"
    fields = {f["name"]: f["value"] for f in result.embed.get("fields", [])}
    assert "Did you mean" not in fields
    assert "/resources" in fields["Nothing close"]


async def test_a_typo_finds_the_term_and_typos_are_not_shown_as_other_names(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperatve")
    assert result.embed["title"] == "Cooperative"
    also = next(f["value"] for f in result.embed["fields"] if f["name"] == "Also called")
    assert "co-op" in also
    assert "cooperatve" not in also and "coperative" not in also


async def test_a_thai_near_miss_finds_the_thai_term(gw: OfflineDiscord) -> None:
    # สหกรณ์การเกษตร (agricultural cooperative) with one letter doubled
    result = await gw.slash("define", term="สหกรณ์การเกษตรร", locale="th")
    assert result.embed["title"] == "สหกรณ์การเกษตร — Agricultural cooperative"


async def test_a_japanese_near_miss_suggests_the_closest_term_first(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="協同組")  # 協同組合 (cooperative) cut short
    assert result.embed["title"] == "No exact match"
    labels = [b["label"] for b in result.buttons]
    assert labels and labels[0] == "協同組合 — Cooperative", labels
    assert all(label.startswith("協同組") for label in labels), labels
    pressed = await gw.click(result.message_id, result.buttons[0]["custom_id"])
    assert pressed.embed["title"] == "Cooperative"
