"""Search finds what members wrote, in every script, whatever they type."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.errors import InvalidInput
from cogs.qa.service import QuestionService
from cogs.search import archive
from cogs.search import service as search
from cogs.search.service import SearchService
from db import search as db_search
from db.search import snowflake_at
from tests.conftest import config_on_both_search_engines as config_data  # noqa: F401 (each test on both engines)

CHANNEL = 900000000000000203
T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)


def rec(content: str, *, author: int = 11, kind: str = "message", thread: int | None = None,
        when: datetime | None = None) -> archive.MessageRecord:
    when = when or T0 + timedelta(minutes=next(_ids))
    return archive.MessageRecord(
        id=snowflake_at(when) + next(_ids), channel_id=thread or CHANNEL, guild_id=1, thread_id=thread,
        author_id=author, content=content, created_at=when, kind=kind,
    )


MIXED = {
    "th": "กลุ่มทอผ้าไหมที่ขอนแก่นจดทะเบียนเป็นวิสาหกิจชุมชนแล้ว",
    "km": "សហករណ៍កសិកម្មនៅខេត្តតាកែវ ត្រូវការឥណទានខ្នាតតូច",
    "lo": "ສະຫະກອນກະສິກຳຢູ່ແຂວງຫຼວງພະບາງ",
    "vi": "Hợp tác xã nông nghiệp ở Đà Lạt đã đăng ký theo Luật Hợp tác xã 2023",
    "ru": "Кооператив в Улаанбааторе ищет партнёров по микрофинансированию",
    "zh": "我们的合作社正在申请社会企业认证",
    "ja": "社会的連帯経済の協同組合について勉強しています",
    "ko": "사회적기업 인증 제도에 대해 질문이 있습니다",
    "en": "Does anyone know how C++ or don't-style quoting works for https://example.org/a?b=1 :)",
    "id": "Koperasi simpan pinjam di Yogyakarta butuh pelatihan keuangan",
}


@pytest.fixture
async def corpus(app: App) -> dict[str, int]:
    records = {lang: rec(text) for lang, text in MIXED.items()}
    async with app.db.begin() as session:
        await archive.store_messages(session, list(records.values()))
    return {lang: r.id for lang, r in records.items()}


async def find(app: App, query: str, **kwargs: object) -> list[int]:
    params = search.parse_params(query, **kwargs)  # type: ignore[arg-type]
    async with app.db.begin() as session:
        page = await app.service(SearchService).search(session, params, page_size=50)
    return [h.message_id for h in page.hits]


@pytest.mark.parametrize(("lang", "query"), [
    ("th", "ผ้าไหม"), ("th", "วิสาหกิจชุมชน"), ("km", "សហករណ៍"), ("km", "ឥណទាន"), ("lo", "ກະສິກຳ"),
    ("vi", "hop tac xa"), ("vi", "Đà Lạt"), ("vi", "da lat"), ("ru", "кооператив"), ("ru", "партнёров"),
    ("zh", "合作社"), ("zh", "认证"), ("zh", "社"), ("ja", "協同組合"), ("ja", "勉強"), ("ko", "사회적기업"),
    ("ko", "인증"), ("en", "c++"), ("en", "don't"), ("en", "https://example.org/a?b=1"), ("id", "KOPERASI"),
])
async def test_every_script_finds_the_message_that_contains_it(
    app: App, corpus: dict[str, int], lang: str, query: str
) -> None:
    found = await find(app, query, expand=False)  # the words as typed (glossary names: test_thesaurus.py)
    assert corpus[lang] in found
    if lang not in ("zh", "ja"):  # 社 is in both the Chinese and the Japanese message
        assert len(found) == 1, f"{query!r} also matched unrelated messages"


async def test_a_two_character_chinese_word_is_found_but_not_a_different_one(app: App, corpus: dict[str, int]) -> None:
    assert await find(app, "企业") == [corpus["zh"]]
    assert await find(app, "企画") == []


@pytest.mark.parametrize("query", [
    '"unbalanced', "AND", "OR NOT", "-", "*", "a:b", "NEAR(x y)", "c++ AND -x*", "(", "'; DROP TABLE x; --",
    "@everyone", "<@&123>", "x" * 290, "\u200b\u200bkoperasi\u200b", "^2", "{col}: foo",
])
async def test_any_typed_text_is_a_query_and_never_engine_syntax(app: App, corpus: dict[str, int], query: str) -> None:
    try:
        found = await find(app, query)  # no engine error, whatever the engine's syntax
    except InvalidInput as exc:  # nothing searchable in it: a clear answer instead
        assert not any(ch.isalnum() for ch in query), exc
        return
    assert isinstance(found, list)
    if "koperasi" in query:  # first the message saying it, then those saying the glossary's other names
        assert found[0] == corpus["id"]


@pytest.mark.parametrize("query", ["", "   ", "\u200b\u200b", "🙂🎉", "!!!", "x" * 1000])
async def test_queries_with_nothing_to_look_for_get_a_clear_answer(query: str) -> None:
    with pytest.raises(InvalidInput):
        search.parse_params(query)


async def test_all_words_must_match(app: App, corpus: dict[str, int]) -> None:
    assert await find(app, "koperasi Yogyakarta") == [corpus["id"]]
    assert await find(app, "koperasi Bangkok") == []


async def test_edits_and_deletes_update_the_index(app: App, corpus: dict[str, int]) -> None:
    mid = corpus["en"]
    async with app.db.begin() as session:
        assert await archive.edit_message(session, mid, "Now about mushrooms only", datetime.now(UTC))
    assert await find(app, "c++") == []
    assert await find(app, "mushrooms") == [mid]
    async with app.db.begin() as session:
        await archive.delete_messages(session, [mid])
    assert await find(app, "mushrooms") == []


async def test_storing_the_same_message_twice_keeps_one_copy(app: App) -> None:
    r = rec("idempotent cassava cooperative")
    async with app.db.begin() as session:
        assert await archive.store_messages(session, [r, r]) == 1
    async with app.db.begin() as session:
        assert await archive.store_messages(session, [r]) == 0
        assert await archive.count_messages(session) == 1
    assert await find(app, "cassava") == [r.id]


async def test_solved_questions_rank_first_and_filters_apply(app: App) -> None:
    old_thread, new_thread = snowflake_at(T0), snowflake_at(T0 + timedelta(days=3))
    async with app.db.begin() as session:
        for thread, author, country, when in ((old_thread, 21, "Thailand", T0), (new_thread, 22, "Viet Nam",
                                                                                 T0 + timedelta(days=3))):
            await app.service(QuestionService).record_question(
                session, thread_id=thread, forum_id=1, guild_id=1, author_id=author, title="Registering a coop",
                body="How do we register a cooperative?", country=country, topic="Law", created_at=when,
            )
        chat = rec("Cooperative registration chat", when=T0 + timedelta(days=5))
        await archive.store_messages(session, [chat])
        answer = rec("Go to the district office to register the cooperative", author=23, kind="answer",
                     thread=old_thread, when=T0 + timedelta(days=1))
        await archive.store_messages(session, [answer])
    from bot.config import Config
    from bot.permissions import Actor

    async with app.db.begin() as session:
        await QuestionService(Config()).mark_answer(session, Actor(21), old_thread, answer.id, T0 + timedelta(days=2))

    params = search.parse_params("cooperative")
    async with app.db.begin() as session:
        page = await app.service(SearchService).search(session, params, page_size=10)
    kinds = [(h.kind, h.solved) for h in page.hits]
    assert kinds[0][1] and kinds[1][1], f"solved question and its answer first: {kinds}"
    assert not kinds[-1][1]
    assert await find(app, "cooperative", scope="discussions") == [chat.id]
    assert set(await find(app, "cooperative", scope="questions")) == {old_thread, new_thread, answer.id}
    assert await find(app, "cooperative", country="viet nam") == [new_thread]
    assert set(await find(app, "cooperative", solved=True)) == {old_thread, answer.id}
    assert await find(app, "cooperative", author_id=23) == [answer.id]
    assert await find(app, "cooperative", after="2026-03-05") == [chat.id]
    assert set(await find(app, "cooperative", before="2026-03-01")) == {old_thread}


async def test_snippets_highlight_the_words_found(app: App) -> None:
    long = "Intro " * 80 + "the Đà Lạt cooperative registered last year " + "outro " * 80
    r = rec(long)
    async with app.db.begin() as session:
        await archive.store_messages(session, [r])
        page = await app.service(SearchService).search(session, search.parse_params("da lat"))
    hit = page.hits[0]
    assert len(hit.snippet) <= search.SNIPPET + 2
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert marked == ["Đà", "Lạt"]


async def test_bad_dates_and_scopes_are_explained() -> None:
    with pytest.raises(InvalidInput, match="date"):
        search.parse_params("coop", after="next week")
    with pytest.raises(InvalidInput, match="scope"):
        search.parse_params("coop", scope="everything")


async def test_an_old_solved_answer_beats_many_newer_matches(app: App) -> None:
    from bot.config import Config
    from bot.permissions import Actor

    old = T0 - timedelta(days=300)
    thread = snowflake_at(old)
    async with app.db.begin() as session:
        await app.service(QuestionService).record_question(session, thread_id=thread, forum_id=1, guild_id=1, author_id=21, title="Solar dryer",
                                 body="Who built a solar dryer?", country=None, topic=None, created_at=old)
        answer = rec("We built a solar dryer from bamboo", author=22, kind="answer", thread=thread,
                     when=old + timedelta(hours=1))
        newer = [rec(f"solar dryer chat {i}", when=T0 + timedelta(minutes=i)) for i in range(search.CANDIDATES + 20)]
        await archive.store_messages(session, [answer, *newer])
        await QuestionService(Config()).mark_answer(session, Actor(21), thread, answer.id, old + timedelta(hours=2))
    # a reply after solving, an edit and a delete keep the index consistent
    late = rec("Another solar dryer design", author=23, kind="answer", thread=thread, when=old + timedelta(hours=3))
    async with app.db.begin() as session:
        await archive.store_messages(session, [late])
        await archive.edit_message(session, answer.id, "We built a solar dryer from bamboo and tin", datetime.now(UTC))
        page = await app.service(SearchService).search(session, search.parse_params("solar dryer"))
    top = {h.message_id for h in page.hits[:3]}
    assert top == {thread, answer.id, late.id} and all(h.solved for h in page.hits[:3])
    async with app.db.begin() as session:
        await archive.delete_messages(session, [late.id])
        await archive.delete_thread(session, thread)
        page = await app.service(SearchService).search(session, search.parse_params("solar dryer"))
        assert not any(h.solved for h in page.hits)
    assert await find(app, "tin") == []


async def test_filters_follow_a_post_through_its_life(app: App) -> None:
    """Replies stored before their question, a country tagged in another spelling, solving, and deleting:
    every filter finds the post's messages as they are now, and a deleted message leaves the index."""
    from sqlalchemy import text

    from bot.config import Config
    from bot.permissions import Actor

    old = T0 - timedelta(days=200)
    thread = snowflake_at(old)
    reply = rec("Our weaving cooperative pays members monthly", author=22, kind="answer", thread=thread,
                when=old + timedelta(hours=1))
    chatter = [rec(f"weaving cooperative chat {i}", when=T0 + timedelta(minutes=i)) for i in range(search.CANDIDATES + 20)]
    async with app.db.begin() as session:
        await archive.store_messages(session, [reply, *chatter])  # the reply arrives first
        await app.service(QuestionService).record_question(
            session, thread_id=thread, forum_id=1, guild_id=1, author_id=21, title="Paying members",
            body="How does a weaving cooperative pay its members?", country="Laos", topic="Finance", created_at=old)
    questions = {thread, reply.id}
    assert set(await find(app, "weaving cooperative", country="Lao PDR")) == questions
    assert set(await find(app, "weaving cooperative", topic="finance")) == questions
    assert set(await find(app, "weaving cooperative", solved=False)) == questions
    assert await find(app, "weaving cooperative", solved=True) == []
    assert set(await find(app, "weaving cooperative", scope="questions")) == questions
    assert reply.id not in await find(app, "weaving cooperative", scope="discussions")
    async with app.db.begin() as session:
        await QuestionService(Config()).mark_answer(session, Actor(21), thread, reply.id, old + timedelta(hours=2))
    assert set(await find(app, "weaving cooperative", solved=True)) == questions
    assert set(await find(app, "weaving cooperative", solved=True, country="laos", topic="Finance")) == questions
    assert await find(app, "weaving cooperative", solved=False) == []
    assert await find(app, "weaving cooperative", country="Thailand") == []
    async with app.db.begin() as session:
        await archive.delete_thread(session, thread)
        marks = [db_search.country_mark("Laos"), db_search.topic_mark("Finance"), db_search.SOLVED_MARK]
        if app.db.dialect == "postgresql":
            rows = (await session.execute(
                text("SELECT id FROM archive_messages WHERE search_vector @@ CAST(:q AS tsquery)"),
                {"q": " | ".join(f"'{db_search.pg_token(t)}'" for t in ["monthly", *marks])})).all()
            assert rows == [], "a deleted reply must leave nothing of itself in the index"
        else:
            left = {table: (await session.execute(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q"),
                                                  {"q": " OR ".join(f'"{t}"' for t in ["monthly", *marks])})).all()
                    for table in db_search.SQLITE_TABLES}
            assert left == {table: [] for table in db_search.SQLITE_TABLES}, "a deleted reply must leave nothing in the index"
    assert await find(app, "weaving cooperative", solved=True) == []


