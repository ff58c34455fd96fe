"""Search over Q&A posts and archived discussions, in every script.

Candidates come from the full-text index (db/search.py): the newest matches, each with its
relevance. They are ranked here: messages of solved questions first, then relevance, then the
newest. Any text is a valid query; words are quoted before they reach the engine.

When words of the query are a glossary term's name in some language, a second query looks for the
term's names in the other languages (cogs/glossary/thesaurus.py), leaving out what the words as
typed match; those matches rank after every match of the words as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import N_, _, format_number, ngettext
from bot.config import Config
from bot.countries import directory
from bot.errors import InvalidInput
from bot.guild import GuildSettings
from bot.text import clean, fold
from cogs.glossary.thesaurus import Expansion, Thesaurus
from cogs.qa.models import Question
from cogs.search.archive import jump_url
from cogs.search.models import ArchivedMessage
from db import search
from db.search import Candidate  # by name: inside SearchService, "search" is the method

SCOPES: dict[str, tuple[str, ...]] = {
    "all": (),
    "questions": ("question", "answer"),
    "discussions": ("message",),
}
MAX_QUERY = 300
SOLVED_EXTRA = 100
CANDIDATES = 500  # newest matches ranked per search (see bench/README.md)
EXPANDED = 100  # newest matches found only through names the glossary added (ranked after the others)
PAGE_SIZE = 5
SNIPPET = 220
# How a search's filters are said back ("“coop”, questions, country: Lao PDR, solved"), translated there
SCOPE_WORDS = {"questions": N_("questions"), "discussions": N_("discussions"), "all": N_("all")}
FILTER_WORDS = {"country": N_("country: {value}"), "topic": N_("topic: {value}"), "after": N_("after: {value}"),
                "before": N_("before: {value}")}


@dataclass(frozen=True)
class SearchParams:
    """Everything behind one search, as JSON-friendly values (saved for the page buttons)."""

    query: str
    scope: str = "all"
    country: str | None = None
    topic: str | None = None
    author_id: int | None = None
    solved: bool | None = None
    after: str | None = None  # YYYY-MM-DD, in the community's time zone
    before: str | None = None
    timezone: str = "UTC"
    expand: bool = True  # also look for the glossary names of the query's terms in other languages

    def describe(self) -> str:
        """The search as said back, in the reader's language; the words searched for stay as typed."""
        bits = [_("“{query}”").format(query=self.query)]
        if self.scope != "all":
            bits.append(_(SCOPE_WORDS[self.scope]))
        for name, value in (("country", self.country), ("topic", self.topic), ("after", self.after),
                            ("before", self.before)):
            if value:
                bits.append(_(FILTER_WORDS[name]).format(value=value))
        if self.solved is not None:
            bits.append(_("solved") if self.solved else _("unsolved"))
        return ", ".join(bits)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    message_id: int
    channel_id: int
    guild_id: int
    thread_id: int | None
    author_id: int
    created_at: datetime
    content: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    jump_url: str
    score: float
    solved: bool
    question_title: str | None


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    hits: tuple[SearchHit, ...]
    total: int
    capped: bool
    page: int
    pages: int
    added: tuple[str, ...] = ()  # glossary names searched besides the query's words, as written


# Whole sentences per option (translators write the option's name as Discord shows it in their language)
_DAY_ERRORS = {"after": N_("**after** must be a date like 2026-03-31 (year-month-day)."),
               "before": N_("**before** must be a date like 2026-03-31 (year-month-day).")}


def _parse_day(value: str | None, field: str) -> str | None:
    value = clean(value)
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidInput(_(_DAY_ERRORS[field])) from None


def parse_params(
    query: str | None, *, scope: str | None = None, country: str | None = None, topic: str | None = None,
    author_id: int | None = None, solved: bool | None = None, after: str | None = None, before: str | None = None,
    timezone: str = "UTC", expand: bool = True,
) -> SearchParams:
    text = clean(query)
    if not text:
        raise InvalidInput(_("Please type what to search for."))
    if len(text) > MAX_QUERY:
        raise InvalidInput(ngettext("That search is {count} character long; please keep it under {limit}.",
                                    "That search is {count} characters long; please keep it under {limit}.",
                                    len(text)).format(count=format_number(len(text)), limit=format_number(MAX_QUERY)))
    if not search.query_terms(text):
        raise InvalidInput(_("Your search has no letters or numbers to look for. Try a word or two."))
    scope = (scope or "all").strip().lower()
    if scope not in SCOPES:
        # the values are what the member types: they stay as they are
        raise InvalidInput(_("**scope** must be one of: questions, discussions, all."))
    start, end = _parse_day(after, "after"), _parse_day(before, "before")
    if start and end and start >= end:
        raise InvalidInput(_("**after** must be earlier than **before**."))
    return SearchParams(
        query=text, scope=scope, country=_country(country), topic=clean(topic)[:40] or None,
        author_id=author_id, solved=solved, after=start, before=end, timezone=timezone, expand=expand,
    )


