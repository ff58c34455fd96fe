"""/search through the real discord.py path: results, highlights, pages, filters, hostile input."""

from __future__ import annotations

import pytest

from cogs.search.writer import ArchiveWriter
from offline import OfflineDiscord
from tests.conftest import ARCHIVED


async def post_many(gw: OfflineDiscord, texts: list[str], author: int | None = None) -> None:
    for t in texts:
        await gw.post_message(t, author=author or gw.member_id, channel_id=ARCHIVED)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]


async def test_results_show_a_highlighted_snippet_author_date_and_jump_link(gw: OfflineDiscord) -> None:
    await post_many(gw, ["กลุ่มทอผ้าไหมขอนแก่น *needs* a marketing plan"])
    result = await gw.slash("search", query="ผ้าไหม")
    assert result.ephemeral
    field = result.embed["fields"][0]
    assert "**ผ้าไหม**" in field["value"]
    assert "\\*needs\\*" in field["value"]  # member markdown shown as typed
    assert f"<@{gw.member_id}>" in field["value"] and "<t:" in field["value"]
    assert f"https://discord.com/channels/{gw.guild_id}/{ARCHIVED}/" in field["value"]


async def test_many_results_are_paginated_with_buttons(gw: OfflineDiscord) -> None:
    await post_many(gw, [f"Khmer rice cooperative report part {i}" for i in range(12)])
    first = await gw.slash("search", query="rice cooperative")
    assert "page 1 of 3" in first.embed["description"]
    assert len(first.embed["fields"]) == 5
    second = await gw.press(first, "Next ▶")
    assert "page 2 of 3" in second.message["embeds"][0]["description"]
    someone = gw.add_user("other")
    denied = await gw.press(second, "Next ▶", user=someone)
    assert denied.ephemeral and "Only the person" in denied.text


async def test_author_and_scope_filters(gw: OfflineDiscord) -> None:
    other = gw.add_user("bolor")
    await post_many(gw, ["Кооператив малчдын тухай"], author=other)
    await post_many(gw, ["Кооператив бас миний санаа"])
    mine = await gw.slash("search", query="кооператив", author=gw.member_id)
    assert len(mine.embed["fields"]) == 1 and "миний" in mine.embed["fields"][0]["value"]
    questions = await gw.slash("search", query="кооператив", scope="questions")
    assert "Nothing found" in questions.text


@pytest.mark.parametrize("query", [
    '"', "AND OR NOT", "-x", "*", "col:val", "https://a.b/c?d=e&f", "c++", "don't", "🙂", "<@&900000000000000101>",
    "@everyone", "x" * 10_000, "\u200b", "NEAR(", "')--",
])
async def test_hostile_queries_get_an_answer_never_an_error(gw: OfflineDiscord, query: str) -> None:
    await post_many(gw, ["don't use c++ for a co-op website"])
    result = await gw.slash("search", query=query)
    assert result.ephemeral
    assert "something went wrong" not in result.text.lower()
    assert "@everyone" not in result.text.replace("@\u200beveryone", "")
    if query in ("c++", "don't"):
        assert "co-op website" in result.text


async def test_bad_dates_are_explained(gw: OfflineDiscord) -> None:
    result = await gw.slash("search", query="coop", after="last tuesday")
    assert result.ephemeral and "YYYY" not in result.text and "2026-03-31" in result.text


async def test_country_autocomplete_offers_the_configured_countries(gw: OfflineDiscord) -> None:
    result = await gw.autocomplete("search", "country", query="x", country="")
    assert isinstance(result.choices, list)