# PostgreSQL's plans (db/search.py _select_pg): GIN first when the statistics expect at most PG_GIN_ROWS
# matches, and when GIN gave PG_GIN_CAP of them the walk after all; the walk alone otherwise
PLANS = {
    "walk": {"PG_GIN_ROWS": -1},
    "gin": {"PG_GIN_ROWS": 10**9, "PG_GIN_CAP": 10**6},
    "gin, then the walk": {"PG_GIN_ROWS": 10**9, "PG_GIN_CAP": 3},
}


@pytest.mark.parametrize("plan", list(PLANS))
async def test_the_newest_matches_are_found_however_the_engine_walks(
    app: App, monkeypatch: pytest.MonkeyPatch, plan: str,
) -> None:
    """PostgreSQL checks the newest messages one by one before asking its index for older ones (db/search.py,
    PG_WALK), or asks its index first when few messages should match: with tiny walks, whichever plan, a word
    seen only long ago, a common one, a sparse one and a dated or filtered search still find exactly the
    newest matches, each once, as on SQLite."""
    monkeypatch.setattr(db_search, "PG_WALK", 4)
    monkeypatch.setattr(db_search, "PG_WALK_MORE", 6)
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(db_search, name, value)
    monkeypatch.setattr(search, "CANDIDATES", 5)
    old = [rec(f"kiwi loom note {i}", when=T0 - timedelta(days=100 - i)) for i in range(3)]
    common = [rec(f"wombat day {i}", when=T0 + timedelta(hours=i)) for i in range(30)]
    sparse = [rec(f"quokka trail {i}" if i % 7 == 0 else f"rain {i}", when=T0 + timedelta(days=2, hours=i))
              for i in range(60)]
    async with app.db.begin() as session:
        await archive.store_messages(session, [*old, *common, *sparse])
    assert sorted(await find(app, "kiwi loom")) == sorted(r.id for r in old)
    assert await find(app, "wombat") == [r.id for r in common[::-1][:5]]
    assert await find(app, "quokka trail") == [r.id for r in sparse if r.content.startswith("quokka")][::-1][:5]
    end_of_first = datetime(2026, 3, 2, tzinfo=UTC)  # "before 2026-03-01" includes that day (UTC here)
    assert await find(app, "wombat", before="2026-03-01") == [
        r.id for r in common if r.created_at < end_of_first][::-1][:5]
    assert await find(app, "wombat", solved=True) == []
    # two words each common, rarely together; and a phrase in Thai: the newest of what a full scan finds
    # (ranked by length, so compared as sets)
    pairs = [rec(f"{'emu' if i % 2 else 'ibis'} {'fern' if i % 3 else ''} {'ผ้าไหม' if i % 4 == 0 else 'ไหม'}",
                 when=T0 + timedelta(days=5, hours=i)) for i in range(40)]
    async with app.db.begin() as session:
        await archive.store_messages(session, pairs)
    both = [r.id for r in pairs if "emu" in r.content and "fern" in r.content][::-1]
    assert len(both) > 5 and sorted(await find(app, "fern emu")) == sorted(both[:5])
    assert sorted(await find(app, "fern emu", scope="discussions")) == sorted(both[:5])
    thai = [r.id for r in pairs if "ผ้าไหม" in r.content][::-1]
    assert len(thai) > 5 and sorted(await find(app, "ผ้าไหม")) == sorted(thai[:5])


