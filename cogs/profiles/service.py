"""Member profiles (opt-in), the members directory, and the peers an unanswered question goes to.

Everything a profile holds is what the member chose to share with the other members: /profile set
stores it, /members lists it, /profile remove takes it away. The web directory (``published``) shows
only the members who also agreed to have their contributions on the public site (/privacy publish)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_, _
from bot.config import Config
from bot.countries import CountryChoice, CountryDirectory, directory
from bot.errors import InvalidInput, NotFound
from bot.i18n import LANGUAGES, parse_language
from bot.text import closest, fold, optional_text, safe_echo
from cogs.privacy.publish import published_members
from cogs.profiles.models import (
    ORG_TYPES,
    MemberProfile,
    MemberProfileLanguage,
    MemberProfileTopic,
    PeerRequest,
)
from cogs.qa.models import Question
from cogs.search.archive import jump_url
from cogs.search.models import ArchivedMessage
from db.models import UserPreference, utcnow
from db.upsert import insert_ignore

MAX_BIO = 300
MAX_ORG_NAME = 100
PAGE_SIZE = 10  # members per /members page: ten lines with a short bio stay well inside one embed
PEER_WEEK = timedelta(days=7)

# The organisation types, as members read them (translated where shown).
ORG_TYPE_LABELS: dict[str, str] = {
    "government": N_("Government"),
    "workers": N_("Workers' organisation"),
    "employers": N_("Employers' organisation"),
    "cooperative": N_("Cooperative"),
    "social_enterprise": N_("Social enterprise"),
    "association": N_("Association / NGO"),
    "academia": N_("Academia / research"),
    "international": N_("International organisation"),
    "other": N_("Other"),
}
assert tuple(ORG_TYPE_LABELS) == ORG_TYPES


def _alike(typed: str, options: list[str]) -> list[str]:
    """The options most like what was typed (compared folded: case and accents aside), else all of them."""
    by_folded = {fold(o): o for o in options}
    return [by_folded[m] for m in closest(typed, list(by_folded))] or options


def org_type_label(key: str) -> str:
    return _(ORG_TYPE_LABELS.get(key, key))


@dataclass(frozen=True)
class Profile:
    user_id: int
    country: str | None  # a programme country's code
    country_name: str | None
    org_type: str
    org_name: str | None
    bio: str | None
    happy_to_be_asked: bool
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"user_id": str(self.user_id), "country": self.country, "country_name": self.country_name,
                "organisation_type": self.org_type, "organisation_name": self.org_name, "bio": self.bio,
                "happy_to_be_asked": self.happy_to_be_asked, "topics": list(self.topics),
                "languages": list(self.languages), "updated_at": self.updated_at.isoformat()}


@dataclass(frozen=True)
class DirectoryFilters:
    country: str | None = None  # code
    topic: str | None = None
    language: str | None = None  # code
    org_type: str | None = None

    def as_params(self) -> dict[str, Any]:
        return {"country": self.country, "topic": self.topic, "language": self.language, "org_type": self.org_type}


@dataclass(frozen=True)
class DirectoryPage:
    members: tuple[Profile, ...]
    page: int
    pages: int
    total: int
    filters: DirectoryFilters


@dataclass(frozen=True)
class ProfileForm:
    """What /profile set's form and options carry, checked: ready to store."""

    country: str | None
    org_type: str
    org_name: str | None
    bio: str | None
    happy_to_be_asked: bool


@dataclass(frozen=True)
class PeerRouting:
    """An unanswered question and the peers it is sent to (one private note each)."""

    thread_id: int
    guild_id: int
    title: str
    topic: str
    country: str | None
    peer_user_ids: tuple[int, ...]

    @property
    def url(self) -> str:
        return jump_url(self.guild_id, self.thread_id, self.thread_id)


@dataclass(frozen=True)
class PeerRequestRecord:
    question_id: int
    peer_user_id: int
    sent_at: datetime
    answered: bool


