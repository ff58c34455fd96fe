"""Peer Q&A: questions in the forum channel, accepted answers, routing of unanswered posts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.config import Config
from bot.digest import DigestContext, DigestItem, DigestSection
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.permissions import Actor, is_facilitator
from bot.text import clean, fold, optional_text, require_text
from cogs.qa.models import Question
from cogs.search.archive import MessageRecord, jump_url, store_messages
from cogs.search.models import ArchivedMessage
from db import search
from db.models import SavedQuery
from db.queries import load_query, save_query

MAX_TITLE = 100  # a forum post title
SIMILAR_TITLE_SCORE = 55  # rapidfuzz token_set_ratio between two question titles
MAX_BODY = 1800  # leaves room in the 2,000-character starter message for the asker line
DRAFT_KIND = "qa-draft"  # a saved query: the draft kept while the asker looks at similar questions


@dataclass(frozen=True)
class QuestionDraft:
    title: str
    body: str
    country: str | None
    topic: str | None


@dataclass(frozen=True)
class SimilarQuestion:
    thread_id: int
    title: str
    solved: bool
    jump_url: str


@dataclass(frozen=True)
class QuestionInfo:
    thread_id: int
    guild_id: int
    author_id: int
    title: str
    country: str | None
    topic: str | None
    answer_id: int | None
    solved: bool


@dataclass(frozen=True)
class Solved:
    thread_id: int
    answer_id: int | None
    answer_url: str | None
    solved_tag: str


@dataclass(frozen=True)
class Routing:
    thread_id: int
    guild_id: int
    title: str
    target: str  # helpers | facilitators
    role_ids: tuple[int, ...]


def _pick(value: str | None, allowed: list[str], field: str) -> str | None:
    text = optional_text(value, field=field, max_len=100)
    if text is None:
        return None
    if not allowed:
        if len(text) > 20:
            raise InvalidInput(f"**{field}** must be at most 20 characters (it becomes a forum tag).")
        return text
    for name in allowed:
        if name.casefold() == text.casefold():
            return name
    best = [m[0] for m in process.extract(text, allowed, limit=3, score_cutoff=50)]
    raise InvalidInput(
        f"I don't know the {field} you typed. Choose one of: {', '.join(allowed)}.", suggestions=best
    )


def question_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _info(row: Question) -> QuestionInfo:
    return QuestionInfo(row.thread_id, row.guild_id, row.author_id, row.title, row.country, row.topic,
                        row.answer_id, row.solved_at is not None)


class QuestionService:
    """Questions in the forum channel, their accepted answers, and routing of unanswered ones."""

    def __init__(self, config: Config):
        self.config = config

    def validate_draft(self, title: str | None, body: str | None, country: str | None,
                       topic: str | None) -> QuestionDraft:
        return QuestionDraft(
            title=require_text(title, field="title", max_len=MAX_TITLE),
            body=require_text(body, field="question", max_len=MAX_BODY, multiline=True),
            country=_pick(country, self.config.qa.countries, "country"),
            topic=_pick(topic, self.config.qa.topics, "topic"),
        )


    async def save_draft(self, session: AsyncSession, draft: QuestionDraft, user_id: int) -> int:
        return await save_query(session, DRAFT_KIND, asdict(draft), user_id)

    async def take_draft(self, session: AsyncSession, draft_id: int, user_id: int) -> QuestionDraft:
        """The draft saved while the asker looked at similar questions (usable once, by them only)."""
        stored = await load_query(session, draft_id, user_id)
        if stored.kind != DRAFT_KIND:  # a forged button pointing at one of the member's saved searches
            raise NotFound("This draft has expired. Please use /ask again.")
        await session.execute(delete(SavedQuery).where(SavedQuery.id == draft_id))
        return QuestionDraft(**stored.params)


    async def similar_questions(self, session: AsyncSession, draft: QuestionDraft, limit: int = 3) -> list[SimilarQuestion]:
        """Existing questions sharing words with the draft's title: solved first, then best match."""
        terms = search.query_terms(draft.title)
        if not terms:
            return []
        found = await search.candidates(
            session, terms, search.SearchFilters(kinds=("question",)), limit=200, any_term=True
        )
        # More shared words beats fewer: re-score each by how many title terms it contains.
        ranked = sorted(found, key=lambda c: (not c.solved, -c.score, -c.message_id))[: limit * 4]
        if not ranked:
            return []
        rows = await session.execute(
            select(ArchivedMessage.id, Question).join(Question, Question.thread_id == ArchivedMessage.thread_id)
            .where(ArchivedMessage.id.in_([c.message_id for c in ranked]))
        )
        by_id = {mid: q for mid, q in rows}
        out = []
        title = fold(draft.title)
        for c in ranked:
            q = by_id.get(c.message_id)
            # Sharing a word such as "for" is not similarity: the titles must overlap for real.
            if q is None or fuzz.token_set_ratio(title, fold(q.title)) < SIMILAR_TITLE_SCORE:
                continue
            out.append(SimilarQuestion(q.thread_id, q.title, q.solved_at is not None,
                                       jump_url(q.guild_id, q.thread_id, q.thread_id)))
            if len(out) == limit:
                break
        return out


    async def record_question(
        self, session: AsyncSession, *, thread_id: int, forum_id: int, guild_id: int, author_id: int, title: str, body: str,
        country: str | None, topic: str | None, created_at: datetime, starter_message_id: int | None = None,
    ) -> QuestionInfo:
        """Store a question (idempotent: the same post recorded twice is one question)."""
        title = clean(title)[:MAX_TITLE] or "(untitled)"
        row = await session.get(Question, thread_id)
        if row is None:
            row = Question(thread_id=thread_id, forum_id=forum_id, guild_id=guild_id, author_id=author_id, title=title,
                           country=country, topic=topic, created_at=created_at)
            session.add(row)
            await session.flush()
        await store_messages(session, [MessageRecord(
            id=starter_message_id or thread_id, channel_id=thread_id, guild_id=guild_id, thread_id=thread_id,
            author_id=author_id, content=question_text(title, body), created_at=created_at, kind="question",
        )])
        # Replies that arrived before the question was recorded still count as replies.
        first = (await session.execute(
            select(ArchivedMessage.created_at).where(
                ArchivedMessage.thread_id == thread_id, ArchivedMessage.kind == "answer",
                ArchivedMessage.author_id != author_id,
            ).order_by(ArchivedMessage.id).limit(1)
        )).scalar_one_or_none()
        if first is not None and row.first_reply_at is None:
            row.first_reply_at = first
        return _info(row)


    async def get_question(self, session: AsyncSession, thread_id: int) -> QuestionInfo:
        row = await session.get(Question, thread_id)
        if row is None:
            raise NotFound("This command works inside a question post of the Q&A forum.")
        return _info(row)


    async def mark_answer(
        self, session: AsyncSession, actor: Actor, thread_id: int, message_id: int | None, now: datetime
    ) -> Solved:
        """The asker or a facilitator accepts an answer (or, with no message, the latest reply)."""
        question = await session.get(Question, thread_id)
        if question is None:
            raise NotFound("Answers can only be marked inside a question post of the Q&A forum.")
        if actor.user_id != question.author_id and not is_facilitator(actor, self.config):
            raise NotAllowed("Only the person who asked, or a facilitator, can mark the answer.")
        if message_id is None:
            message_id = (await session.execute(
                select(ArchivedMessage.id).where(
                    ArchivedMessage.thread_id == thread_id, ArchivedMessage.kind == "answer",
                    ArchivedMessage.author_id != question.author_id,
                ).order_by(ArchivedMessage.id.desc()).limit(1)
            )).scalar_one_or_none()
        else:
            answer = await session.get(ArchivedMessage, message_id)
            if answer is None or answer.thread_id != thread_id:
                raise InvalidInput("That message is not a reply in this question post.")
            if answer.kind == "question":
                raise InvalidInput("The question itself can't be its own answer; choose a reply.")
        question.answer_id = message_id
        if question.solved_at is None:
            # The post's messages are re-indexed with the solved mark (db/search.py).
            posts = (await session.execute(
                select(ArchivedMessage.id, ArchivedMessage.content).where(ArchivedMessage.thread_id == thread_id)
            )).all()
            pairs = [(mid, content) for mid, content in posts]
            await search.unindex_messages(session, pairs)
            question.solved_at = now
            await session.flush()
            await search.index_messages(session, pairs)
        await session.flush()
        url = jump_url(question.guild_id, thread_id, message_id) if message_id else None
        return Solved(thread_id, message_id, url, self.config.qa.solved_tag)


    async def route_unanswered(
        self, session: AsyncSession, now: datetime, *, claim: bool = True
    ) -> list[Routing]:
        """Questions with no reply yet, due to be shown to helpers, then to facilitators.

        Each step is claimed with a conditional UPDATE before anything is posted, so it happens at
        most once, even with two processes or after a restart."""
        out: list[Routing] = []
        qa, role_ids = self.config.qa, self.config.roles
        steps = (
            ("helpers", Question.routed_helpers_at, qa.route_helpers_after_hours, tuple(role_ids.helpers)),
            ("facilitators", Question.routed_facilitators_at, qa.route_facilitators_after_hours,
             tuple(role_ids.facilitators)),
        )
        for target, column, hours, roles in steps:
            due = now - timedelta(hours=hours)
            rows = (await session.execute(
                select(Question).where(
                    Question.first_reply_at.is_(None), Question.solved_at.is_(None), column.is_(None),
                    Question.created_at <= due,
                ).order_by(Question.created_at).limit(50)
            )).scalars().all()
            for q in rows:
                if not claim:
                    out.append(Routing(q.thread_id, q.guild_id, q.title, target, roles))
                    continue
                claimed = await session.execute(
                    update(Question).where(Question.thread_id == q.thread_id, column.is_(None)).values({column.key: now})
                )
                if getattr(claimed, "rowcount", 1) == 1 and roles:
                    out.append(Routing(q.thread_id, q.guild_id, q.title, target, roles))
        return out