async def test_writing_the_index_again_keeps_every_message_and_filter_findable(app: App) -> None:
    """What migrations 0020 and 0021 do to an existing database (db/search.py rebuild_sqlite_index,
    rebuild_pg_index), in batches smaller than the messages: the same searches find the same messages."""
    from bot.config import Config
    from bot.permissions import Actor

    thread = snowflake_at(T0 - timedelta(days=3))
    answer = rec("Our dairy cooperative pays members weekly", author=22, kind="answer", thread=thread)
    chatter = [rec(f"dairy cooperative note {i}") for i in range(7)]
    async with app.db.begin() as session:
        await archive.store_messages(session, [answer, *chatter])
        await app.service(QuestionService).record_question(
            session, thread_id=thread, forum_id=1, guild_id=1, author_id=21, title="Paying members",
            body="How does a dairy cooperative pay?", country="Mongolia", topic="Finance", created_at=T0)
        await QuestionService(Config()).mark_answer(session, Actor(21), thread, answer.id, T0 + timedelta(hours=1))
    searches = [("dairy cooperative", {}), ("dairy cooperative", {"solved": True, "country": "Mongolia"}),
                ("dairy", {"scope": "discussions"}), ("dairy", {"topic": "Finance"})]
    before = [sorted(await find(app, q, **kw)) for q, kw in searches]
    assert len(before[0]) == 9 and len(before[1]) == 2
    rebuild = db_search.rebuild_pg_index if app.db.dialect == "postgresql" else db_search.rebuild_sqlite_index
    async with app.db.engine.begin() as conn:
        rebuilt = await conn.run_sync(lambda sync: rebuild(sync, batch=3))
    assert rebuilt == 9
    assert [sorted(await find(app, q, **kw)) for q, kw in searches] == before
