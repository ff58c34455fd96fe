"""Policy consultations: a facilitator asks up to five questions on a draft; members answer each
question in a form until the closing date; then the facilitators get one summary. Never imports discord.

An answer is one row per (question, member): a second submission replaces the text instead of
adding a row. "Anonymous" hides the author from other members (and from the summary and its CSV);
the database keeps the member's id so that /privacy can show, export and forget the answer."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.lists import format_list
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_, _, babel_locale, ngettext
from bot.countries import CountryDirectory, directory
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.guild import GuildSettings
from bot.outbox import Outbox
from bot.permissions import Actor, is_facilitator
from bot.text import clean, fold, optional_text, require_text
from cogs.glossary.thesaurus import Thesaurus
from cogs.plans.models import MAX_QUESTIONS, Consultation, ConsultationAnswer, ConsultationQuestion
from cogs.profiles.models import MemberProfile
from cogs.sessions.wording import facilitators_only
from db.models import utcnow
from db.search import is_unsegmented
from db.upsert import upsert

SUMMARY = "plans.consultation-summary"  # the outbox kind of the closing summary
MAX_TITLE, MAX_SUMMARY, MAX_LINK, MAX_QUESTION, MAX_ANSWER = 200, 1000, 500, 300, 2000
MAX_AHEAD = timedelta(days=366)
_LINK = re.compile(r"^https?://[^\s<>]+$")
_WHEN = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?\s*$")


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    position: int  # 1-based
    text: str


@dataclass(frozen=True)
class ConsultationInfo:
    id: int
    title: str
    summary: str
    link: str | None
    countries: tuple[str, ...]
    closes_at: datetime
    questions: tuple[QuestionInfo, ...]
    opener_user_id: int | None
    answered_by: int = 0  # distinct members who answered at least one question

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < self.closes_at

    def asks(self, country: str | None) -> bool:
        """Whether a member of ``country`` (None: no profile country) is in the audience; a
        consultation without audience countries asks everyone."""
        return not self.countries or country in self.countries

    def question(self, question_id: int) -> QuestionInfo:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise NotFound(_("That question is not part of this consultation."))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary, "link": self.link,
                "countries": list(self.countries), "closes_at": self.closes_at.isoformat(),
                "questions": [q.text for q in self.questions], "answered_by": self.answered_by}


@dataclass(frozen=True)
class Draft:
    title: str
    summary: str
    link: str | None
    questions: tuple[str, ...]
    countries: tuple[str, ...]
    closes_at: datetime


@dataclass(frozen=True)
class Answered:
    consultation: ConsultationInfo
    question: QuestionInfo
    created: bool  # False: their earlier answer was replaced


@dataclass(frozen=True)
class AnswerRow:
    question: int  # position
    user_id: int
    anonymous: bool
    country: str | None
    org_type: str | None
    text: str
    terms: tuple[str, ...]  # English names of the glossary terms it mentions
    updated_at: datetime


@dataclass(frozen=True)
class QuestionResult:
    question: QuestionInfo
    answers: tuple[AnswerRow, ...]
    by_country: Mapping[str, int]  # country code ("" = no profile country) -> answers
    by_term: Mapping[str, int]  # glossary term -> answers mentioning it, most first


@dataclass(frozen=True)
class Results:
    consultation: ConsultationInfo
    questions: tuple[QuestionResult, ...]
    by_country: Mapping[str, int]  # members who answered, per country
    by_org_type: Mapping[str, int]  # members who answered, per organisation type

    def csv(self, countries: CountryDirectory | None = None) -> bytes:
        """One line per answer (UTF-8 with a BOM, so spreadsheet programs read every script)."""
        names = countries or directory()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["consultation", "question_number", "question", "country", "organisation_type", "member",
                         "glossary_terms", "answer", "updated_at"])
        for q in self.questions:
            for a in q.answers:
                writer.writerow([self.consultation.title, q.question.position, q.question.text,
                                 names.name(a.country) if a.country else "", a.org_type or "",
                                 "anonymous" if a.anonymous else str(a.user_id), "; ".join(a.terms), a.text,
                                 a.updated_at.isoformat()])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


class ConsultationService:
    def __init__(self, guild: GuildSettings, outbox: Outbox, summary_channel: int = 0,
                 countries: CountryDirectory | None = None, thesaurus: Thesaurus | None = None,
                 term_names: Mapping[str, str] | None = None):
        self.guild = guild
        self.outbox = outbox
        self.summary_channel = summary_channel
        self.countries = countries or directory()
        self.thesaurus = thesaurus
        self.term_names = dict(term_names or {})
        self._unspaced: list[tuple[str, str]] | None = None

    # ------------------------------------------------------------------ reading what people type
    def parse_countries(self, text: str | None) -> tuple[str, ...]:
        typed = optional_text(text, field=N_("countries"), max_len=500)
        if typed is None:
            return ()
        out: list[str] = []
        for part in (p.strip() for p in re.split(r"[,;]", typed)):
            if not part:
                continue
            code = part.upper() if self.countries.get(part.upper()) else self.countries.parse(part)
            if code is None:
                raise InvalidInput(
                    _("I don't know the country “{typed}”. Choose one of: {countries}, in any language.").format(
                        typed=part[:40], countries=", ".join(self.countries.names())),
                    suggestions=self.countries.suggest(part))
            if code not in out:
                out.append(code)
        return tuple(out)

    def parse_closing(self, text: str | None, now: datetime | None = None) -> datetime:
        """``YYYY-MM-DD`` (the end of that day) or ``YYYY-MM-DD HH:MM``, in the community's time zone."""
        typed = require_text(text, field=N_("closing date"), max_len=40)
        zone = ZoneInfo(self.guild.current.timezone)
        m = _WHEN.match(typed)
        try:
            if m is None:
                raise ValueError
            day = datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=zone)
            when = (day.replace(hour=int(m[4]), minute=int(m[5])) if m[4]
                    else datetime.combine(day.date() + timedelta(days=1), time(0), tzinfo=zone))
        except ValueError:
            raise InvalidInput(_("“{typed}” is not a date I can read: please write it as YYYY-MM-DD, "
                                 "for example 2027-03-31.").format(typed=typed[:40])) from None
        now = now or utcnow()
        if when <= now:
            raise InvalidInput(_("The date {date} is in the past: please give today or a later date.").format(
                date=typed[:40]))
        if when > now + MAX_AHEAD:
            raise InvalidInput(_("A consultation can stay open for at most a year."))
        return when.astimezone(ZoneInfo("UTC"))

    def check_draft(self, *, title: str | None, summary: str | None, link: str | None, questions: str | None,
                    countries: str | None, closes: str | None, now: datetime | None = None) -> Draft:
        link_text = optional_text(link, field=N_("link"), max_len=MAX_LINK)
        if link_text is not None and not _LINK.match(link_text):
            raise InvalidInput(_("The link must be a web address starting with https://."))
        lines = [clean(q) for q in require_text(questions, field=N_("questions"), max_len=MAX_QUESTIONS * (MAX_QUESTION + 1),
                                                multiline=True).split("\n")]
        asked = [q for q in lines if q]
        if len(asked) > MAX_QUESTIONS:
            raise InvalidInput(_("A consultation asks at most {limit} questions (one per line); this has {count}.").format(
                limit=MAX_QUESTIONS, count=len(asked)))
        for q in asked:
            require_text(q, field=N_("question"), max_len=MAX_QUESTION)
        return Draft(require_text(title, field=N_("title"), max_len=MAX_TITLE),
                     require_text(summary, field=N_("summary"), max_len=MAX_SUMMARY, multiline=True),
                     link_text, tuple(asked), self.parse_countries(countries), self.parse_closing(closes, now))

    # ------------------------------------------------------------------ consultations
    async def open(self, session: AsyncSession, actor: Actor, draft: Draft, *, now: datetime | None = None
                   ) -> ConsultationInfo:
        facilitators_only(actor, self.guild.current, _("Only facilitators can open consultations."))
        same = await self.same_open(session, actor, draft, now=now)
        if same is not None:  # the form sent twice: stored once
            return same
        row = Consultation(title=draft.title, summary=draft.summary, link=draft.link, countries=list(draft.countries),
                           closes_at=draft.closes_at, opener_user_id=actor.user_id or None, created_at=now or utcnow())
        session.add(row)
        await session.flush()
        for i, text in enumerate(draft.questions):
            session.add(ConsultationQuestion(consultation_id=row.id, position=i, text=text))
        await session.flush()
        return await self.get(session, row.id)

    async def same_open(self, session: AsyncSession, actor: Actor, draft: Draft, *, now: datetime | None = None
                        ) -> ConsultationInfo | None:
        """The open consultation this facilitator already opened with the same title and questions."""
        ids = (await session.scalars(select(Consultation.id).where(
            Consultation.title == draft.title, Consultation.opener_user_id == (actor.user_id or None),
            Consultation.closes_at > (now or utcnow())))).all()
        for cid in ids:
            found = await self.get(session, cid)
            if tuple(fold(q.text) for q in found.questions) == tuple(fold(q) for q in draft.questions):
                return found
        return None

    async def get(self, session: AsyncSession, consultation_id: int) -> ConsultationInfo:
        row = await session.get(Consultation, consultation_id)
        if row is None:
            raise NotFound(_("There is no consultation #{id}. /consult list shows the open ones.").format(id=consultation_id))
        questions = (await session.scalars(select(ConsultationQuestion).where(
            ConsultationQuestion.consultation_id == row.id).order_by(ConsultationQuestion.position))).all()
        answered = await session.scalar(select(func.count(func.distinct(ConsultationAnswer.user_id))).join(
            ConsultationQuestion, ConsultationQuestion.id == ConsultationAnswer.question_id).where(
            ConsultationQuestion.consultation_id == row.id)) or 0
        return ConsultationInfo(row.id, row.title, row.summary, row.link, tuple(row.countries or ()), row.closes_at,
                                tuple(QuestionInfo(q.id, i + 1, q.text) for i, q in enumerate(questions)),
                                row.opener_user_id, int(answered))

    async def listing(self, session: AsyncSession, *, open_only: bool = False, now: datetime | None = None
                      ) -> list[ConsultationInfo]:
        q = select(Consultation.id).order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        if open_only:
            q = q.where(Consultation.closes_at > (now or utcnow()))
        return [await self.get(session, cid) for cid in (await session.scalars(q)).all()]

    async def member_country(self, session: AsyncSession, user_id: int) -> str | None:
        return await session.scalar(select(MemberProfile.country).where(MemberProfile.user_id == user_id))

    async def offered(self, session: AsyncSession, actor: Actor, *, now: datetime | None = None
                      ) -> tuple[list[ConsultationInfo], int]:
        """The open consultations a member may answer (facilitators: every open one), and how many
        were left out because they ask members of other countries."""
        found = await self.listing(session, open_only=True, now=now)
        if is_facilitator(actor, self.guild.current):
            return found, 0
        country = await self.member_country(session, actor.user_id)
        shown = [c for c in found if c.asks(country)]
        return shown, len(found) - len(shown)

    def audience_names(self, info: ConsultationInfo) -> str:
        return format_list([self.countries.name(c) for c in info.countries], style="standard", locale=babel_locale())

    async def check_audience(self, session: AsyncSession, user_id: int, info: ConsultationInfo) -> str | None:
        """The member's profile country when they are in the consultation's audience; else a polite
        refusal naming the audience (and /profile set, for a member without a country)."""
        country = await self.member_country(session, user_id)
        if info.asks(country):
            return country
        names = self.audience_names(info)
        if country is None:
            raise NotAllowed(_("Thank you for wanting to take part! This consultation asks members from {countries}: "
                               "please set your country with /profile set first, then answer.").format(countries=names))
        raise NotAllowed(_("Thank you for your interest! This consultation asks members from {countries}, and your "
                           "profile says {country}. If your profile is out of date, change it with /profile set.").format(
            countries=names, country=self.countries.name(country)))

    async def mine(self, session: AsyncSession, consultation_id: int, user_id: int) -> dict[int, tuple[str, bool]]:
        """A member's own answers: question id -> (text, anonymous)."""
        rows = (await session.execute(select(ConsultationAnswer).join(
            ConsultationQuestion, ConsultationQuestion.id == ConsultationAnswer.question_id).where(
            ConsultationQuestion.consultation_id == consultation_id, ConsultationAnswer.user_id == user_id))).scalars()
        return {a.question_id: (a.text, a.anonymous) for a in rows}

    async def answer(self, session: AsyncSession, user_id: int, consultation_id: int, question_id: int,
                     text: str | None, *, anonymous: bool = False, now: datetime | None = None) -> Answered:
        """Store (or replace) one member's answer to one question, until the closing date."""
        now = now or utcnow()
        consultation = await self.get(session, consultation_id)
        question = consultation.question(question_id)
        if not consultation.is_open(now):
            raise InvalidInput(_("Thank you, but this consultation closed on {date}: answers are no longer taken.").format(
                date=consultation.closes_at.astimezone(ZoneInfo(self.guild.current.timezone)).strftime("%Y-%m-%d %H:%M")))
        await self.check_audience(session, user_id, consultation)
        body = require_text(text, field=N_("answer"), max_len=MAX_ANSWER, multiline=True)
        before = await session.scalar(select(func.count()).where(
            ConsultationAnswer.question_id == question_id, ConsultationAnswer.user_id == user_id)) or 0
        profile = (await session.execute(select(MemberProfile.country, MemberProfile.org_type).where(
            MemberProfile.user_id == user_id))).first()
        await session.execute(upsert(session, ConsultationAnswer, {
            "question_id": question_id, "user_id": user_id, "anonymous": anonymous, "text": body,
            "country": profile[0] if profile else None, "org_type": profile[1] if profile else None,
            "created_at": now, "updated_at": now,
        }, keys=("question_id", "user_id"), update=("anonymous", "text", "country", "org_type", "updated_at")))
        return Answered(await self.get(session, consultation_id), question, created=not before)

    # ------------------------------------------------------------------ closing
    def _unspaced_names(self) -> list[tuple[str, str]]:
        """(folded name without spaces, term id) of every glossary name in a script written without
        spaces (Thai, Lao, Khmer, Chinese, Japanese...): inside a sentence such a name is no separate
        word, so it is looked for as a run of characters."""
        if self._unspaced is None:
            found: list[tuple[str, str]] = []
            for term_id in self.term_names:
                for name in self.thesaurus.names(term_id) if self.thesaurus else ():
                    key = fold(name.label).replace(" ", "")
                    if len(key) >= 2 and any(is_unsegmented(ch) for ch in key):
                        found.append((key, term_id))
            self._unspaced = found
        return self._unspaced

    def terms_in(self, text: str) -> tuple[str, ...]:
        """The glossary terms an answer mentions, in any language: the thesaurus' whole-word
        matching, and names in scripts without spaces found inside the text."""
        if self.thesaurus is None:
            return ()
        ids = list(self.thesaurus.mentioned(text))
        if any(is_unsegmented(ch) for ch in text):
            folded = fold(text).replace(" ", "")
            for key, term_id in self._unspaced_names():
                if term_id not in ids and key in folded:
                    ids.append(term_id)
        return tuple(self.term_names.get(i, i) for i in ids)

    def _terms_of(self, texts: list[str]) -> list[tuple[str, ...]]:
        seen: dict[str, tuple[str, ...]] = {}
        return [seen.setdefault(t, self.terms_in(t)) if t not in seen else seen[t] for t in texts]

    async def results(self, session: AsyncSession, consultation_id: int) -> Results:
        consultation = await self.get(session, consultation_id)
        rows_by_question = []
        for q in consultation.questions:
            rows_by_question.append((q, (await session.scalars(select(ConsultationAnswer).where(
                ConsultationAnswer.question_id == q.id).order_by(ConsultationAnswer.created_at, ConsultationAnswer.id))).all()))
        # matching every answer against the glossary is CPU work: in a thread, so the bot keeps
        # answering (and heartbeating) while a large consultation is summarised
        texts = [a.text for _q, rows in rows_by_question for a in rows]
        found = iter(await asyncio.to_thread(self._terms_of, texts))
        out = []
        members: dict[int, tuple[str, str]] = {}
        for q, rows in rows_by_question:
            answers = tuple(AnswerRow(q.position, a.user_id, a.anonymous, a.country, a.org_type, a.text,
                                      next(found), a.updated_at) for a in rows)
            for a in answers:
                members[a.user_id] = (a.country or "", a.org_type or "")
            by_term: Counter[str] = Counter(t for a in answers for t in a.terms)
            out.append(QuestionResult(q, answers, dict(sorted(Counter(a.country or "" for a in answers).items())),
                                      dict(by_term.most_common())))
        by_country: defaultdict[str, int] = defaultdict(int)
        by_org: defaultdict[str, int] = defaultdict(int)
        for country, org in members.values():
            by_country[country] += 1
            by_org[org] += 1
        return Results(consultation, tuple(out), dict(sorted(by_country.items())), dict(sorted(by_org.items())))

    async def close_due(self, session: AsyncSession, *, now: datetime | None = None) -> list[ConsultationInfo]:
        """Claim every consultation past its closing date and enqueue its summary to the facilitators once."""
        now = now or utcnow()
        ids = (await session.scalars(select(Consultation.id).where(
            Consultation.closes_at <= now, Consultation.summarised_at.is_(None)))).all()
        out = []
        for cid in ids:
            claimed = await session.execute(update(Consultation).where(
                Consultation.id == cid, Consultation.summarised_at.is_(None)).values(summarised_at=now))
            if not getattr(claimed, "rowcount", 0):
                continue
            info = await self.get(session, cid)
            channel = self.summary_channel or None
            user = None if channel else info.opener_user_id
            if channel or user:
                await self.outbox.enqueue(session, f"plans:consultation-summary:{cid}", SUMMARY,
                                          channel_id=channel, user_id=user, params={"consultation_id": cid})
            out.append(info)
        return out

    async def participation(self, session: AsyncSession) -> dict[str, Any]:
        """For the M&E report: members who answered, per consultation, by country and organisation type."""
        out = []
        for info in await self.listing(session):
            found = await self.results(session, info.id)
            out.append({"id": info.id, "title": info.title, "members": info.answered_by,
                        "by_country": dict(found.by_country), "by_organisation_type": dict(found.by_org_type)})
        return {"consultations": out}


def summary_lines(results: Results, countries: CountryDirectory | None = None) -> list[tuple[str, str]]:
    """(heading, text) per question for the facilitators' summary: counts per country, terms."""
    names = countries or directory()
    out = []
    for q in results.questions:
        per_country = ", ".join(f"{names.name(c) if c else _('no country')}: {n}" for c, n in q.by_country.items())
        terms = ", ".join(f"{t} ({n})" for t, n in list(q.by_term.items())[:10])
        text = ngettext("{count} answer", "{count} answers", len(q.answers)).format(count=len(q.answers))
        if per_country:
            text += f" — {per_country}"
        if terms:
            text += "\n" + _("Glossary terms mentioned: {terms}").format(terms=terms)
        out.append((f"{q.question.position}. {q.question.text}", text))
    return out

