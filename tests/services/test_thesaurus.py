"""The glossary as a thesaurus: a search for a term's name in one language finds its names in the others,
after what the words as typed find (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.config import Config
from bot.content import Content
from bot.permissions import Actor
from bot.text import fold
from cogs.glossary.thesaurus import MAX_ADDED, Thesaurus, also_searched
from cogs.qa.service import QuestionService
from cogs.resources.service import ResourceService
from cogs.search import archive
from cogs.search import service as search
from cogs.search.service import SearchService
from db.search import snowflake_at

CHANNEL = 900000000000000203
T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)

# One message per language about cooperatives, and one about something else.
COOP = {
    "en": "Our weaving cooperative in Khon Kaen needs a bookkeeper",
    "th": "สหกรณ์ผ้าไหมของเราต้องการนักบัญชี",
    "ja": "地域の協同組合で会計担当を探しています",
    "vi": "Hợp tác xã dệt lụa ở Hội An cần kế toán",
    "ru": "Наш кооператив ищет бухгалтера",
    "zh": "我们的合作社需要会计",
    "other": "The market opens at six, bring the silk",
}


def rec(content: str, *, author: int = 11, kind: str = "message", thread: int | None = None,
        when: datetime | None = None) -> archive.MessageRecord:
    when = when or T0 + timedelta(minutes=next(_ids))
    return archive.MessageRecord(
        id=snowflake_at(when) + next(_ids), channel_id=thread or CHANNEL, guild_id=1, thread_id=thread,
        author_id=author, content=content, created_at=when, kind=kind,
    )


@pytest.fixture
def thesaurus(shipped_content: Content) -> Thesaurus:
    return Thesaurus(shipped_content.terms)


@pytest.fixture
async def coop(app: App) -> dict[str, int]:
    records = {lang: rec(text) for lang, text in COOP.items()}
    async with app.db.begin() as session:
        await archive.store_messages(session, list(records.values()))
    return {lang: r.id for lang, r in records.items()}


async def search_page(app: App, query: str, **kwargs: object) -> search.SearchPage:
    params = search.parse_params(query, **kwargs)  # type: ignore[arg-type]
    async with app.db.begin() as session:
        return await app.service(SearchService).search(session, params, page_size=50)


# ------------------------------------------------------------------ the thesaurus itself
@pytest.mark.parametrize("query", ["cooperative", "Cooperative", "สหกรณ์", "協同組合", "hợp tác xã", "hop tac xa",
                                   "HOP TAC XA", "кооператив", "co-op"])
def test_any_name_of_a_term_adds_its_names_in_the_other_languages(thesaurus: Thesaurus, query: str) -> None:
    expansion = thesaurus.expand(query)
    assert [m.term_ids[0] for m in expansion.matches] == ["cooperative"]
    added = set(expansion.added)
    wanted = {"Cooperative", "สหกรณ์", "協同組合", "hợp tác xã", "кооператив", "협동조합", "合作社"}
    assert all(fold(name) == fold(query) for name in wanted - added), wanted - added  # all but the one typed
    assert not any(fold(name) == fold(query) for name in added), "never the words as typed"


def test_words_that_are_no_glossary_name_expand_nothing(thesaurus: Thesaurus) -> None:
    for query in ["the market", "silk weaving", "bookkeeper", "ผ้าไหม", "x" * 300, "🙂", "'; DROP TABLE x; --"]:
        assert not thesaurus.expand(query), query


def test_a_name_inside_a_longer_query_expands_only_that_name(thesaurus: Thesaurus) -> None:
    expansion = thesaurus.expand("cooperative law in Thailand")
    assert [(m.start, m.end) for m in expansion.matches] == [(0, 1)]
    many_words = thesaurus.expand("social enterprise 研修")
    assert [(m.start, m.end, m.term_ids[0]) for m in many_words.matches] == [(0, 2, "social-enterprise")]
    assert "社会的企業" in many_words.added


def test_beside_other_words_only_names_in_their_scripts_or_latin_are_added(thesaurus: Thesaurus) -> None:
    # A message must also say "law" as typed: a Thai or Japanese one would not.
    added = thesaurus.expand("cooperative law").added
    assert "hợp tác xã" in added and "koperasi" in added
    assert "สหกรณ์" not in added and "協同組合" not in added and "кооператив" not in added
    assert "Cooperative" in thesaurus.expand("สหกรณ์ กฎหมาย").added
    assert "協同組合" not in thesaurus.expand("สหกรณ์ กฎหมาย").added
    assert "協同組合" in thesaurus.expand("สหกรณ์ 2024").added  # digits are in every script


def test_short_names_are_never_added_and_expand_only_as_capital_acronyms(thesaurus: Thesaurus) -> None:
    # "hội" (vi, association) and "họ" (vi, rotating savings) are everyday Vietnamese words.
    assert "hội" not in thesaurus.expand("association").added
    assert not thesaurus.expand("hội")
    assert "HTX" not in thesaurus.expand("cooperative").added
    assert "Social and Solidarity Economy" in thesaurus.expand("SSE").added
    assert not thesaurus.expand("sse")  # lower case: an ordinary three-letter word, maybe


def test_names_added_are_capped_and_not_redundant(thesaurus: Thesaurus) -> None:
    for query in ["SSE", "credit union", "cooperative microfinance social enterprise fair trade"]:
        assert len(thesaurus.expand(query).added) <= MAX_ADDED
    added = thesaurus.expand("cooperative").added
    assert "cooperative society" not in added  # every message saying it says "cooperative"
    assert len({fold(n) for n in added}) == len(added)


def test_the_note_is_clipped_and_escaped() -> None:
    names = [f"name number {i}" for i in range(60)]
    note = also_searched(names, budget=100)
    assert note is not None and note.startswith("Also searched: ") and note.endswith(", …")
    assert len(note) < 140
    escaped = also_searched(["*bold*", "@everyone"], escape=lambda s: s.replace("*", "\\*").replace("@", "@\u200b"))
    assert escaped == "Also searched: \\*bold\\*, @\u200beveryone"
    assert also_searched([]) is None


# ------------------------------------------------------------------ /search's engine
@pytest.mark.parametrize(("query", "typed"), [
    ("cooperative", "en"), ("สหกรณ์", "th"), ("協同組合", "ja"), ("hop tac xa", "vi"), ("кооператив", "ru"),
])
async def test_a_search_in_one_language_finds_the_others_after_its_own(
    app: App, coop: dict[str, int], query: str, typed: str
) -> None:
    page = await search_page(app, query)
    found = [h.message_id for h in page.hits]
    assert found[0] == coop[typed], "the words as typed first"
    assert set(found) == {coop[lang] for lang in COOP if lang != "other"}
    assert "Cooperative" in page.added or typed == "en"
    exact = await search_page(app, query, expand=False)
    assert [h.message_id for h in exact.hits] == [coop[typed]] and exact.added == ()


async def test_expanded_matches_rank_below_every_exact_one_even_solved(app: App, coop: dict[str, int]) -> None:
    """A solved Thai answer comes after an unsolved English chat message for "cooperative"."""
    thread = snowflake_at(T0 - timedelta(days=10))
    async with app.db.begin() as session:
        await app.service(QuestionService).record_question(
            session, thread_id=thread, forum_id=1, guild_id=1, author_id=21, title="บัญชีสหกรณ์",
            body="ใครมีแบบฟอร์มบัญชีสหกรณ์บ้าง", country=None, topic=None, created_at=T0 - timedelta(days=10))
        answer = rec("แบบฟอร์มบัญชีสหกรณ์อยู่ที่กรมส่งเสริมสหกรณ์", author=22, kind="answer", thread=thread,
                     when=T0 - timedelta(days=9))
        await archive.store_messages(session, [answer])
        await QuestionService(Config()).mark_answer(session, Actor(21), thread, answer.id, T0 - timedelta(days=8))
    page = await search_page(app, "cooperative")
    order = [h.message_id for h in page.hits]
    assert order[0] == coop["en"]
    assert order.index(answer.id) > 0 and order.index(thread) > 0
    # ...and among the expanded matches, the solved ones come first.
    assert set(order[1:3]) == {answer.id, thread}, order
    assert all(h.solved for h in page.hits[1:3])


async def test_filters_apply_to_expanded_matches(app: App, coop: dict[str, int]) -> None:
    other = rec("Кооператив малчдын — another member's message", author=99)
    async with app.db.begin() as session:
        await archive.store_messages(session, [other])
    mine = await search_page(app, "cooperative", author_id=99)
    assert [h.message_id for h in mine.hits] == [other.id]
    assert [h.message_id for h in (await search_page(app, "cooperative", scope="questions")).hits] == []
    assert (await search_page(app, "cooperative", after="2030-01-01")).hits == ()


async def test_the_other_words_of_the_query_still_must_match(app: App, coop: dict[str, int]) -> None:
    page = await search_page(app, "кооператив бухгалтера")
    assert [h.message_id for h in page.hits] == [coop["ru"]]
    page = await search_page(app, "cooperative bookkeeper")
    assert [h.message_id for h in page.hits] == [coop["en"]]  # no other message has "bookkeeper"


async def test_expanded_hits_highlight_the_name_they_were_found_by(app: App, coop: dict[str, int]) -> None:
    page = await search_page(app, "cooperative")
    by_id = {h.message_id: h for h in page.hits}
    vi = by_id[coop["vi"]]
    assert [vi.snippet[s:e] for s, e in vi.highlights] == ["Hợp tác xã"]
    th = by_id[coop["th"]]
    assert [th.snippet[s:e] for s, e in th.highlights] == ["สหกรณ์"]


@pytest.mark.parametrize("query", ['"cooperative', "cooperative)", "cooperative AND -x*", "(สหกรณ์", "co-op NEAR(",
                                   "cooperative '; DROP TABLE x; --"])
async def test_hostile_text_around_a_glossary_name_is_still_only_words(
    app: App, coop: dict[str, int], query: str
) -> None:
    page = await search_page(app, query)
    assert isinstance(page.hits, tuple)


async def test_many_expanded_matches_are_capped_and_the_exact_ones_kept(app: App) -> None:
    async with app.db.begin() as session:
        await archive.store_messages(session, [rec(f"สหกรณ์ที่ {i}") for i in range(search.EXPANDED + 10)])
        english = rec("one cooperative only")
        await archive.store_messages(session, [english])
    page = await search_page(app, "cooperative")
    assert page.hits[0].message_id == english.id
    assert page.total == 1 + search.EXPANDED and page.capped


async def test_when_the_words_as_typed_fill_the_window_other_names_are_not_claimed(app: App) -> None:
    """Expanded matches rank after all 500 exact ones: no one pages to them, so they are not looked for
    then, and the reply does not say other names were searched (bench/README.md)."""
    new_thai = rec("สหกรณ์ใหม่", when=T0 + timedelta(days=30))
    english = [rec(f"cooperative note {i}", when=T0 + timedelta(minutes=i)) for i in range(search.CANDIDATES + 5)]
    async with app.db.begin() as session:
        await archive.store_messages(session, [*english, new_thai])
    params = search.parse_params("cooperative")
    async with app.db.begin() as session:
        page = await app.service(SearchService).search(session, params, page_size=1000)
    found = [h.message_id for h in page.hits]
    assert new_thai.id not in found and len(found) == search.CANDIDATES and page.capped
    assert page.added == ()
    # with few matches of the words as typed, the other names are searched and said
    async with app.db.begin() as session:
        thai = await app.service(SearchService).search(session, search.parse_params("สหกรณ์"), page_size=1000)
    found = [h.message_id for h in thai.hits]
    assert found[0] == new_thai.id and len(found) == 1 + search.EXPANDED
    assert "cooperative" in [name.casefold() for name in thai.added]


# ------------------------------------------------------------------ /resources
def test_resources_in_any_language_find_the_english_entries(app: App) -> None:
    resources = app.service(ResourceService)
    english = resources.search(resources.parse_filters(query="cooperative"), page_size=1000)
    for query in ("สหกรณ์", "協同組合", "hop tac xa", "кооператив"):
        page = resources.search(resources.parse_filters(query=query), page_size=1000)
        assert page.total >= english.total > 0, query
        assert {r.id for r in english.items} <= {r.id for r in page.items}
        assert "Cooperative" in page.added and all(name.isascii() for name in page.added)


def test_resources_rank_expanded_matches_below_direct_ones(app: App) -> None:
    resources = app.service(ResourceService)
    filters = resources.parse_filters(query="koperasi")
    page = resources.search(filters, page_size=1000)
    direct = ResourceService(app.content.resources).search(filters, page_size=1000)  # no thesaurus
    assert direct.items and page.items[: direct.total] == direct.items
    assert page.total > direct.total, "the English names of Cooperative find more, after them"
    assert direct.added == ()


def test_the_widened_query_is_quoted_words_for_both_engines(thesaurus: Thesaurus) -> None:
    from db import search as engine

    parts, typed = search.expanded_parts(thesaurus.expand("cooperative law"))
    fts = engine.fts_match(parts, exclude=typed)
    assert fts.startswith('((("hop tac xa") OR ("koperasi")') and fts.endswith(' AND "law") NOT ("cooperative")')
    pg = engine.pg_tsquery(parts, exclude=typed)
    assert "('hop' <-> 'tac' <-> 'xa')" in pg and pg.endswith("& ('law')) & !(('cooperative'))")
