"""Suggestions for the glossary and their review. Never imports discord.

Any member proposes a better name, definition, explanation or gloss for one term in one language;
a facilitator approves (as proposed, or edited), or rejects. Approved rows are the reviewed text:
every instance reads them from the database (one primary-key read of a version row per answer,
``refresh``; the rows themselves only when that version changed) and shows them in place of the
shipped YAML, until ``python -m bot glossary export`` writes them back into content/.

A decision is one conditional UPDATE (``WHERE status = 'pending'``), so a double click, two
facilitators at the same moment or a stale button decide a suggestion once; the others are told
who decided it."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import N_, _
from bot.content import Term
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.guild import GuildSettings
from bot.i18n import LANGUAGES
from bot.outbox import Outbox
from bot.permissions import Actor, is_facilitator
from bot.text import clean, clean_multiline, fold, safe_echo
from cogs.glossary.browse import GlossaryIndex
from cogs.glossary.service import MAX_QUERY_LEN, GlossaryService, Miss
from cogs.glossary_review.models import APPROVED, PENDING, REJECTED, GlossarySuggestion
from cogs.glossary_review.overrides import Approved, Effective, apply, effective, shipped_value
from db.engine import Database
from db.models import BotState, utcnow
from db.upsert import upsert

log = logging.getLogger(__name__)

FIELDS = ("name", "short", "explanation", "gloss")
# What members read for each field (translated where shown).
FIELD_LABELS = {"name": N_("name"), "short": N_("definition"), "explanation": N_("explanation"), "gloss": N_("gloss")}
# The content schema's limits (bot/content.py): an approved text always fits the shipped files.
_ENGLISH_LIMITS = {"name": 100, "short": 300, "explanation": 1200}
_TRANSLATED_LIMITS = {"name": 100, "gloss": 120, "short": 400, "explanation": 1600}
NOTE_MAX = 500
MAX_PENDING_PER_MEMBER = 20
VERSION_KEY = "glossary_review.version"  # bot_state row that changes with every approval
APPROVED_DM = "glossary_review.approved_dm"  # outbox kind: the author's thank-you

_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>|@(?:everyone|here)\b", re.IGNORECASE)
# Discord markdown: bold, underline, strike, spoiler, code, masked links, headings, quotes, small print,
# and *italic* / _italic_ (a lone * or _ is fine). No shipped text uses any of it.
_MARKDOWN = re.compile(
    r"\*\*|__|~~|\|\||`|\]\(|(?:^|\n)[ \t]*(?:#{1,3}[ \t]|>|-#[ \t])"
    r"|(?<![\w*])\*(?=\S)[^*\n]+(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)[^_\n]+(?<=\S)_(?![\w_])")


def field_label(field: str) -> str:
    return _(FIELD_LABELS.get(field, field))




def limit_of(language: str, field: str) -> int | None:
    """How long the text of a field may be in a language (None: the field does not exist there)."""
    return (_ENGLISH_LIMITS if language == "en" else _TRANSLATED_LIMITS).get(field)


@dataclass(frozen=True)
class Target:
    """One field of one term in one language, as a suggestion form and the review queue show it."""

    term_id: str
    term: str  # English name
    local_name: str | None  # the name in ``language``, when there is one
    language: str
    field: str
    current: str | None  # what the glossary shows now (approved text included); None: nothing yet
    english: str  # the English text of the same field (for a gloss: the English name)
    limit: int


@dataclass(frozen=True)
class SuggestionInfo:
    id: int
    term_id: str
    language: str
    field: str
    text: str
    note: str | None
    author_id: int
    status: str
    reviewer_id: int | None
    approved_text: str | None
    created_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class Submitted:
    suggestion: SuggestionInfo
    target: Target
    created: bool  # False: the same suggestion of the member's was already waiting
    waiting: int  # suggestions waiting for review, this one included


@dataclass(frozen=True)
class QueueItem:
    suggestion: SuggestionInfo
    target: Target
    waiting: int  # pending suggestions (in the asked language), this one included


@dataclass(frozen=True)
class Decision:
    suggestion: SuggestionInfo
    target: Target


def _info(row: GlossarySuggestion) -> SuggestionInfo:
    return SuggestionInfo(row.id, row.term_id, row.language, row.field, row.text, row.note, row.author_id, row.status,
                          row.reviewer_id, row.approved_text, row.created_at, row.reviewed_at)


def _approved(row: GlossarySuggestion) -> Approved:
    return Approved(row.id, row.term_id, row.language, row.field, row.approved_text or row.text, row.shipped_text,
                    row.reviewer_id, row.reviewed_at)


def _same_text(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and " ".join(a.split()) == " ".join(b.split())


class ReviewService:
    def __init__(self, guild: GuildSettings, db: Database, outbox: Outbox, glossary: GlossaryService,
                 index: GlossaryIndex, shipped: Sequence[Term]):
        self.guild = guild
        self.db = db
        self.outbox = outbox
        self.glossary = glossary
        self.index = index
        self.shipped = tuple(shipped)
        self._shipped_by_id = {t.id: t for t in self.shipped}
        self._version: str | None = None
        self._loaded = False
        self._version_query = select(BotState.value).where(BotState.key == VERSION_KEY)

    # ---------------------------------------------------------------- the text every instance shows
    async def refresh(self) -> None:
        """Bring the approved text in when any instance approved something since the last look: one
        primary-key read on every call, the approved rows only when the version row changed."""
        if self._loaded:
            async with self.db.engine.connect() as conn:  # no ORM session: this runs before every answer
                if await conn.scalar(self._version_query) == self._version:
                    return
        async with self.db.begin() as session:
            version = await session.scalar(self._version_query)
            rows = await self.approved(session)  # after the version: a later approval only changes it again
        self._install(rows)
        self._version, self._loaded = version, True

    def _install(self, approved: Sequence[Approved]) -> None:
        current = effective(self._shipped_by_id, approved)
        terms = apply(self.shipped, current.applied)
        self.glossary.replace_terms(terms)
        self.index.replace_terms(terms)
        log.info("glossary: %d reviewed text(s) shown over the shipped files", len(current.applied))

    async def approved(self, session: AsyncSession) -> list[Approved]:
        """Every approval, oldest first (the order ``effective`` reads them in)."""
        rows = (await session.scalars(select(GlossarySuggestion).where(GlossarySuggestion.status == APPROVED)
                                      .order_by(GlossarySuggestion.reviewed_at, GlossarySuggestion.id))).all()
        return [_approved(r) for r in rows]

    async def effective(self, session: AsyncSession) -> Effective:
        """What the approvals change in the shipped files (``glossary export``)."""
        return effective(self._shipped_by_id, await self.approved(session))

    # ---------------------------------------------------------------- what a suggestion is about
    def target(self, term: str | None, language: str, field: str) -> Target:
        """The field a member wants to improve: the term from autocomplete (its id) or as typed."""
        typed = clean(term)
        if not typed or len(typed) > MAX_QUERY_LEN:
            raise InvalidInput(_("Pick a term from the list, or type its name (up to {count} characters).")
                               .format(count=MAX_QUERY_LEN))
        found = self.glossary.resolve(typed)
        if isinstance(found, Miss):
            raise NotFound(_("There is no glossary term like that. Pick one from the list as you type."),
                           suggestions=[s.name for s in found.suggestions])
        return self._target(found.id, language, field)

    def _target(self, term_id: str, language: str, field: str) -> Target:
        if language not in LANGUAGES:
            raise InvalidInput(_("I don't know that language."), suggestions=[lang.english for lang in LANGUAGES.values()])
        if field not in FIELDS:
            raise InvalidInput(_("Choose what to improve: the name, the definition, the explanation or the gloss."))
        limit = limit_of(language, field)
        if limit is None:
            raise InvalidInput(_("English names have no gloss: a gloss explains, in another language, a name kept "
                                 "in English. Choose the name, the definition or the explanation."))
        term = self.glossary.term(term_id)
        if term is None:
            raise NotFound(_("That term is no longer in the glossary."))
        english = shipped_value(term, "en", "name" if field == "gloss" else field) or ""
        return Target(term.id, term.term, term.name_in(language), language, field, shipped_value(term, language, field),
                      english, limit)

    def check_text(self, target: Target, text: str | None, *, editing: bool = False) -> str:
        """The proposed text, cleaned, or a polite error saying what to change."""
        what = field_label(target.field)
        cleaned = clean_multiline(text) if target.field == "explanation" else clean(text)
        if not cleaned:
            raise InvalidInput(_("Please type the new {field}: the form was empty.").format(field=what))
        if len(cleaned) > target.limit:
            raise InvalidInput(_("That {field} is {count} characters long; please keep it under {limit}.")
                               .format(field=what, count=len(cleaned), limit=target.limit))
        if _MENTION.search(cleaned):
            raise InvalidInput(_("Please leave mentions (of members, roles, channels or everyone) out of glossary text."))
        if _MARKDOWN.search(cleaned):
            raise InvalidInput(_("Please write glossary text without formatting (no **bold**, _italics_, `code`, "
                                 "links, headings or quotes): it is shown as plain text everywhere."))
        if not editing and _same_text(cleaned, target.current):
            raise InvalidInput(_("That is what the glossary already says. Change the text to suggest a better one."))
        if target.field == "name":
            other = self.glossary.resolve(cleaned)
            if isinstance(other, Term) and other.id != target.term_id and fold(cleaned) in {
                    fold(n) for n in (other.term, *other.aliases, *(n for n, _lang in other.local_names()))}:
                raise InvalidInput(_("“{name}” is already a name of another term, {other}; a name leads to one term.")
                                   .format(name=safe_echo(cleaned, 100), other=safe_echo(other.term, 100)))
        return cleaned

    @staticmethod
    def check_note(note: str | None) -> str | None:
        cleaned = clean_multiline(note)
        if not cleaned:
            return None
        if len(cleaned) > NOTE_MAX:
            raise InvalidInput(_("Your note is {count} characters long; please keep it under {limit}.")
                               .format(count=len(cleaned), limit=NOTE_MAX))
        if _MENTION.search(cleaned):
            raise InvalidInput(_("Please leave mentions (of members, roles, channels or everyone) out of your note."))
        return cleaned

    # ---------------------------------------------------------------- members suggest
    async def suggest(self, session: AsyncSession, author_id: int, term_id: str, language: str, field: str,
                      text: str | None, note: str | None = None, *, now: datetime | None = None) -> Submitted:
        target = self._target(term_id, language, field)
        cleaned = self.check_text(target, text)
        note_text = self.check_note(note)
        mine = (await session.scalars(select(GlossarySuggestion).where(
            GlossarySuggestion.author_id == author_id, GlossarySuggestion.status == PENDING))).all()
        for row in mine:
            if (row.term_id, row.language, row.field) == (term_id, language, field) and _same_text(row.text, cleaned):
                return Submitted(_info(row), target, False, await self._waiting(session))
        if len(mine) >= MAX_PENDING_PER_MEMBER:
            raise InvalidInput(_("You have {count} suggestions waiting for review already; please wait until a "
                                 "facilitator has looked at them.").format(count=len(mine)))
        row = GlossarySuggestion(term_id=term_id, language=language, field=field, text=cleaned, note=note_text,
                                 author_id=author_id, status=PENDING, created_at=now or utcnow())
        session.add(row)
        await session.flush()
        return Submitted(_info(row), target, True, await self._waiting(session))

    async def _waiting(self, session: AsyncSession, language: str | None = None) -> int:
        query = select(func.count()).select_from(GlossarySuggestion).where(GlossarySuggestion.status == PENDING)
        if language:
            query = query.where(GlossarySuggestion.language == language)
        return int(await session.scalar(query) or 0)

    # ---------------------------------------------------------------- facilitators review
    def may_review(self, actor: Actor) -> bool:
        return is_facilitator(actor, self.guild.current)

    def _require(self, actor: Actor) -> None:
        if not self.may_review(actor):
            raise NotAllowed(_("Only facilitators can review glossary suggestions."))

    async def next_pending(self, session: AsyncSession, actor: Actor, language: str | None = None) -> QueueItem | None:
        """The oldest suggestion waiting (in ``language``, when given), or None when the queue is empty.
        Suggestions for terms no longer in the glossary are skipped (they stay, for /privacy)."""
        self._require(actor)
        query = select(GlossarySuggestion).where(GlossarySuggestion.status == PENDING)
        if language:
            query = query.where(GlossarySuggestion.language == language)
        waiting = await self._waiting(session, language)
        for row in (await session.scalars(query.order_by(GlossarySuggestion.id).limit(50))).all():
            try:
                return QueueItem(_info(row), self._target(row.term_id, row.language, row.field), waiting)
            except (NotFound, InvalidInput):
                log.info("glossary suggestion #%s is for %s, no longer in the glossary", row.id, row.term_id)
        return None

    async def pending(self, session: AsyncSession, actor: Actor, suggestion_id: int) -> QueueItem:
        """One suggestion that still waits (before a facilitator edits it)."""
        self._require(actor)
        row = await self._undecided(session, actor, suggestion_id)
        return QueueItem(_info(row), self._target(row.term_id, row.language, row.field), await self._waiting(session))

    async def _undecided(self, session: AsyncSession, actor: Actor, suggestion_id: int) -> GlossarySuggestion:
        row = await session.get(GlossarySuggestion, suggestion_id, populate_existing=True)
        if row is None:
            raise NotFound(_("Suggestion #{id} is no longer in the queue (its author may have withdrawn it with "
                             "/privacy forget).").format(id=suggestion_id))
        if row.status != PENDING:
            raise InvalidInput(decided_text(_info(row), actor.user_id))
        return row

    async def approve(self, session: AsyncSession, actor: Actor, suggestion_id: int, edited: str | None = None, *,
                      now: datetime | None = None) -> Decision:
        """Approve as proposed, or with the facilitator's edit; the reviewer is credited."""
        self._require(actor)
        row = await self._undecided(session, actor, suggestion_id)
        target = self._target(row.term_id, row.language, row.field)
        text = self.check_text(target, edited, editing=True) if edited is not None else row.text
        shipped = self._shipped_by_id.get(row.term_id)
        values = {"status": APPROVED, "reviewer_id": actor.user_id, "reviewed_at": now or utcnow(), "approved_text": text,
                  "shipped_text": shipped_value(shipped, row.language, row.field) if shipped else None}
        await self._decide(session, actor, row, values)
        await session.execute(upsert(session, BotState, {"key": VERSION_KEY, "value": uuid.uuid4().hex},
                                     keys=("key",), update=("value",)))
        if row.author_id and row.author_id != actor.user_id:  # their words are the glossary's now: say thanks
            await self.outbox.enqueue(session, f"glossary_review:approved:{row.id}", APPROVED_DM,
                                      user_id=row.author_id, params={"suggestion_id": row.id})
        return Decision(_info(row), target)

    async def decided(self, session: AsyncSession, suggestion_id: int) -> Decision | None:
        """A decided suggestion with what it is about (for the author's DM); None when gone."""
        row = await session.get(GlossarySuggestion, suggestion_id)
        if row is None or row.status == PENDING:
            return None
        try:
            return Decision(_info(row), self._target(row.term_id, row.language, row.field))
        except (NotFound, InvalidInput):
            return None

    async def reject(self, session: AsyncSession, actor: Actor, suggestion_id: int, *,
                     now: datetime | None = None) -> Decision:
        self._require(actor)
        row = await self._undecided(session, actor, suggestion_id)
        await self._decide(session, actor, row, {"status": REJECTED, "reviewer_id": actor.user_id,
                                                 "reviewed_at": now or utcnow()})
        return Decision(_info(row), self._target(row.term_id, row.language, row.field))

    async def _decide(self, session: AsyncSession, actor: Actor, row: GlossarySuggestion, values: dict[str, Any]) -> None:
        """Decide once: the UPDATE only matches a suggestion still pending, whoever clicked first."""
        done = await session.execute(update(GlossarySuggestion).where(
            GlossarySuggestion.id == row.id, GlossarySuggestion.status == PENDING).values(**values))
        if not getattr(done, "rowcount", 0):
            await self._undecided(session, actor, row.id)  # raises: decided in the meantime
            raise InvalidInput(_("Suggestion #{id} changed while you looked at it; run /glossary review again.")
                               .format(id=row.id))
        await session.refresh(row)


