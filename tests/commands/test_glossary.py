"""/glossary through the real discord.py code path: browsing by letter, topic and country, paged."""

from __future__ import annotations

import pytest

from bot.app import App
from cogs.glossary.browse import letter_of
from offline import OfflineDiscord


def names_listed(description: str) -> list[str]:
    return [line.split("**")[1] for line in description.splitlines() if line.startswith("• **")]


async def test_no_options_gives_an_overview_with_counts_and_how_to_use(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("glossary browse")
    assert result.ephemeral
    embed = result.embed
    assert embed["title"] == f"Glossary: {len(app.content.terms)} SSE terms"
    assert "/glossary browse letter:C" in embed["description"] and "/define" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    c_terms = sum(1 for t in app.content.terms if letter_of(t.term) == "C")
    assert f"C {c_terms}" in fields["By letter"]
    assert "cooperatives" in fields["By topic"] and "Thailand" in fields["By country"]


async def test_a_letter_lists_its_terms_a_page_at_a_time_with_buttons(gw: OfflineDiscord, app: App) -> None:
    expected = sorted((t.term for t in app.content.terms if t.term.startswith("C")), key=str.casefold)
    assert len(expected) > 10, "enough C terms for two pages"
    first = await gw.slash("glossary browse", letter="c", user=gw.member_id)
    assert first.ephemeral
    assert first.embed["title"] == "Glossary: letter C"
    assert f"{len(expected)} terms — page 1 of 2" in first.embed["description"]
    page_1 = names_listed(first.embed["description"])
    assert page_1 == expected[:10]
    term_buttons = [b for b in first.buttons if b["custom_id"].startswith("sse:glossary:define:")]
    assert [b["label"] for b in term_buttons] == page_1
    assert first.button("◀ Previous")["disabled"] is True

    second = await gw.press(first, "Next ▶", user=gw.member_id)
    assert second.response_type == 7
    page_2 = names_listed(second.message["embeds"][0]["description"])
    assert page_2 == expected[10:20]
    labels = [b["label"] for row in second.message["components"] for b in row["components"]]
    assert labels[: len(page_2)] == page_2, "the new page's own term buttons"

    stranger = await gw.click(first.message_id, second.button("◀ Previous")["custom_id"], user=gw.facilitator_id)
    assert stranger.ephemeral and "Only the person who ran this search" in stranger.embed["description"]


async def test_page_buttons_and_term_buttons_survive_a_restart(gw: OfflineDiscord) -> None:
    first = await gw.slash("glossary browse", letter="S", user=gw.member_id)
    gw.bot._connection._view_store._synced_message_views.clear()  # type: ignore[attr-defined]
    again = await gw.click(first.message_id, first.button("Next ▶")["custom_id"], user=gw.member_id)
    assert "page 2 of" in again.message["embeds"][0]["description"]
    gw.bot._connection._view_store._synced_message_views.clear()  # type: ignore[attr-defined]
    term = again.buttons[0]
    opened = await gw.click(first.message_id, term["custom_id"], user=gw.facilitator_id)
    assert opened.ephemeral and opened.embed["title"] == term["label"]


async def test_a_term_button_opens_the_term_privately(gw: OfflineDiscord) -> None:
    page = await gw.slash("glossary browse", topic="finance")
    opened = await gw.press(page, "Credit union")
    assert opened.ephemeral
    assert opened.embed["title"] == "Credit union"
    assert [b["label"] for b in opened.buttons] == ["Explain more", "Related terms", "Sources"]


async def test_topic_and_country_narrow_together_and_any_country_name_works(gw: OfflineDiscord, app: App) -> None:
    expected = sorted((t.term for t in app.content.terms if "finance" in t.topics and "TH" in t.countries),
                      key=str.casefold)
    assert expected
    for country in ("Thailand", "ไทย", "thailand", "TH"):
        result = await gw.slash("glossary browse", topic="Finance", country=country)
        assert result.embed["title"] == "Glossary: topic finance, Thailand"
        assert names_listed(result.embed["description"]) == expected
        assert not any(b["label"].startswith("◀") for b in result.buttons), "one page: no page buttons"


async def test_names_come_in_the_members_language_with_the_english_name(gw: OfflineDiscord) -> None:
    thai = await gw.slash("glossary browse", topic="cooperatives", locale="th")
    assert "สหกรณ์ — Cooperative" in names_listed(thai.embed["description"])
    assert "สหกรณ์ — Cooperative" in [b["label"] for b in thai.buttons]
    korean = await gw.slash("glossary browse", topic="cooperatives", language="Korean", locale="th")
    assert "협동조합 — Cooperative" in names_listed(korean.embed["description"])


async def test_nothing_found_is_a_polite_private_answer(gw: OfflineDiscord) -> None:
    result = await gw.slash("glossary browse", topic="traditions", country="China")
    assert result.ephemeral
    assert result.embed["title"] == "No terms found"
    assert "topic traditions, China" in result.embed["description"]
    assert not result.buttons


@pytest.mark.parametrize(("options", "expected"), [
    ({"letter": "ab"}, "Pick one letter from A to Z"),
    ({"letter": "ส"}, "use /define"),
    ({"topic": "blockchain"}, "There is no topic like that"),
    ({"country": "Atlantis"}, "I don't know that country"),
    ({"language": "Klingon"}, "I don't know that language"),
])
async def test_bad_options_get_a_private_polite_answer(gw: OfflineDiscord, options: dict[str, str], expected: str) -> None:
    result = await gw.slash("glossary browse", **options)
    assert result.ephemeral
    assert expected in result.embed["description"]


async def test_autocomplete_offers_only_values_that_list_terms(gw: OfflineDiscord) -> None:
    topics = await gw.autocomplete("glossary browse", "topic", topic="fin")
    assert [c["value"] for c in topics.choices] == ["finance"]
    assert topics.choices[0]["name"].startswith("finance (")
    countries = await gw.autocomplete("glossary browse", "country", country="lao")
    assert [c["value"] for c in countries.choices] == ["Lao PDR"]
    thai_script = await gw.autocomplete("glossary browse", "country", country="ไทย")
    assert [c["value"] for c in thai_script.choices] == ["Thailand"]
    letters = await gw.autocomplete("glossary browse", "letter", letter="")
    assert "C" in [c["value"] for c in letters.choices] and "Q" not in [c["value"] for c in letters.choices]
    every = await gw.autocomplete("glossary browse", "topic", topic="")
    assert 1 <= len(every.choices) <= 25


@pytest.mark.parametrize("option", ["letter", "topic", "country", "language"])
async def test_hostile_text_pings_nobody_and_is_answered_privately(gw: OfflineDiscord, option: str) -> None:
    hostile = "@everyone <@&900000000000000101> \u200b\u200d" + "x" * 5000
    result = await gw.slash("glossary browse", **{option: hostile})
    assert result.ephemeral
    assert "too long" in result.embed["description"]
    assert result.callback is not None and result.callback.json["data"]["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in result.text and "<@&9" not in result.text
    invisible = await gw.slash("glossary browse", **{option: "\u200b\u200c\u200d\ufeff"})
    assert invisible.ephemeral and invisible.embed["title"].startswith("Glossary:"), "empty means no filter"
    pinging = await gw.slash("glossary browse", **{option: "@here"})
    assert pinging.ephemeral and "@here" not in pinging.text
