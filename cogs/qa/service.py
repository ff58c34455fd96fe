"""Peer Q&A: questions in the forum channel, accepted answers, routing of unanswered posts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import N_, _, format_number
from bot.config import Config
from bot.countries import SUGGEST_SCORE, CountryChoice, CountryDirectory, directory, likeness, name_key
from bot.digest import DigestContext, DigestItem, DigestSection
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.guild import GuildSettings
from bot.permissions import Actor, is_facilitator
from bot.text import clean, fold, optional_text, require_text
from cogs.qa import lifecycle
from cogs.qa.models import Question
from cogs.search.archive import MessageRecord, jump_url, store_messages
from cogs.search.models import ArchivedMessage
from db import search
from db.models import SavedQuery, utcnow
from db.queries import save_query

MAX_TITLE = 100  # a forum post title
SIMILAR_TITLE_SCORE = 55  # rapidfuzz token_set_ratio between two question titles
MAX_BODY = 1800  # leaves room in the 2,000-character starter message for the asker line
MAX_TYPED_CHOICE = 40  # the form's Country and Topic fields
MAX_TAG = 20  # a forum tag
# Saved queries holding what an asker wrote: the checked draft kept while they look at similar
# questions, and the form as typed when a value needs fixing ("Edit my question", "Use ...").
# In the database, so the buttons still work after a restart; gone once posted, or after DRAFT_TTL.
DRAFT_KIND = "qa-draft"
TYPED_KIND = "qa-typed"
DRAFT_TTL = timedelta(hours=24)
GONE = N_("This draft has expired or was already used. Please use /ask again.")


@dataclass(frozen=True)
class QuestionDraft:
    title: str
    body: str
    country: str | None
    topic: str | None


@dataclass(frozen=True)
class TypedQuestion:
    """The /ask form as the member typed it, nothing checked yet (kept so nothing typed is lost)."""

    title: str
    body: str
    country: str = ""
    topic: str = ""

    def clipped(self) -> TypedQuestion:
        """Within the form's own limits, so it can be put back into the form as it was."""
        return TypedQuestion(self.title[:MAX_TITLE], self.body[:MAX_BODY], self.country[:MAX_TYPED_CHOICE],
                             self.topic[:MAX_TYPED_CHOICE])

    def with_value(self, field: str, value: str) -> TypedQuestion:
        return TypedQuestion(**{**asdict(self), field: value})


class UnknownChoice(InvalidInput):
    """A country or topic the forum has no tag for; ``suggestions`` are the closest ones."""

    def __init__(self, message: str, *, field: str, suggestions: list[str]):
        super().__init__(message, suggestions=suggestions)
        self.field = field


@dataclass(frozen=True)
class HeldQuestion:
    """What the member typed, kept after a problem, with the values they may pick instead."""

    id: int
    typed: TypedQuestion
    field: str | None  # "country" or "topic" when that value was not known
    suggestions: tuple[str, ...]


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
class SolvedQuestion:
    thread_id: int
    title: str
    jump_url: str  # to the accepted answer, else the post
    solved_at: datetime


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


def _pick_topic(value: str | None, allowed: list[str]) -> str | None:
    text = optional_text(value, field=N_("topic"), max_len=100)
    if text is None:
        return None
    if not allowed:
        if len(text) > MAX_TAG:
            raise InvalidInput(_("**{field}** must be at most {limit} characters (it becomes a forum tag).").format(
                field=_("topic"), limit=format_number(MAX_TAG)))
        return text
    for name in allowed:
        if fold(name) == fold(text):
            return name
    by_folded = {fold(n): n for n in allowed}
    best = [by_folded[m] for m, _, _ in process.extract(fold(text), list(by_folded), limit=3, score_cutoff=50)]
    raise UnknownChoice(_("I don't know the topic you typed. Choose one of: {topics}.").format(topics=", ".join(allowed)),
                        field="topic", suggestions=best)


def _held(row: SavedQuery) -> HeldQuestion:
    params = dict(row.params)
    return HeldQuestion(row.id, TypedQuestion(**params["typed"]), params.get("field"),
                        tuple(params.get("suggestions") or ()))


def question_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def _info(row: Question) -> QuestionInfo:
    return QuestionInfo(row.thread_id, row.guild_id, row.author_id, row.title, row.country, row.topic,
                        row.answer_id, row.solved_at is not None)