def _country(typed: str | None) -> str | None:
    """A programme country by its shown name, however it was typed; anything else as typed."""
    text = clean(typed)[:40]
    code = directory().parse(text)
    return directory().name(code) if code else text or None


def _country_spellings(country: str | None) -> tuple[str, ...]:
    """Every way a question's country tag may be stored: posts tagged "Laos" or "Korea" before the
    country names became content are still found under "Lao PDR" and "Republic of Korea"."""
    if not country:
        return ()
    code = directory().parse(country)
    return directory().spellings(code) if code else (country,)


def _day_start(day: str | None, tz: str, *, next_day: bool = False) -> datetime | None:
    if day is None:
        return None
    d = date.fromisoformat(day) + timedelta(days=1 if next_day else 0)
    return datetime.combine(d, time(0), tzinfo=ZoneInfo(tz))


def _filters(params: SearchParams) -> search.SearchFilters:
    return search.SearchFilters(
        kinds=SCOPES[params.scope], author_id=params.author_id, countries=_country_spellings(params.country),
        topic=params.topic,
        solved=params.solved, after=_day_start(params.after, params.timezone),
        before=_day_start(params.before, params.timezone, next_day=True),  # "before 31 March" includes the 31st
    )


def rank(candidates: list[search.Candidate]) -> list[search.Candidate]:
    """The words as typed before names the glossary added; then solved first, relevance, newest."""
    return sorted(candidates, key=lambda c: (c.expanded, not c.solved, -c.score, -c.message_id))


def expanded_parts(expansion: Expansion) -> tuple[list[search.Part], list[search.Term]]:
    """What the glossary's names add to a query: messages that say another name of at least one of
    its glossary names (and the rest of its words), and the terms whose matches to leave out (they
    are the query's own). Never the words as typed alone: an engine walking every message that has
    them only to leave them out costs more than the whole search (bench_thesaurus.py)."""
    groups = [m for m in expansion.matches if m.names]
    typed = {m.start: tuple(w.term for w in expansion.typed(m)) for m in groups}
    other_names = {m.start: search.Alternatives(tuple(name.terms for name in m.names)) for m in groups}
    either = {start: search.Alternatives((typed[start], (other_names[start],))) for start in typed}
    # At least one of them by another name: the first, or the second, ... (the others either way).
    widened: search.Part = other_names[groups[0].start] if len(groups) == 1 else search.Alternatives(tuple(
        (other_names[m.start], *(either[o.start] for o in groups if o is not m)) for m in groups))
    parts: list[search.Part] = [widened]
    inside = {i for m in groups for i in range(m.start, m.end)}
    for i, word in enumerate(expansion.words):
        if i not in inside and word.term not in parts and len(parts) < search.MAX_QUERY_TERMS:
            parts.append(word.term)
    return parts, [t for m in groups for t in typed[m.start]]


def _highlights(names: tuple[str, ...]) -> list[str]:
    """What to highlight of the added names: each whole, and the words of those in scripts without spaces
    (found word by word)."""
    words = []
    for name in names:
        folded = fold(name)
        words.append(folded)
        if " " in folded and any(search.is_unsegmented(ch) for ch in folded):
            words += folded.split()
    return words


HIT_COLUMNS = (
    ArchivedMessage.id, ArchivedMessage.kind, ArchivedMessage.channel_id, ArchivedMessage.guild_id,
    ArchivedMessage.thread_id, ArchivedMessage.author_id, ArchivedMessage.created_at, ArchivedMessage.content,
    Question.title,
)


def hits_query(ids: list[int]) -> Any:
    return (
        select(*HIT_COLUMNS).outerjoin(Question, Question.thread_id == ArchivedMessage.thread_id)
        .where(ArchivedMessage.id.in_(ids))
    )


