"""A programme country's profile: what content says about it (names, programme phases, summary,
the legal and policy timeline, institutions) and what the community has for it (resources,
glossary terms, upcoming sessions, solved questions). Plain values in, frozen values out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_
from bot.content import Term
from bot.countries import PHASE_LABELS, Country, CountryChoice, CountryDirectory
from bot.text import require_text
from cogs.glossary.service import local_label
from cogs.plans.records import PlanSummary
from cogs.plans.service import PlanService
from cogs.qa.service import QuestionService, SolvedQuestion
from cogs.resources.service import ResourceFilters, ResourceService, ResourceView
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.reading import TrainingSessionService
from db.models import utcnow

MAX_NAME_TYPED = 100
UPCOMING = 5  # sessions shown
SOLVED = 5  # solved questions shown
# Upcoming sessions read to find those tagged with the country: sessions for every country
# (no country set) come first in the same query and are skipped here.
SESSIONS_SCANNED = 100
# A timeline entry's kind as shown, translated there: _(KIND_LABELS[kind])
KIND_LABELS = {"law": N_("Law"), "decree": N_("Decree"), "strategy": N_("Strategy"), "policy": N_("Policy"),
               "programme": N_("Programme"), "other": N_("Other")}


@dataclass(frozen=True)
class CountryTerm:
    id: str
    term: str
    local_name: str | None  # the term's name in the requested language, when there is one
    draft_translation: bool = True  # until a native speaker reviewed the term's translations


@dataclass(frozen=True)
class CountryProfile:
    country: Country  # the content: names, programme, summary, timeline (by date), institutions
    language: str
    phases: tuple[str, ...]  # "Phase 2 (from 2021)"
    resources: tuple[ResourceView, ...]  # the catalogue's entries for it, newest first
    terms: tuple[CountryTerm, ...]
    sessions: tuple[TrainingSessionInfo, ...]  # upcoming, tagged with the country
    solved: tuple[SolvedQuestion, ...]  # most recently solved first
    plan: PlanSummary | None = None  # its national action plan: what moved since last month, what is overdue

    @property
    def code(self) -> str:
        return self.country.code


@dataclass(frozen=True)
class CountryMiss:
    query: str
    suggestions: tuple[tuple[str, str], ...]  # (code, shown name) of the closest countries


class CountryProfileService:
    def __init__(self, countries: CountryDirectory, terms: Sequence[Term], resources: ResourceService,
                 sessions: TrainingSessionService, questions: QuestionService, plans: PlanService | None = None):
        self.countries = countries
        self.terms = tuple(terms)
        self.resources = resources
        self.sessions = sessions
        self.questions = questions
        self.plans = plans

    def resolve(self, text: str | None) -> Country | CountryMiss:
        """The country meant by ``text`` (any name, any script, a code); else the closest ones."""
        typed = require_text(text, field=N_("name"), max_len=MAX_NAME_TYPED)
        code = self.countries.parse(typed)
        country = self.countries.get(code) if code else None
        if country is None:
            return CountryMiss(typed, tuple((c, self.countries.name(c)) for c in self.countries.suggest_codes(typed)))
        return country

    def complete(self, text: str | None) -> list[CountryChoice]:
        return self.countries.complete(text)

    async def profile(self, session: AsyncSession, text: str | None, language: str = "en",
                      now: datetime | None = None) -> CountryProfile | CountryMiss:
        found = self.resolve(text)
        if isinstance(found, CountryMiss):
            return found
        code = found.code
        catalogue = self.resources.search(ResourceFilters(country=code), page_size=10_000)
        terms = tuple(CountryTerm(t.id, t.term, local_label(t, language),
                                  language not in t.translations or t.translations[language].status == "draft")
                      for t in self.terms if code in t.countries)
        upcoming = await self.sessions.upcoming(session, now=now or utcnow(), country=code, page_size=SESSIONS_SCANNED)
        sessions = tuple(s for s in upcoming.items if code in s.countries)[:UPCOMING]
        solved = await self.questions.solved_in_country(session, code, limit=SOLVED)
        plan = await self.plans.summary(session, code, now=now) if self.plans is not None else None
        return CountryProfile(
            country=found, language=language, phases=tuple(PHASE_LABELS[p] for p in found.programme),
            resources=catalogue.items, terms=terms, sessions=sessions, solved=tuple(solved), plan=plan,
        )