class QuestionService:
    """Questions in the forum channel, their accepted answers, and routing of unanswered ones."""

    def __init__(self, config: Config, countries: CountryDirectory | None = None, guild: GuildSettings | None = None):
        self.config = config
        self.guild = guild or GuildSettings(config)  # roles: /setup, else config.yaml
        self.countries = countries or directory()
        # The deployment's extra tags (e.g. Myanmar); one naming a programme country adds nothing.
        self.extra_countries = [e for e in config.qa.extra_countries if self.countries.parse(e) is None]

    @property
    def country_tags(self) -> list[str]:
        """The countries /ask offers: the programme countries' shown names, then the extras."""
        return [*self.countries.names(), *self.extra_countries]

    def country_tag(self, text: str | None) -> str | None:
        """The forum tag for a country typed any usual way, in any script ("laos", "ລາວ" -> "Lao PDR")."""
        typed = optional_text(text, field=N_("country"), max_len=100)
        if typed is None:
            return None
        code = self.countries.parse(typed)
        if code is not None:
            return self.countries.name(code)
        for extra in self.extra_countries:
            if name_key(extra) == name_key(typed):
                return extra
        key = name_key(typed)
        alike = self.countries.suggest(typed) + [e for e in self.extra_countries if likeness(key, name_key(e)) >= SUGGEST_SCORE]
        raise UnknownChoice(
            _("I don't know the country “{typed}”. Choose one of: {countries}, in any language, or leave it "
              "empty.").format(typed=typed[:40], countries=", ".join(self.country_tags)),
            field="country", suggestions=alike[:3])

    def tags_of_post(self, tag_names: list[str]) -> tuple[str | None, str | None]:
        """(country, topic) of a post made directly in the forum, from its tags."""
        country = topic = None
        for name in tag_names:
            if country is None:
                code = self.countries.parse(name)
                country = self.countries.name(code) if code else next(
                    (e for e in self.extra_countries if name_key(e) == name_key(name)), None)
            if topic is None:
                topic = next((t for t in self.config.qa.topics if fold(t) == fold(name)), None)
        return country, topic

    def complete_country(self, text: str | None) -> list[CountryChoice]:
        found = self.countries.complete(text)
        key = name_key(text or "")
        extras = [CountryChoice(e, e) for e in self.extra_countries if key in name_key(e)]
        return (found + extras)[:25]

    def validate_draft(self, title: str | None, body: str | None, country: str | None,
                       topic: str | None) -> QuestionDraft:
        return QuestionDraft(
            title=require_text(title, field=N_("title"), max_len=MAX_TITLE),
            body=require_text(body, field=N_("question"), max_len=MAX_BODY, multiline=True),
            country=self.country_tag(country),
            topic=_pick_topic(topic, self.config.qa.topics),
        )

    async def _own(self, session: AsyncSession, draft_id: int, user_id: int, kind: str) -> SavedQuery:
        """A draft saved by this member, not expired (a forged button id finds nothing of theirs)."""
        row = await session.get(SavedQuery, draft_id)
        if row is None or row.kind != kind or row.created_at < utcnow() - DRAFT_TTL:
            raise NotFound(_(GONE))
        if row.owner_id != user_id:
            raise NotAllowed(_("Only the person who wrote this question can post or edit it."))
        return row

    async def _claim(self, session: AsyncSession, row: SavedQuery) -> None:
        """Use a draft up: of two presses at once, only the one whose delete removed it goes on."""
        result = await session.execute(delete(SavedQuery).where(SavedQuery.id == row.id))
        if getattr(result, "rowcount", 1) != 1:
            raise NotFound(_(GONE))

    async def _save(self, session: AsyncSession, kind: str, params: dict[str, Any], user_id: int) -> int:
        # Drafts are members' words: each new one sweeps away those past their time.
        await session.execute(delete(SavedQuery).where(SavedQuery.kind.in_((DRAFT_KIND, TYPED_KIND)),
                                                       SavedQuery.created_at < utcnow() - DRAFT_TTL))
        return await save_query(session, kind, params, user_id)

    async def save_draft(self, session: AsyncSession, draft: QuestionDraft, user_id: int) -> int:
        return await self._save(session, DRAFT_KIND, asdict(draft), user_id)

    async def take_draft(self, session: AsyncSession, draft_id: int, user_id: int) -> QuestionDraft:
        """The draft saved while the asker looked at similar questions (usable once, by them only)."""
        row = await self._own(session, draft_id, user_id, DRAFT_KIND)
        params = dict(row.params)
        await self._claim(session, row)
        return QuestionDraft(**params)

    async def hold(self, session: AsyncSession, typed: TypedQuestion, user_id: int, problem: InvalidInput,
                   *, replacing: int | None = None) -> HeldQuestion:
        """Keep the form as typed after ``problem``, to be edited or posted with a suggested value."""
        field = problem.field if isinstance(problem, UnknownChoice) else None
        suggestions = tuple(problem.suggestions) if field else ()
        params = {"typed": asdict(typed.clipped()), "field": field, "suggestions": list(suggestions)}
        if replacing is not None:
            await self.drop_typed(session, replacing, user_id)
        held_id = await self._save(session, TYPED_KIND, params, user_id)
        return HeldQuestion(held_id, typed.clipped(), field, suggestions)

    async def held(self, session: AsyncSession, held_id: int, user_id: int) -> HeldQuestion:
        return _held(await self._own(session, held_id, user_id, TYPED_KIND))

    async def take_typed(self, session: AsyncSession, held_id: int, user_id: int) -> HeldQuestion:
        """What the member typed, used up (pressing "Use ..." twice posts once)."""
        row = await self._own(session, held_id, user_id, TYPED_KIND)
        held = _held(row)
        await self._claim(session, row)
        return held

    async def drop_typed(self, session: AsyncSession, held_id: int, user_id: int) -> None:
        await session.execute(delete(SavedQuery).where(SavedQuery.id == held_id, SavedQuery.owner_id == user_id,
                                                       SavedQuery.kind == TYPED_KIND))

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
            # Replies stored before the question (events out of order) now belong to a post: its marks.
            async with search.reindexed(session, thread_id):
                session.add(row)
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
            raise NotFound(_("This command works inside a question post of the Q&A forum."))
        return _info(row)


    async def mark_answer(
        self, session: AsyncSession, actor: Actor, thread_id: int, message_id: int | None, now: datetime
    ) -> Solved:
        """The asker or a facilitator accepts an answer (or, with no message, the latest reply)."""
        question = await session.get(Question, thread_id)
        if question is None:
            raise NotFound(_("Answers can only be marked inside a question post of the Q&A forum."))
        if actor.user_id != question.author_id and not is_facilitator(actor, self.guild.current):
            raise NotAllowed(_("Only the person who asked, or a facilitator, can mark the answer."))
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
                raise InvalidInput(_("That message is not a reply in this question post."))
            if answer.kind == "question":
                raise InvalidInput(_("The question itself can't be its own answer; choose a reply."))
        question.answer_id = message_id
        if question.solved_at is None:
            async with search.reindexed(session, thread_id):  # the post's messages now carry the solved mark
                question.solved_at = now
        await session.flush()
        url = jump_url(question.guild_id, thread_id, message_id) if message_id else None
        return Solved(thread_id, message_id, url, self.config.qa.solved_tag)


    async def solved_in_country(self, session: AsyncSession, code: str, limit: int = 5) -> list[SolvedQuestion]:
        """Questions tagged with a country that have an accepted answer, the most recently solved
        first. Tags stored under any of the country's names count ("Laos" for Lao PDR)."""
        spellings = self.countries.spellings(code)
        if not spellings:
            return []
        rows = (await session.execute(
            select(Question).where(
                Question.solved_at.is_not(None), Question.title != REMOVED_TITLE,
                or_(*(func.lower(Question.country) == func.lower(name) for name in spellings)),
            ).order_by(Question.solved_at.desc(), Question.thread_id.desc()).limit(limit)
        )).scalars().all()
        return [SolvedQuestion(q.thread_id, q.title, jump_url(q.guild_id, q.thread_id, q.answer_id or q.thread_id),
                               q.solved_at) for q in rows if q.solved_at is not None]

    async def route_unanswered(
        self, session: AsyncSession, now: datetime, *, claim: bool = True
    ) -> list[Routing]:
        """Questions with no reply yet, due to be shown to helpers, then to facilitators.

        Each step is claimed with a conditional UPDATE before anything is posted, so it happens at
        most once, even with two processes or after a restart."""
        out: list[Routing] = []
        qa, role_ids = self.config.qa, self.guild.current
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
    return DigestSection(_("Newly solved questions"), items, _("No question was solved this week."))