class SearchService:
    """Searches the archive: candidates from the full-text index, ranked here, one page loaded."""

    def __init__(self, config: Config, guild: GuildSettings | None = None, thesaurus: Thesaurus | None = None):
        self.config = config
        self.guild = guild or GuildSettings(config)  # the time zone dates are read in
        self.thesaurus = thesaurus  # the glossary's names in every language (None: words as typed only)

    def parse(self, query: str | None, **filters: Any) -> SearchParams:
        """The search as typed, with dates read in the community's time zone."""
        return parse_params(query, timezone=self.guild.current.timezone, **filters)

    async def search(
        self, session: AsyncSession, params: SearchParams, *, page: int = 1, page_size: int = PAGE_SIZE
    ) -> SearchPage:
        terms = search.query_terms(params.query)
        filters = _filters(params)
        solved_first = params.solved is not False and params.scope != "discussions"
        found = await search.candidates(session, terms, filters, limit=CANDIDATES)
        capped = len(found) >= CANDIDATES
        if capped and solved_first:
            # More matches than are ranked: solved Q&A older than the newest matches still come first.
            seen = {c.message_id for c in found}
            extra = await search.candidates(session, terms, filters, limit=SOLVED_EXTRA, solved_only=True)
            found += [c for c in extra if c.message_id not in seen]
        # The glossary's other names, leaving out what the words as typed match. Their matches rank
        # after every match of the words as typed, so when those fill the window (500 ranked, 100
        # pages) no one pages to them: the query is not run, and the reply does not claim it was.
        # It was the costliest statement of such searches: tens of ms at 1M messages for names in
        # other scripts AND the rest of the words (bench/README.md).
        expansion = None if capped else self.expansion(params)
        added: tuple[str, ...] = ()
        if expansion:
            # Solved first among these only: a solved-only supplement for them would cost more than
            # the rest of the search (bench_thesaurus.py).
            parts, typed_names = expanded_parts(expansion)
            more = await search.candidates(session, parts, filters, limit=EXPANDED, exclude=typed_names)
            capped = capped or len(more) >= EXPANDED
            found += more
            added = expansion.added
        ranked = rank(found)
        total = len(ranked)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        chosen = ranked[(page - 1) * page_size : page * page_size]
        hits = await self.load_hits(session, chosen, params.query, added)
        return SearchPage(params, tuple(hits), total, capped, page, pages, added)

    def expansion(self, params: SearchParams) -> Expansion | None:
        """The glossary names in the query and what they add, when the search expands."""
        if not params.expand or self.thesaurus is None:
            return None
        return self.thesaurus.expand(params.query)

    async def load_hits(self, session: AsyncSession, chosen: list[Candidate], query: str,
                        added: tuple[str, ...] = ()) -> list[SearchHit]:
        if not chosen:
            return []
        rows = await session.execute(hits_query([c.message_id for c in chosen]))
        by_id = {row[0]: row for row in rows}
        words = search.highlight_words(query)
        widened = words + _highlights(added) if added else words
        hits = []
        for c in chosen:
            row = by_id.get(c.message_id)
            if row is None:
                continue
            mid, kind, channel_id, guild_id, thread_id, author_id, created_at, content, title = row
            snippet, spans = make_snippet(content, widened if c.expanded else words)
            hits.append(SearchHit(
                kind=kind, message_id=mid, channel_id=channel_id, guild_id=guild_id, thread_id=thread_id,
                author_id=author_id, created_at=created_at, content=content, snippet=snippet,
                highlights=tuple(spans), jump_url=jump_url(guild_id, channel_id, mid), score=round(c.score, 4),
                solved=c.solved, question_title=title,
            ))
        return hits


# ---------------------------------------------------------------- snippets
def _folded_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Text folded character by character, with the original index of every folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            piece = " " if ch.isspace() else ch.lower()
        elif ch.isspace():
            piece = " "
        elif unicodedata.category(ch) == "Mn" and out and out[-1].isascii():
            piece = ""  # a combining accent on a Latin letter folds away
        else:
            piece = fold(ch) if ch.isalpha() else ch.casefold()
        for p in piece:
            out.append(p)
            index.append(i)
    return "".join(out), index


def make_snippet(content: str, words: list[str], width: int = SNIPPET) -> tuple[str, list[tuple[int, int]]]:
    """A window of the message around the first match, and the matched spans inside it."""
    content = " ".join(content.split())[:4000]
    lowered = content.casefold()
    index: Sequence[int]
    if len(lowered) == len(content) and all(w in lowered for w in words):
        # Fast path (Thai, CJK, plain Latin...): case-folding kept every position.
        folded, index = lowered, range(len(content))
    else:
        folded, index = _folded_with_map(content)
    spans: list[tuple[int, int]] = []
    for w in sorted(set(words), key=len, reverse=True):
        start = 0
        while w and (pos := folded.find(w, start)) != -1:
            a, b = index[pos], index[pos + len(w) - 1] + 1
            if not any(a < e and s < b for s, e in spans):
                spans.append((a, b))
            start = pos + len(w)
    spans.sort()
    if len(content) <= width:
        return content, spans
    first = spans[0][0] if spans else 0
    lo = max(0, min(first - width // 3, len(content) - width))
    hi = lo + width
    window = content[lo:hi]
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(content) else ""
    shifted = [(s - lo + len(prefix), e - lo + len(prefix)) for s, e in spans if s >= lo and e <= hi]
    return prefix + window + suffix, shifted
