"""/search through the real discord.py path: results, highlights, pages, filters, hostile input."""

from __future__ import annotations

import asyncio

import pytest

from cogs.search.writer import ArchiveWriter
from offline import OfflineDiscord
from tests.conftest import ARCHIVED
from tests.conftest import config_on_both_search_engines as config_data  # noqa: F401 (each test on both engines)


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


async def test_paginated_replies_leave_no_view_or_timer_behind(gw: OfflineDiscord) -> None:
    # discord.py keeps a sent view in its view store (with a 15-minute timer for an ephemeral
    # reply, forever after an edit) unless it is finished; the page buttons do not need it.
    await post_many(gw, [f"Khmer rice cooperative report part {i}" for i in range(12)])
    tasks_before, views_before = len(asyncio.all_tasks()), len(gw.bot.persistent_views)
    replies = [await gw.slash("search", query="rice cooperative") for _ in range(5)]
    turned = await gw.press(replies[0], "Next ▶")
    assert "page 2 of 3" in turned.message["embeds"][0]["description"]
    assert "page 3 of 3" in (await gw.press(turned, "Next ▶")).message["embeds"][0]["description"]
    assert len(asyncio.all_tasks()) <= tasks_before
    assert len(gw.bot.persistent_views) == views_before


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


# ------------------------------------------------------------------ across languages (the glossary as a thesaurus)
COOP = {
    "en": "Our weaving cooperative needs a bookkeeper",
    "th": "สหกรณ์ผ้าไหมของเราต้องการนักบัญชี",
    "ja": "地域の協同組合で会計担当を探しています",
    "vi": "Hợp tác xã dệt lụa ở Hội An cần kế toán",
    "ru": "Наш кооператив ищет бухгалтера",
}


def field_languages(fields: list[dict[str, str]]) -> list[str]:
    """Which COOP message each result field shows, in order."""
    out = []
    for field in fields:
        text = field["value"].replace("**", "")
        out += [lang for lang, message in COOP.items() if message.split()[-1] in text]
    return out


@pytest.mark.parametrize(("query", "typed"), [
    ("cooperative", "en"), ("สหกรณ์", "th"), ("協同組合", "ja"), ("hop tac xa", "vi"), ("кооператив", "ru"),
])
async def test_a_term_searched_in_one_language_finds_it_in_the_others_after_its_own(
    gw: OfflineDiscord, query: str, typed: str
) -> None:
    await post_many(gw, [*COOP.values(), "The market opens at six"])
    result = await gw.slash("search", query=query)
    order = field_languages(result.embed["fields"])
    assert order[0] == typed, order
    assert sorted(order) == sorted(COOP), order
    description = result.embed["description"]
    assert description.startswith("5 results")
    note = description.split("\n")[-1]
    assert note.startswith("-# Also searched: ")
    for name in ("Cooperative", "สหกรณ์", "協同組合", "hợp tác xã", "кооператив"):
        assert (name in note) != (name.casefold() == query.casefold()) or typed == "vi", (name, note)


async def test_expanded_results_are_highlighted_where_the_other_name_stands(gw: OfflineDiscord) -> None:
    await post_many(gw, [COOP["vi"]])
    result = await gw.slash("search", query="cooperative")
    assert "**Hợp tác xã**" in result.embed["fields"][0]["value"]


async def test_a_word_that_is_no_glossary_name_adds_nothing(gw: OfflineDiscord) -> None:
    await post_many(gw, [*COOP.values(), "The market opens at six"])
    result = await gw.slash("search", query="market")
    assert len(result.embed["fields"]) == 1
    assert "Also searched" not in result.embed["description"]
    nothing = await gw.slash("search", query="cooperative bicycle")
    assert "Nothing found" in nothing.embed["description"]
    assert "Also searched: " in nothing.embed["description"]  # says what else it looked for


async def test_pages_of_an_expanded_search_keep_the_order_and_the_note(gw: OfflineDiscord) -> None:
    await post_many(gw, [f"cooperative report {i}" for i in range(4)] + [f"สหกรณ์ รายงาน {i}" for i in range(4)])
    first = await gw.slash("search", query="cooperative")
    assert "page 1 of 2" in first.embed["description"]
    assert all("cooperative" in f["value"] for f in first.embed["fields"][:4])
    second = await gw.press(first, "Next ▶")
    embed = second.message["embeds"][0]
    assert all("สหกรณ์" in f["value"] for f in embed["fields"])
    assert "Also searched: " in embed["description"]


def test_the_note_makes_glossary_names_inert() -> None:
    from cogs.search.service import SearchPage, SearchParams
    from cogs.search.ui import search_embed

    page = SearchPage(SearchParams("x"), (), 0, False, 1, 1,
                      added=("**bold** name", "@everyone", "<@123456789012345678>"))
    description = search_embed(page).description or ""
    note = description.split("\n")[-1]
    assert "\\*\\*bold\\*\\*" in note and "@everyone" not in note and "<@123456789012345678>" not in note
