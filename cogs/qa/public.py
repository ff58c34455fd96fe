"""The published Q&A: which solved questions and answers the public web site may show.

The rule, applied in SQL on every call (nothing is cached beyond one request, so an opt-out or a
forget takes a page down from the next request on):

* a question is public when it is solved, its asker turned ``/privacy publish on``, it was not
  forgotten (``/privacy forget`` blanks the asker and the title), its own text is still stored, and
  its post is not in a channel opted in to the archive (archived discussion channels are never
  published, whatever their authors chose);
* in a public question, each answer shows its text and its author's web name only when that author
  turned publishing on; the others are a placeholder without text or name;
* only the names members chose for the site (cogs/privacy/publish.py), never Discord ids.

Plain values and a session in, frozen dataclasses out; no Discord, no web.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_
from bot.countries import directory
from bot.guild import GuildSettings
from cogs.privacy.publish import published_members, web_names
from cogs.qa.models import Question
from cogs.qa.service import REMOVED_TITLE
from cogs.search.archive import jump_url
from cogs.search.models import ArchivedMessage
from cogs.search.service import MAX_QUERY, make_snippet
from db import search
from db.models import UserPreference

PAGE_SIZE = 20
SEARCH_CANDIDATES = 300
# What the site shows for a member who did not publish (translated where shown)
UNPUBLISHED_ANSWER = N_("An answer from a member who has not published their messages")
A_MEMBER = N_("A member")  # a member who published but whose name was not kept


@dataclass(frozen=True)
class PublicAnswer:
    position: int  # 1 for the first reply in the post
    published: bool
    author_name: str | None  # None when not published (or no name was kept)
    text: str | None  # None when not published
    created_at: datetime
    accepted: bool


@dataclass(frozen=True)
class PublicQuestion:
    id: int  # the post's id: the page is /qa/{id}
    title: str
    body: str
    asker_name: str | None
    country: str | None
    topic: str | None
    created_at: datetime
    solved_at: datetime
    answer_count: int  # replies in the post, published or not
    discord_url: str  # the post on Discord (ids of the server and the post, never of a member)
    answers: tuple[PublicAnswer, ...] = ()  # loaded for one question only

    @property
    def accepted(self) -> PublicAnswer | None:
        """The accepted answer, when its author published it."""
        return next((a for a in self.answers if a.accepted and a.published), None)


@dataclass(frozen=True)
class PublicTitle:
    id: int  # the post's id: the page is /qa/{id}
    title: str
    solved_at: datetime


@dataclass(frozen=True)
class PublicPage:
    questions: tuple[PublicQuestion, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class PublicHit:
    question: PublicQuestion
    kind: str  # question | answer: where the words were found
    snippet: str  # only text of the question or of a published answer
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class PublicSearch:
    query: str
    hits: tuple[PublicHit, ...]
    total: int
    page: int
    pages: int


_MENTION = re.compile(r"<(@[!&]?|#)\d+>")
_EMOJI = re.compile(r"<a?:(\w{1,32}):\d+>")
_MENTION_WORD = {"@": "@…", "@!": "@…", "@&": "@…", "#": "#…"}


def public_text(text: str) -> str:
    """A message as the site shows it: Discord's mention syntax carries member, role and channel
    ids, so a mention becomes ``@…`` (``#…`` for a channel) and a custom emoji its ``:name:``."""
    text = _EMOJI.sub(r":\1:", text)
    return _MENTION.sub(lambda m: _MENTION_WORD[m.group(1)], text)


def _body(title: str, content: str) -> str:
    """The question's text without its title (stored as "title\\nbody")."""
    if content.startswith(title + "\n"):
        return content[len(title) + 1:]
    return "" if content == title else content


class PublishedQA:
    """The public Q&A, as the web site shows it."""

    def __init__(self, guild: GuildSettings):
        self.guild = guild  # the archived channels: /setup, else config.yaml
        self._rule: tuple[tuple[int, ...], tuple[Any, ...]] | None = None

    def _public(self) -> list[Any]:
        """The rule as SQL conditions. Only its shape is kept between calls (built again when /setup
        changes the archived channels): the database evaluates it on every query, so consent still
        counts from the next request on. Building it costs ~2 ms of Python per page otherwise."""
        archived = tuple(self.guild.current.archived)
        if self._rule is None or self._rule[0] != archived:
            self._rule = (archived, tuple(self._build_rule(list(archived))))
        return list(self._rule[1])

    @staticmethod
    def _build_rule(archived: list[int]) -> list[Any]:
        # the post's own text is still stored (gone when its author deleted it or asked to be forgotten).
        # A forum post's first message has the post's id: looked up by primary key first (one row read),
        # by the thread's index only otherwise (reading the row of every candidate costs ~12 ms at 1M)
        own_text = or_(
            exists().where(ArchivedMessage.id == Question.thread_id, ArchivedMessage.kind == "question"),
            exists().where(ArchivedMessage.thread_id == Question.thread_id, ArchivedMessage.kind == "question"))
        where: list[Any] = [
            Question.solved_at.is_not(None), Question.author_id != 0, Question.title != REMOVED_TITLE,
            # "+ 0": not by the author index (every published member's posts, then a sort) but along the
            # solved order's, which stops once a page is found
            (Question.author_id + 0).in_(published_members()), own_text,
        ]
        if archived:
            where += [Question.forum_id.not_in(archived), Question.thread_id.not_in(archived)]
        return where

    async def count(self, session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Question).where(*self._public())) or 0)

    async def ids(self, session: AsyncSession, limit: int = 50_000) -> list[int]:
        """The ids of every published question (the sitemap), the most recently solved first."""
        rows = await session.execute(select(Question.thread_id).where(*self._public())
                                     .order_by(Question.solved_at.desc(), Question.thread_id.desc()).limit(limit))
        return [int(i) for i in rows.scalars()]

    async def newest(self, session: AsyncSession, page: int = 1, per_page: int = PAGE_SIZE, *,
                     counted: bool = True) -> PublicPage:
        """The published questions, the most recently solved first (``counted=False``: the first page
        only, without counting them all, for the home page; total and pages then say nothing)."""
        # the page and the total in one scan (a window count), the total alone only past the last page
        def page_of(number: int) -> Any:
            # without the total, the walk stops at the page (a window count reads every match)
            total = func.count().over() if counted else literal(0)
            return (select(Question, total.label("total")).where(*self._public())
                    .order_by(Question.solved_at.desc(), Question.thread_id.desc())
                    .offset((number - 1) * per_page).limit(per_page))

        page = max(page, 1)
        found = (await session.execute(page_of(page))).all()
        if not found and page > 1:
            page = max(1, math.ceil(await self.count(session) / per_page))
            found = (await session.execute(page_of(page))).all()
        total = int(found[0].total) if found else 0
        pages = max(1, math.ceil(total / per_page))
        rows = [r[0] for r in found]
        return PublicPage(tuple(await self._questions(session, rows)), page, pages, total if counted else 0)

    async def newest_titles(self, session: AsyncSession, limit: int) -> list[PublicTitle]:
        """The titles of the newest published questions, the most recently solved first: the home
        page's list, one read of the questions alone (no text, no names, no count)."""
        rows = (await session.execute(
            select(Question.thread_id, Question.title, Question.solved_at).where(*self._public())
            .order_by(Question.solved_at.desc(), Question.thread_id.desc()).limit(limit))).all()
        return [PublicTitle(int(tid), public_text(title), solved) for tid, title, solved in rows if solved is not None]

    async def solved_in_country(self, session: AsyncSession, code: str, limit: int = 5) -> list[PublicQuestion]:
        """The published questions tagged with a country (under any of its names: "Laos" for Lao PDR),
        the most recently solved first: what a country's web page lists."""
        spellings = directory().spellings(code)
        if not spellings:
            return []
        rows = (await session.execute(
            select(Question).where(*self._public(),
                                   or_(*(func.lower(Question.country) == func.lower(name) for name in spellings)))
            .order_by(Question.solved_at.desc(), Question.thread_id.desc()).limit(limit)
        )).scalars().all()
        return await self._questions(session, rows)

    async def question(self, session: AsyncSession, question_id: int) -> PublicQuestion | None:
        """One published question with its answers; None when it is not public (or does not exist)."""
        row = (await session.execute(
            select(Question).where(Question.thread_id == question_id, *self._public()))).scalar_one_or_none()
        if row is None:
            return None
        # the post's messages with whether each author publishes, and the names: three reads in all
        messages = (await session.execute(
            select(ArchivedMessage.id, ArchivedMessage.author_id, ArchivedMessage.kind, ArchivedMessage.content,
                   ArchivedMessage.created_at, UserPreference.publish_web)
            .outerjoin(UserPreference, UserPreference.user_id == ArchivedMessage.author_id)
            .where(ArchivedMessage.thread_id == row.thread_id, ArchivedMessage.kind.in_(("question", "answer")))
            .order_by(ArchivedMessage.id)
        )).all()
        answers = [m for m in messages if m.kind == "answer"]
        text = next((m.content for m in reversed(messages) if m.kind == "question"), "")
        published = {m.author_id for m in answers if m.publish_web}
        names = await web_names(session, [row.author_id, *published])
        shown = tuple(
            PublicAnswer(
                position=i, published=a.author_id in published,
                author_name=names.get(a.author_id) if a.author_id in published else None,
                text=public_text(a.content) if a.author_id in published else None, created_at=a.created_at,
                accepted=a.id == row.answer_id,
            )
            for i, a in enumerate(answers, 1)
        )
        return self._question(row, text, len(answers), names, shown)

    async def search(self, session: AsyncSession, query: str, page: int = 1, per_page: int = PAGE_SIZE) -> PublicSearch:
        """Published questions whose text, or a published answer's, has every word of the query.

        The published rule is part of the full-text query's SQL (``SearchFilters.published_only``),
        so an unpublished answer is never a match and never a snippet; the questions found are then
        checked once more against the whole rule above."""
        text = " ".join(query.split())[:MAX_QUERY]
        terms = search.query_terms(text)
        if not terms:
            return PublicSearch(text, (), 0, 1, 1)
        # solved_only: the engine intersects the words with the solved posts' mark (db/search.py), so the
        # cost follows the few solved posts, not every message that has a common word
        found = await search.candidates(session, terms, search.SearchFilters(published_only=True),
                                        limit=SEARCH_CANDIDATES, solved_only=True)
        ranked = sorted(found, key=lambda c: (-c.score, -c.message_id))
        if not ranked:
            return PublicSearch(text, (), 0, 1, 1)
        best: dict[int, int] = {}  # post -> its best-ranked matching message
        for c in ranked:
            if c.thread_id is not None and c.thread_id not in best:
                best[c.thread_id] = c.message_id
        public = {q.thread_id: q for q in (await session.execute(
            select(Question).where(Question.thread_id.in_(list(best)), *self._public()))).scalars()}
        order = [tid for tid in best if tid in public]
        total = len(order)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        chosen = order[(page - 1) * per_page : page * per_page]
        questions = {q.id: q for q in await self._questions(session, [public[t] for t in chosen])}
        # only the messages shown are read (their text for the snippet), not every candidate's
        shown = {r.id: r for r in (await session.execute(
            select(ArchivedMessage.id, ArchivedMessage.kind, ArchivedMessage.content)
            .where(ArchivedMessage.id.in_([best[t] for t in chosen]))
        )).all()}
        words = search.highlight_words(text)
        hits = []
        for tid in chosen:
            r = shown.get(best[tid])
            if r is None:
                continue
            content = _body(public[tid].title, r.content) if r.kind == "question" else r.content
            snippet, spans = make_snippet(public_text(content or public[tid].title), words)
            hits.append(PublicHit(questions[tid], r.kind, snippet, tuple(spans)))
        return PublicSearch(text, tuple(hits), total, page, pages)

    async def _questions(self, session: AsyncSession, rows: Sequence[Question]) -> list[PublicQuestion]:
        if not rows:
            return []
        ids = [q.thread_id for q in rows]
        # each post's text and its number of replies, in one read
        per_post = (await session.execute(
            select(ArchivedMessage.thread_id,
                   func.max(case((ArchivedMessage.kind == "question", ArchivedMessage.content))),
                   func.count(case((ArchivedMessage.kind == "answer", 1))))
            .where(ArchivedMessage.thread_id.in_(ids), ArchivedMessage.kind.in_(("question", "answer")))
            .group_by(ArchivedMessage.thread_id)
        )).all()
        texts = {tid: text or "" for tid, text, _n in per_post}
        replies = {tid: int(n) for tid, _text, n in per_post}
        names = await web_names(session, [q.author_id for q in rows])
        return [self._question(q, texts.get(q.thread_id, ""), replies.get(q.thread_id, 0), names) for q in rows]

    @staticmethod
    def _question(q: Question, text: str, replies: int, names: dict[int, str],
                  answers: tuple[PublicAnswer, ...] = ()) -> PublicQuestion:
        assert q.solved_at is not None
        return PublicQuestion(
            id=q.thread_id, title=public_text(q.title), body=public_text(_body(q.title, text)),
            asker_name=names.get(q.author_id), country=q.country, topic=q.topic, created_at=q.created_at,
            solved_at=q.solved_at, answer_count=replies,
            discord_url=jump_url(q.guild_id, q.thread_id, q.thread_id), answers=answers,
        )
