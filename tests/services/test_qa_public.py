"""The published Q&A on a real migrated database: only what askers and answerers consented to, and
gone at once after an opt-out or a forget."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.permissions import Actor
from cogs.privacy.publish import set_publishing
from cogs.privacy.service import PrivacyService
from cogs.qa.public import PublishedQA
from cogs.qa.service import QuestionService
from cogs.search import archive
from db.search import snowflake_at
from tests.conftest import ARCHIVED, QA_FORUM
from tests.conftest import config_on_both_search_engines as config_data  # noqa: F401 (each test on both engines)

T0 = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
_ids = itertools.count(1)

# members: who asks, who answers, and who said yes to /privacy publish
ANH, BOLD, CHANDA, DARA = 101, 102, 103, 104  # Anh and Bold publish; Chanda and Dara do not


def _id(minutes: int) -> int:
    return snowflake_at(T0 + timedelta(minutes=minutes)) + next(_ids)


@dataclass
class Post:
    thread: int
    answers: list[int]


async def ask(app: App, asker: int, title: str, body: str, answers: list[tuple[int, str]], *, accept: int | None = 0,
              minutes: int = 0, forum: int = QA_FORUM) -> Post:
    """A question with its replies; ``accept`` is the index of the accepted reply (None: unsolved)."""
    thread = _id(minutes)
    async with app.db.begin() as session:
        qa = app.service(QuestionService)
        await qa.record_question(session, thread_id=thread, forum_id=forum, guild_id=1, author_id=asker, title=title,
                                 body=body, country="Viet Nam", topic=None, created_at=T0 + timedelta(minutes=minutes))
        ids = []
        for i, (author, text) in enumerate(answers):
            mid = _id(minutes + i + 1)
            await archive.store_messages(session, [archive.MessageRecord(
                id=mid, channel_id=thread, guild_id=1, thread_id=thread, author_id=author, content=text,
                created_at=T0 + timedelta(minutes=minutes + i + 1), kind="answer")])
            ids.append(mid)
        if accept is not None and ids:
            await qa.mark_answer(session, Actor(asker), thread, ids[accept], T0 + timedelta(minutes=minutes + 30))
    return Post(thread, ids)


async def publish(app: App, user_id: int, name: str, on: bool = True) -> None:
    async with app.db.begin() as session:
        await set_publishing(session, user_id, on, name)


@pytest.fixture
async def posts(app: App) -> dict[str, Post]:
    return await make_posts(app)


async def make_posts(app: App) -> dict[str, Post]:
    """Four posts: askers and answerers with and without consent (see each comment)."""
    await publish(app, ANH, "Anh <b>Nguyen</b>")
    await publish(app, BOLD, "Bold")
    return {
        # Anh publishes; of the replies, Bold's (accepted) is shown and Chanda's is a placeholder
        "public": await ask(app, ANH, "Registering a cooperative in Da Lat",
                            "Which office registers a cooperative under the 2023 law?",
                            [(CHANDA, "Chanda's private tip: call my cousin"), (BOLD, "The district office does it")],
                            accept=1, minutes=0),
        # Chanda asked and did not publish: never public, even with Anh's published answer
        "private_asker": await ask(app, CHANDA, "Chanda's question about microcredit", "secret details",
                                   [(ANH, "Anh answers microcredit")], minutes=10),
        # Anh publishes but the question is not solved
        "unsolved": await ask(app, ANH, "Unsolved question on social enterprise", "no answer yet",
                              [(BOLD, "maybe")], accept=None, minutes=20),
        # accepted answer by Dara, who does not publish: the question is public, the answer a placeholder
        "hidden_accepted": await ask(app, BOLD, "Bold's question on tax rules", "what rate applies?",
                                     [(DARA, "Dara's unpublished answer about tax")], minutes=30),
    }


async def test_only_solved_questions_of_askers_who_publish_are_listed(app: App, posts: dict[str, Post]) -> None:
    public = app.service(PublishedQA)
    async with app.db.begin() as session:
        page = await public.newest(session)
        assert await public.count(session) == 2
    assert [q.id for q in page.questions] == [posts["hidden_accepted"].thread, posts["public"].thread]
    assert page.total == 2 and page.pages == 1
    first = page.questions[1]
    assert first.title == "Registering a cooperative in Da Lat"
    assert first.body == "Which office registers a cooperative under the 2023 law?"
    assert first.asker_name == "Anh <b>Nguyen</b>" and first.answer_count == 2


async def test_each_answer_shows_only_when_its_author_publishes(app: App, posts: dict[str, Post]) -> None:
    async with app.db.begin() as session:
        q = await app.service(PublishedQA).question(session, posts["public"].thread)
    assert q is not None
    chanda, bold = q.answers
    assert not chanda.published and chanda.text is None and chanda.author_name is None
    assert bold.published and bold.text == "The district office does it" and bold.author_name == "Bold"
    assert q.accepted == bold
    assert "Chanda" not in repr(q)  # neither the text nor anything else of hers

    async with app.db.begin() as session:
        hidden = await app.service(PublishedQA).question(session, posts["hidden_accepted"].thread)
    assert hidden is not None and hidden.accepted is None  # accepted, but its author did not publish
    assert [a.text for a in hidden.answers] == [None] and hidden.answers[0].accepted


async def test_unpublished_unsolved_and_unknown_questions_are_none(app: App, posts: dict[str, Post]) -> None:
    async with app.db.begin() as session:
        public = app.service(PublishedQA)
        assert await public.question(session, posts["private_asker"].thread) is None
        assert await public.question(session, posts["unsolved"].thread) is None
        assert await public.question(session, 123456789) is None


async def test_opting_out_removes_questions_and_answers_at_once(app: App, posts: dict[str, Post]) -> None:
    public = app.service(PublishedQA)
    await publish(app, BOLD, "Bold", on=False)
    async with app.db.begin() as session:
        q = await public.question(session, posts["public"].thread)
        assert q is not None and [a.published for a in q.answers] == [False, False] and q.accepted is None
        assert await public.question(session, posts["hidden_accepted"].thread) is None  # Bold asked it
        assert [h.question.id for h in (await public.search(session, "district office")).hits] == []
    await publish(app, ANH, "Anh", on=False)
    async with app.db.begin() as session:
        assert await public.count(session) == 0
        assert await public.question(session, posts["public"].thread) is None
        assert (await public.newest(session)).questions == ()


async def test_forget_removes_the_askers_pages_and_the_answerers_text(app: App, posts: dict[str, Post]) -> None:
    public, privacy = app.service(PublishedQA), app.service(PrivacyService)
    async with app.db.begin() as session:
        await privacy.forget(session, BOLD)
    async with app.db.begin() as session:
        q = await public.question(session, posts["public"].thread)
        assert q is not None and [a.text for a in q.answers] == [None]  # Bold's stored answer is gone
        assert await public.question(session, posts["hidden_accepted"].thread) is None
    async with app.db.begin() as session:
        await privacy.forget(session, ANH)
    async with app.db.begin() as session:
        assert await public.question(session, posts["public"].thread) is None
        assert await public.count(session) == 0
    # and publishing again later does not bring back what was forgotten
    await publish(app, ANH, "Anh")
    async with app.db.begin() as session:
        assert await public.count(session) == 0


async def test_a_post_in_an_archived_channel_is_never_published(app: App) -> None:
    await publish(app, ANH, "Anh")
    await publish(app, BOLD, "Bold")
    post = await ask(app, ANH, "A thread of an archived channel", "text", [(BOLD, "reply")], forum=ARCHIVED)
    async with app.db.begin() as session:
        assert await app.service(PublishedQA).question(session, post.thread) is None
        assert await app.service(PublishedQA).count(session) == 0


async def test_search_finds_only_published_text(app: App, posts: dict[str, Post]) -> None:
    public = app.service(PublishedQA)
    async with app.db.begin() as session:
        found = await public.search(session, "district office")
        assert [h.question.id for h in found.hits] == [posts["public"].thread]
        assert found.hits[0].kind == "answer" and "district office" in found.hits[0].snippet
        assert (await public.search(session, "cooperative")).total == 1
        # words only in an unpublished answer, an unpublished question, an unsolved one: nothing
        for words in ("cousin", "microcredit", "secret details", "Dara's unpublished", "Unsolved social enterprise"):
            assert (await public.search(session, words)).hits == (), words
        # a published answer under an unpublished question: nothing either
        assert (await public.search(session, "Anh answers")).hits == ()
        # a public question matched in its own text: the snippet is the question's
        tax = await public.search(session, "rate applies")
        assert [h.question.id for h in tax.hits] == [posts["hidden_accepted"].thread]
        assert tax.hits[0].snippet == "what rate applies?"
        assert (await public.search(session, "  \"'<>  ")).hits == ()  # nothing to look for


async def test_mentions_and_custom_emoji_carry_no_ids_on_the_site(app: App) -> None:
    await publish(app, ANH, "Anh")
    await publish(app, BOLD, "Bold")
    post = await ask(app, ANH, "Ask <@&900000000000000101> about <#900000000000000203>",
                     "Thanks <@123456789012345678> and <@!223456789012345678> <:coop:987654321098765432>",
                     [(BOLD, "Ask <@323456789012345678> <a:spin:887654321098765432>")])
    async with app.db.begin() as session:
        q = await app.service(PublishedQA).question(session, post.thread)
        found = await app.service(PublishedQA).search(session, "thanks")
    assert q is not None
    assert q.title == "Ask @… about #…"
    assert q.body == "Thanks @… and @… :coop:" and q.answers[0].text == "Ask @… :spin:"
    assert found.hits[0].snippet == "Thanks @… and @… :coop:"


async def test_pages_of_the_list_and_a_page_past_the_last(app: App, posts: dict[str, Post]) -> None:
    public = app.service(PublishedQA)
    async with app.db.begin() as session:
        second = await public.newest(session, 2, per_page=1)
        past = await public.newest(session, 99, per_page=1)
    assert (second.page, second.pages, second.total) == (2, 2, 2)
    assert [q.id for q in second.questions] == [posts["public"].thread]
    assert (past.page, past.pages, [q.id for q in past.questions]) == (2, 2, [posts["public"].thread])