@dataclass(frozen=True)
class _DirectoryIndex:
    """Who matches which filter, in the directory's order, built from the database.

    ``version`` is the table's (row count, newest ``updated_at``): every change of a profile, its
    topics or its languages touches ``updated_at`` and a removal changes the count, so one cheap read
    tells whether the index still holds, in every bot process at once (no cache outlives a change)."""

    version: tuple[int, datetime | None]
    order: tuple[int, ...]  # user ids, newest update first
    profiles: dict[int, Profile]
    by_field: dict[tuple[str, str], frozenset[int]]

    matches: dict[DirectoryFilters, tuple[int, ...]] = field(default_factory=dict)  # filled as asked

    def matching(self, filters: DirectoryFilters) -> tuple[int, ...]:
        """The matching ids in the directory's order; each filter combination is worked out once per
        version of the table (the index is replaced on any change), so a page turn costs no scan."""
        found = self.matches.get(filters)
        if found is None:
            wanted = [self.by_field.get((name, value), frozenset()) for name, value in filters.as_params().items()
                      if value]
            if not wanted:
                found = self.order
            else:
                chosen = frozenset.intersection(*wanted)
                found = tuple(uid for uid in self.order if uid in chosen)
            if len(self.matches) < 1000:  # bounded: a forged button cannot grow it without end
                self.matches[filters] = found
        return found


