"""/resources through the real discord.py code path."""

from __future__ import annotations

from offline import OfflineDiscord
from tests.conftest import FakeCatalogue


async def test_filters_narrow_the_results(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", country="Mongolia")
    embed = result.embed
    assert embed["title"] == "Resources: Mongolia"
    assert embed["fields"], "at least one Mongolian resource"
    for field in embed["fields"]:
        assert "Mongolia" in field["value"] or "Regional" not in field["value"]
        assert "[Open](https://" in field["value"] or "Available from" in field["value"]


async def test_pages_turn_with_buttons_and_only_for_the_asker(gw: OfflineDiscord) -> None:
    first = await gw.slash("resources", user=gw.member_id)
    assert "page 1 of" in first.embed["description"]
    titles_page_1 = [f["name"] for f in first.embed["fields"]]
    assert first.button("◀ Previous")["disabled"] is True

    second = await gw.press(first, "Next ▶", user=gw.member_id)
    assert second.response_type == 7  # the same message is updated
    assert "page 2 of" in second.message["embeds"][0]["description"]
    assert [f["name"] for f in second.message["embeds"][0]["fields"]] != titles_page_1

    stranger = await gw.click(first.message_id, second.button("Next ▶")["custom_id"], user=gw.facilitator_id)
    assert stranger.ephemeral
    assert "Only the person who ran this search" in stranger.embed["description"]


async def test_page_buttons_survive_a_restart(gw: OfflineDiscord) -> None:
    first = await gw.slash("resources", user=gw.member_id)
    next_id = first.button("Next ▶")["custom_id"]
    # Forget the in-memory view state as a restart would; only the DB and custom_id remain.
    gw.bot._connection._view_store._synced_message_views.clear()  # type: ignore[attr-defined]
    again = await gw.click(first.message_id, next_id, user=gw.member_id)
    assert "page 2 of" in again.message["embeds"][0]["description"]


async def test_nothing_found_says_so(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", query="zzzz-no-such-thing-qqq")
    assert "Nothing matched" in result.embed["description"]


async def test_unknown_filter_value_is_private_with_suggestions(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", country="Thailnd")
    assert result.ephemeral
    assert "Thailand" in result.embed["fields"][0]["value"]


async def test_filter_autocomplete(gw: OfflineDiscord) -> None:
    countries = await gw.autocomplete("resources", "country", country="viet")
    assert [c["value"] for c in countries.choices] == ["Viet Nam"]
    topics = await gw.autocomplete("resources", "topic", topic="")
    assert 1 <= len(topics.choices) <= 25
    types = await gw.autocomplete("resources", "type", type="pol")
    assert "policy-brief" in [c["value"] for c in types.choices]


async def test_hostile_query_is_harmless(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", query="@everyone <@&1> \u200b" + "x" * 5000)
    assert result.ephemeral
    assert "too long" in result.embed["description"]
    assert result.callback is not None and result.callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_each_result_shows_its_status(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", query="case study", country="China")
    values = [f["value"] for f in result.embed["fields"]]
    assert any("validated draft, Sep 2020" in v for v in values), values  # the month as CLDR abbreviates it
    drafts = [v for v in values if "validated draft" in v]
    assert all("2020 ·" not in v.split("\n")[0].split("validated")[0] for v in drafts), "no publication year for drafts"


async def test_a_japanese_member_reads_the_labels_in_japanese(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("ja", {"Country study": "国別研究", "Resources: {filters}": "資料: {filters}",
                          ("{count} found", "{count} found"): ("{count}件",)})
    result = await gw.slash("resources", query="case study", country="China", locale="ja")
    assert result.embed["title"] == "資料: “case study”, China"
    assert result.embed["description"] == f"{len(result.embed['fields'])}件"
    study = next(f["value"] for f in result.embed["fields"] if "validated draft" in f["value"])
    # the type from the catalogue; the month and the languages' names from CLDR, as Japanese writes them
    assert study.startswith("国別研究 · ") and "validated draft, 2020年9月" in study and "英語" in study
    assert len([line for line in result.content.splitlines() if line.startswith("-# ")]) == 1


async def test_a_glossary_name_in_any_language_finds_the_english_entries(gw: OfflineDiscord) -> None:
    english = await gw.slash("resources", query="cooperative")
    count = english.embed["description"].split(" found")[0]
    for query in ("สหกรณ์", "協同組合", "hop tac xa", "кооператив"):
        result = await gw.slash("resources", query=query)
        description = result.embed["description"]
        assert description.split(" found")[0] == count, (query, description)
        for field in result.embed["fields"]:
            assert "coop" in (field["name"] + field["value"]).lower().replace("co-op", "coop"), field
        assert description.split("\n")[-1].startswith("-# Also searched: Cooperative"), description


async def test_entries_found_through_the_glossary_come_after_direct_matches(gw: OfflineDiscord) -> None:
    result = await gw.slash("resources", query="koperasi")
    first = result.embed["fields"][0]
    assert "koperasi" in (first["name"] + first["value"]).lower()
    assert "Also searched: Cooperative" in result.embed["description"]