# --------------------------------------------------------------------------- weekly digest
DIGEST_LIMIT = 10


async def solved_digest(ctx: DigestContext) -> DigestSection | None:
    """Weekly digest section: questions that got an accepted answer this week."""
    session, since, now = ctx.session, ctx.since, ctx.now
    rows = (await session.execute(
        select(Question).where(Question.solved_at.is_not(None), Question.solved_at > since,
                               Question.solved_at <= now)
        .order_by(Question.solved_at.desc()).limit(DIGEST_LIMIT)
    )).scalars().all()
    items = tuple(DigestItem(q.title, jump_url(q.guild_id, q.thread_id, q.answer_id or q.thread_id)) for q in rows)
    return DigestSection("Newly solved questions", items, "No question was solved this week.")


async def unanswered_digest(ctx: DigestContext) -> DigestSection | None:
    """Weekly digest section: questions still waiting for a first reply, oldest first."""
    session, now = ctx.session, ctx.now
    rows = (await session.execute(
        select(Question).where(Question.first_reply_at.is_(None), Question.solved_at.is_(None),
                               Question.created_at <= now)
        .order_by(Question.created_at).limit(DIGEST_LIMIT)
    )).scalars().all()
    items = tuple(DigestItem(q.title, jump_url(q.guild_id, q.thread_id, q.thread_id), q.created_at) for q in rows)
    return DigestSection("Questions still waiting for an answer", items, "Every question has a reply. Thank you!")


# --------------------------------------------------------------------------- privacy
REMOVED_TITLE = "(removed at the author's request)"


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    n = (await session.execute(
        select(func.count()).select_from(Question).where(Question.author_id == user_id))).scalar_one()
    return [PrivacyLine("Q&A posts you started (title, tags)", int(n))]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    questions = (await session.execute(
        select(Question).where(Question.author_id == user_id).order_by(Question.thread_id))).scalars().all()
    return {"questions": [
        {"thread_id": str(q.thread_id), "title": q.title, "country": q.country, "topic": q.topic,
         "created_at": q.created_at.isoformat(), "solved": q.solved_at is not None}
        for q in questions
    ]}


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """The post itself lives on Discord and other members' answers stay: only the asker's name
    and title go."""
    result = await session.execute(
        update(Question).where(Question.author_id == user_id).values(title=REMOVED_TITLE, author_id=0))
    return int(getattr(result, "rowcount", 0) or 0)


PRIVACY = PrivacyHook(columns=[("qa_questions", "author_id")], show=privacy_show, export=privacy_export,
                      forget=privacy_forget)