async def unanswered_digest(ctx: DigestContext) -> DigestSection | None:
    """Weekly digest section: questions still waiting for a first reply, oldest first."""
    session, now = ctx.session, ctx.now
    rows = (await session.execute(
        select(Question).where(Question.first_reply_at.is_(None), Question.solved_at.is_(None),
                               Question.created_at <= now)
        .order_by(Question.created_at).limit(DIGEST_LIMIT)
    )).scalars().all()
    items = tuple(DigestItem(q.title, jump_url(q.guild_id, q.thread_id, q.thread_id), q.created_at) for q in rows)
    return DigestSection(_("Questions still waiting for an answer"), items, _("Every question has a reply. Thank you!"))


# --------------------------------------------------------------------------- privacy
REMOVED_TITLE = "(removed at the author's request)"


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    n = (await session.execute(
        select(func.count()).select_from(Question).where(Question.author_id == user_id))).scalar_one()
    return [PrivacyLine(_("Q&A posts you started (title, tags)"), int(n)),
            PrivacyLine(_("Q&A posts you closed or reopened"), await lifecycle.events_count(session, user_id))]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    questions = (await session.execute(
        select(Question).where(Question.author_id == user_id).order_by(Question.thread_id))).scalars().all()
    return {"questions": [
        {"thread_id": str(q.thread_id), "title": q.title, "country": q.country, "topic": q.topic,
         "created_at": q.created_at.isoformat(), "solved": q.solved_at is not None}
        for q in questions
    ], "post_events": await lifecycle.events_export(session, user_id)}


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """The post itself lives on Discord and other members' answers stay: only the asker's name
    and title go."""
    result = await session.execute(
        update(Question).where(Question.author_id == user_id).values(title=REMOVED_TITLE, author_id=0))
    return int(getattr(result, "rowcount", 0) or 0) + await lifecycle.events_forget(session, user_id)


PRIVACY = PrivacyHook(columns=[("qa_questions", "author_id"), ("qa_post_events", "by_user_id")], show=privacy_show, export=privacy_export,
                      forget=privacy_forget)