def decided_text(s: SuggestionInfo, viewer_id: int) -> str:
    """Why a suggestion cannot be decided again: who decided it (no ping: replies allow no mentions)."""
    if s.reviewer_id == viewer_id:
        return (_("You already approved suggestion #{id}.") if s.status == APPROVED
                else _("You already rejected suggestion #{id}.")).format(id=s.id)
    who = f"<@{s.reviewer_id}>" if s.reviewer_id else _("a facilitator")
    return (_("Suggestion #{id} was already approved by {who}.") if s.status == APPROVED
            else _("Suggestion #{id} was already rejected by {who}.")).format(id=s.id, who=who)


# ---- privacy: a member's suggestions are theirs until approved; approved text belongs to the glossary
async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    made = (await session.execute(select(func.count(), func.min(GlossarySuggestion.created_at),
                                         func.max(GlossarySuggestion.created_at))
                                  .where(GlossarySuggestion.author_id == user_id))).one()
    reviewed = await session.scalar(select(func.count()).select_from(GlossarySuggestion)
                                    .where(GlossarySuggestion.reviewer_id == user_id))
    return [PrivacyLine(N_("glossary suggestions you made"), int(made[0] or 0), made[1], made[2]),
            PrivacyLine(N_("glossary suggestions you approved or rejected"), int(reviewed or 0))]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    made = (await session.scalars(select(GlossarySuggestion).where(GlossarySuggestion.author_id == user_id)
                                  .order_by(GlossarySuggestion.id))).all()
    reviewed = (await session.scalars(select(GlossarySuggestion).where(GlossarySuggestion.reviewer_id == user_id)
                                      .order_by(GlossarySuggestion.id))).all()

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "glossary_suggestions": [
            {"id": r.id, "term": r.term_id, "language": r.language, "field": r.field, "text": r.text, "note": r.note,
             "status": r.status, "approved_text": r.approved_text, "created_at": when(r.created_at),
             "reviewed_at": when(r.reviewed_at)} for r in made],
        "glossary_suggestions_reviewed": [
            {"id": r.id, "term": r.term_id, "language": r.language, "field": r.field, "decision": r.status,
             "reviewed_at": when(r.reviewed_at)} for r in reviewed],
    }


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """Pending and rejected suggestions are deleted. Approved ones stay without the author: their text is
    now the glossary's (a facilitator reviewed it, /define shows it, an export may have put it in the
    repository), so deleting them would silently change what every member reads; their note and the
    wording the facilitator did not keep are deleted with the author's id. A facilitator's decisions
    stay without their id."""
    mine = GlossarySuggestion.author_id == user_id
    statements = (
        delete(GlossarySuggestion).where(mine, GlossarySuggestion.status.in_((PENDING, REJECTED))),
        update(GlossarySuggestion).where(mine, GlossarySuggestion.status == APPROVED).values(
            author_id=0, note=None, text=func.coalesce(GlossarySuggestion.approved_text, GlossarySuggestion.text)),
        update(GlossarySuggestion).where(GlossarySuggestion.reviewer_id == user_id).values(reviewer_id=0),
    )
    removed = 0
    for stmt in statements:
        removed += int(getattr(await session.execute(stmt), "rowcount", 0) or 0)
    return removed


PRIVACY = PrivacyHook(columns=[("glossary_suggestions", "author_id"), ("glossary_suggestions", "reviewer_id")],
                      show=privacy_show, export=privacy_export, forget=privacy_forget)