class ProfileService:
    """Profiles, the directory and peer routing. Plain values in, frozen dataclasses out."""

    def __init__(self, config: Config, countries: CountryDirectory | None = None):
        self.config = config
        self.countries = countries or directory()
        self._index: _DirectoryIndex | None = None  # the directory's matches, checked on every read

    # ------------------------------------------------------------------ reading what members type
    @property
    def topics(self) -> list[str]:
        return list(self.config.qa.topics)

    def parse_country(self, text: str | None) -> str | None:
        """A programme country typed any usual way, in any script, as its code; suggestions when unknown."""
        typed = optional_text(text, field=N_("country"), max_len=100)
        if typed is None:
            return None
        code = self.countries.parse(typed)
        if code is None:
            raise InvalidInput(
                _("I don't know the country “{typed}”. Choose one of: {countries}, in any language.").format(
                    typed=safe_echo(typed, 40), countries=", ".join(self.countries.names())),
                suggestions=self.countries.suggest(typed))
        return code

    def parse_topic(self, text: str | None) -> str | None:
        typed = optional_text(text, field=N_("topic"), max_len=100)
        if typed is None:
            return None
        for name in self.topics:
            if fold(name) == fold(typed):
                return name
        raise InvalidInput(_("I don't know the topic “{typed}”. Choose one of: {topics}.").format(
            typed=safe_echo(typed, 40), topics=", ".join(self.topics)), suggestions=_alike(typed, self.topics))

    def parse_language(self, text: str | None) -> str | None:
        typed = optional_text(text, field=N_("language"), max_len=100)
        if typed is None:
            return None
        code = parse_language(typed)
        if code is None:
            names = [lang.english for lang in LANGUAGES.values()]
            raise InvalidInput(_("I don't know the language “{typed}”.").format(typed=safe_echo(typed, 40)),
                               suggestions=_alike(typed, names))
        return code

    def parse_org_type(self, text: str | None) -> str | None:
        """An organisation type by its key or its label, in English or the reader's language."""
        typed = optional_text(text, field=N_("organisation type"), max_len=100)
        if typed is None:
            return None
        key = fold(typed)
        for code, label in ORG_TYPE_LABELS.items():
            if key in (fold(code), fold(label), fold(_(label))):
                return code
        labels = [_(label) for label in ORG_TYPE_LABELS.values()]
        raise InvalidInput(_("There is no organisation type like that."), suggestions=_alike(typed, labels))

    def parse_filters(self, country: str | None = None, topic: str | None = None, language: str | None = None,
                      org_type: str | None = None) -> DirectoryFilters:
        return DirectoryFilters(self.parse_country(country), self.parse_topic(topic), self.parse_language(language),
                                self.parse_org_type(org_type))

    def complete_country(self, text: str | None) -> list[CountryChoice]:
        return self.countries.complete(text)

    def complete_topic(self, text: str | None) -> list[str]:
        key = fold(text or "")
        return [t for t in self.topics if key in fold(t)][:25]

    def complete_language(self, text: str | None) -> list[tuple[str, str]]:
        key = fold(text or "")
        return [(f"{lang.native} ({lang.english})" if lang.native != lang.english else lang.english, lang.code)
                for lang in LANGUAGES.values()
                if not key or key in fold(lang.english) or key in fold(lang.native) or key == lang.code][:25]

    def check_form(self, *, country: str | None, org_type: str, org_name: str | None, bio: str | None,
                   happy_to_be_asked: bool) -> ProfileForm:
        """The form as typed, checked: a polite error naming the field and its length when too long."""
        if org_type not in ORG_TYPES:
            org_type = self.parse_org_type(org_type) or "other"
        return ProfileForm(
            country=country if country is None or self.countries.get(country) else self.parse_country(country),
            org_type=org_type,
            org_name=optional_text(org_name, field=N_("organisation name"), max_len=MAX_ORG_NAME),
            bio=optional_text(bio, field=N_("bio"), max_len=MAX_BIO, multiline=True),
            happy_to_be_asked=bool(happy_to_be_asked),
        )

    def check_topics(self, values: Iterable[str]) -> list[str]:
        out = []
        for value in values:
            topic = self.parse_topic(value)
            if topic is not None and topic not in out:
                out.append(topic)
        return out

    def check_languages(self, values: Iterable[str]) -> list[str]:
        out = []
        for value in values:
            code = value if value in LANGUAGES else self.parse_language(value)
            if code is not None and code not in out:
                out.append(code)
        return out

    # ------------------------------------------------------------------ one member's profile
    async def get(self, session: AsyncSession, user_id: int) -> Profile | None:
        row = await session.get(MemberProfile, user_id)
        if row is None:
            return None
        topics, languages = await self._lists(session, [user_id])
        return self._profile(row, topics.get(user_id, ()), languages.get(user_id, ()))

    async def require(self, session: AsyncSession, user_id: int) -> Profile:
        profile = await self.get(session, user_id)
        if profile is None:
            raise NotFound(_("You have no profile yet. Use /profile set to make one."))
        return profile

    async def save(self, session: AsyncSession, user_id: int, form: ProfileForm) -> Profile:
        """Create or replace the member's profile (topics and languages are kept)."""
        row = await session.get(MemberProfile, user_id)
        if row is None:
            row = MemberProfile(user_id=user_id, org_type=form.org_type)
            session.add(row)
        row.country, row.org_type, row.org_name = form.country, form.org_type, form.org_name
        row.bio, row.happy_to_be_asked = form.bio, form.happy_to_be_asked
        row.updated_at = utcnow()
        await session.flush()
        return await self.require(session, user_id)

    async def set_topics(self, session: AsyncSession, user_id: int, topics: Iterable[str]) -> Profile:
        chosen = self.check_topics(topics)
        await self._touch(session, user_id)
        await session.execute(delete(MemberProfileTopic).where(MemberProfileTopic.user_id == user_id))
        if chosen:
            await session.execute(insert(MemberProfileTopic), [{"user_id": user_id, "topic": t} for t in chosen])
        return await self.require(session, user_id)

    async def set_languages(self, session: AsyncSession, user_id: int, languages: Iterable[str]) -> Profile:
        chosen = self.check_languages(languages)
        await self._touch(session, user_id)
        await session.execute(delete(MemberProfileLanguage).where(MemberProfileLanguage.user_id == user_id))
        if chosen:
            await session.execute(insert(MemberProfileLanguage),
                                  [{"user_id": user_id, "language": code} for code in chosen])
        return await self.require(session, user_id)

    async def set_happy(self, session: AsyncSession, user_id: int, happy: bool) -> Profile:
        await self._touch(session, user_id, happy_to_be_asked=happy)
        return await self.require(session, user_id)

    async def remove(self, session: AsyncSession, user_id: int) -> bool:
        """The profile with its topics and languages; True when there was one."""
        await session.execute(delete(MemberProfileTopic).where(MemberProfileTopic.user_id == user_id))
        await session.execute(delete(MemberProfileLanguage).where(MemberProfileLanguage.user_id == user_id))
        result = await session.execute(delete(MemberProfile).where(MemberProfile.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def _touch(self, session: AsyncSession, user_id: int, **values: Any) -> None:
        result = await session.execute(update(MemberProfile).where(MemberProfile.user_id == user_id)
                                       .values(updated_at=utcnow(), **values))
        if not getattr(result, "rowcount", 0):
            raise NotFound(_("You have no profile yet. Use /profile set to make one."))

    # ------------------------------------------------------------------ the directory
    def _matching(self, filters: DirectoryFilters) -> list[Any]:
        where: list[Any] = []
        if filters.country:
            where.append(MemberProfile.country == filters.country)
        if filters.org_type:
            where.append(MemberProfile.org_type == filters.org_type)
        if filters.topic:
            where.append(exists().where(MemberProfileTopic.user_id == MemberProfile.user_id,
                                        MemberProfileTopic.topic == filters.topic))
        if filters.language:
            where.append(exists().where(MemberProfileLanguage.user_id == MemberProfile.user_id,
                                        MemberProfileLanguage.language == filters.language))
        return where

    async def directory(self, session: AsyncSession, filters: DirectoryFilters, page: int = 1,
                        per_page: int = PAGE_SIZE) -> DirectoryPage:
        """One page of the members with a profile matching every filter, most recently updated first.

        Counting the matches in SQL walks every profile on each page turn, and each read is a trip to
        the database thread; the directory is kept in memory instead and checked against the table's
        version on every call, so a page costs one small read."""
        index = await self._directory_index(session)
        ids = index.matching(filters)
        total = len(ids)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        members = tuple(index.profiles[uid] for uid in ids[(page - 1) * per_page: page * per_page])
        return DirectoryPage(members, page, pages, total, filters)

    async def _directory_index(self, session: AsyncSession) -> _DirectoryIndex:
        # two scalar subqueries, not count() and max() in one SELECT: so SQLite counts the smallest
        # index's pages (OP_Count) and seeks the newest update on (updated_at, user_id), instead of
        # walking every entry (~1 ms at 10,000 profiles, on every /members call and page turn)
        count, newest = (await session.execute(select(
            select(func.count()).select_from(MemberProfile).scalar_subquery(),
            select(func.max(MemberProfile.updated_at)).scalar_subquery()))).one()
        version = (int(count or 0), newest)
        index = self._index
        if index is not None and index.version == version:
            return index
        rows = (await session.execute(select(MemberProfile).order_by(
            MemberProfile.updated_at.desc(), MemberProfile.user_id.desc()))).scalars().all()
        profiles = await self._profiles(session, rows, everyone=True)
        by_field: dict[tuple[str, str], set[int]] = {}
        for p in profiles:
            keys = [("org_type", p.org_type)] + [("topic", t) for t in p.topics] + [
                ("language", c) for c in p.languages] + ([("country", p.country)] if p.country else [])
            for key in keys:
                by_field.setdefault(key, set()).add(p.user_id)
        index = _DirectoryIndex(version, tuple(p.user_id for p in profiles), {p.user_id: p for p in profiles},
                                {k: frozenset(v) for k, v in by_field.items()})
        self._index = index
        return index

    async def everyone(self, session: AsyncSession, filters: DirectoryFilters) -> list[Profile]:
        """Every matching profile (the CLI), in the directory's order: the same index /members reads."""
        index = await self._directory_index(session)
        return [index.profiles[uid] for uid in index.matching(filters)]

    async def published(self, session: AsyncSession, filters: DirectoryFilters | None = None) -> list[Profile]:
        """The profiles the public web directory may show: members who also opted in to publishing."""
        rows = (await session.execute(
            select(MemberProfile).join(UserPreference, UserPreference.user_id == MemberProfile.user_id)
            .where(UserPreference.publish_web.is_(True), *self._matching(filters or DirectoryFilters()))
            .order_by(MemberProfile.updated_at.desc(), MemberProfile.user_id.desc())
        )).scalars().all()
        return list(await self._profiles(session, rows))

    async def published_directory(self, session: AsyncSession, filters: DirectoryFilters, page: int = 1,
                                  per_page: int = PAGE_SIZE) -> DirectoryPage:
        """One page of :meth:`published` (the web directory), in the directory's order."""
        where = [MemberProfile.user_id.in_(published_members()), *self._matching(filters)]
        total = int(await session.scalar(select(func.count()).select_from(MemberProfile).where(*where)) or 0)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        rows = (await session.execute(
            select(MemberProfile).where(*where)
            .order_by(MemberProfile.updated_at.desc(), MemberProfile.user_id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        )).scalars().all()
        return DirectoryPage(await self._profiles(session, rows), page, pages, total, filters)

    async def _profiles(self, session: AsyncSession, rows: Sequence[MemberProfile], everyone: bool = False
                        ) -> tuple[Profile, ...]:
        topics, languages = await self._lists(session, None if everyone else [r.user_id for r in rows])
        return tuple(self._profile(r, topics.get(r.user_id, ()), languages.get(r.user_id, ())) for r in rows)

    async def _lists(self, session: AsyncSession, user_ids: list[int] | None
                     ) -> tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]:
        topics: dict[int, list[str]] = {}
        languages: dict[int, list[str]] = {}
        if user_ids is None or user_ids:  # None: every profile's (the directory's index)
            topic_rows = select(MemberProfileTopic.user_id, MemberProfileTopic.topic)
            language_rows = select(MemberProfileLanguage.user_id, MemberProfileLanguage.language)
            if user_ids is not None:
                topic_rows = topic_rows.where(MemberProfileTopic.user_id.in_(user_ids))
                language_rows = language_rows.where(MemberProfileLanguage.user_id.in_(user_ids))
            for uid, topic in await session.execute(topic_rows):
                topics.setdefault(uid, []).append(topic)
            for uid, code in await session.execute(language_rows):
                languages.setdefault(uid, []).append(code)
        order = {t: i for i, t in enumerate(self.topics)}
        lang_order = {c: i for i, c in enumerate(LANGUAGES)}
        return ({u: tuple(sorted(v, key=lambda t: (order.get(t, 99), t))) for u, v in topics.items()},
                {u: tuple(sorted(v, key=lambda c: (lang_order.get(c, 99), c))) for u, v in languages.items()})

    def _profile(self, row: MemberProfile, topics: tuple[str, ...], languages: tuple[str, ...]) -> Profile:
        name = self.countries.name(row.country) if row.country and self.countries.get(row.country) else None
        return Profile(row.user_id, row.country, name, row.org_type, row.org_name, row.bio, row.happy_to_be_asked,
                       topics, languages, row.updated_at)

    # ------------------------------------------------------------------ routing to peers who know
    async def route_peers(self, session: AsyncSession, now: datetime, *, claim: bool = True) -> list[PeerRouting]:
        """Unanswered questions due for the peer step, each with up to ``qa.peers_per_question``
        members whose profile has its topic (and its country, when it has one), who are happy to be
        asked, are not the asker, and got fewer than ``qa.peer_requests_per_week`` notes in 7 days.

        The step is claimed on the question with a conditional UPDATE, and each (question, peer)
        pair is a unique row, so two instances never send the same note twice; the peers' profile
        rows are locked (FOR UPDATE on PostgreSQL; SQLite runs one writer at a time) while their
        weekly count is read, so the cap holds when two questions are routed at once."""
        qa = self.config.qa
        if qa.peers_per_question <= 0:
            return []
        due = now - timedelta(hours=qa.route_peers_after_hours)
        questions = (await session.execute(
            select(Question).where(
                Question.first_reply_at.is_(None), Question.solved_at.is_(None), Question.routed_peers_at.is_(None),
                Question.routed_helpers_at.is_(None), Question.created_at <= due, Question.author_id != 0,
            ).order_by(Question.created_at).limit(50)
        )).scalars().all()
        out: list[PeerRouting] = []
        for q in questions:
            if claim:
                claimed = await session.execute(update(Question).where(
                    Question.thread_id == q.thread_id, Question.routed_peers_at.is_(None)).values(routed_peers_at=now))
                if getattr(claimed, "rowcount", 1) != 1:
                    continue  # another instance took this step
            topic = self.parse_topic_quietly(q.topic)
            if topic is None:
                continue  # nobody to match: the helpers' step comes next as before
            peers = await self._peers_for(session, q, topic, now, lock=claim)
            if claim:
                kept = []
                for peer in peers:
                    result = await session.execute(insert_ignore(session, PeerRequest, {
                        "question_id": q.thread_id, "peer_user_id": peer, "sent_at": now},
                        keys=("question_id", "peer_user_id")))
                    if getattr(result, "rowcount", 0):
                        kept.append(peer)
                peers = kept
            if peers:
                out.append(PeerRouting(q.thread_id, q.guild_id, q.title, topic, q.country, tuple(peers)))
        return out

    def parse_topic_quietly(self, text: str | None) -> str | None:
        return next((t for t in self.topics if text and fold(t) == fold(text)), None)

    async def _peers_for(self, session: AsyncSession, q: Question, topic: str, now: datetime, *,
                         lock: bool) -> list[int]:
        qa = self.config.qa
        code = self.countries.parse(q.country) if q.country else None
        if q.country and code is None:
            return []  # a country outside the programme's: no profile can say it
        week = now - PEER_WEEK
        recent = (select(func.count()).where(PeerRequest.peer_user_id == MemberProfile.user_id,
                                             PeerRequest.sent_at > week).correlate(MemberProfile).scalar_subquery())
        stmt = (
            select(MemberProfile.user_id, recent.label("recent"))
            .where(
                MemberProfile.happy_to_be_asked.is_(True), MemberProfile.user_id != q.author_id,
                exists().where(MemberProfileTopic.user_id == MemberProfile.user_id, MemberProfileTopic.topic == topic),
                ~exists().where(PeerRequest.question_id == q.thread_id, PeerRequest.peer_user_id == MemberProfile.user_id),
                *([MemberProfile.country == code] if code else []),
            )
            .order_by(recent, MemberProfile.updated_at.desc(), MemberProfile.user_id.desc())
        )
        if lock:
            stmt = stmt.with_for_update(of=MemberProfile)
        rows = (await session.execute(stmt)).all()
        return [uid for uid, n in rows if n < qa.peer_requests_per_week][: qa.peers_per_question]

    async def peer_requests(self, session: AsyncSession, since: datetime | None = None,
                            until: datetime | None = None) -> list[PeerRequestRecord]:
        """Who was asked about which question, and whether they replied in its post (for reports)."""
        answered = exists().where(and_(ArchivedMessage.thread_id == PeerRequest.question_id,
                                       ArchivedMessage.author_id == PeerRequest.peer_user_id,
                                       ArchivedMessage.kind == "answer"))
        stmt = select(PeerRequest.question_id, PeerRequest.peer_user_id, PeerRequest.sent_at, answered.label("a"))
        if since is not None:
            stmt = stmt.where(PeerRequest.sent_at >= since)
        if until is not None:
            stmt = stmt.where(PeerRequest.sent_at < until)
        rows = await session.execute(stmt.order_by(PeerRequest.sent_at, PeerRequest.id))
        return [PeerRequestRecord(qid, uid, sent, bool(a)) for qid, uid, sent, a in rows]
