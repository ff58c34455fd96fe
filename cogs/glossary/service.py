"""Glossary: look up SSE terms in any language, by alias or with a typo."""

from __future__ import annotations

import bisect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.content import Quotation, Term
from bot.i18n import LANGUAGES, country_name
from bot.text import clean, fold, require_text

MAX_QUERY_LEN = 100
AUTOCOMPLETE_LIMIT = 25
# Below this a fuzzy match is only a suggestion, not an answer.
ANSWER_SCORE = 86
SUGGEST_SCORE = 55
# "Did you mean" lists at most this many names, each at least this similar to what was typed
# (rapidfuzz ratio, 0-100) or starting with it (an exact, prefix or word-prefix hit scores >= 90).
MAX_SUGGESTIONS = 5
SIMILAR_SCORE = 65
PREFIX_STAGE = 90.0
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Herder cooperative (Mongolia)" -> "Herder cooperative"


@dataclass(frozen=True)
class Choice:
    """One autocomplete entry: what the member sees and the term id sent back."""

    name: str
    value: str


def complete_options(text: str | None, options: list[tuple[str, str]]) -> list[Choice]:
    """Autocomplete over a fixed list of (name, value): names starting with what was typed, then names
    containing it, else the closest; one entry per value, at most 25."""
    typed = fold(text or "")
    if not typed:
        return [Choice(name, value) for name, value in options[:25]]
    starts = [(n, v) for n, v in options if fold(n).startswith(typed) or fold(v).startswith(typed)]
    others = [(n, v) for n, v in options if (n, v) not in starts and typed in fold(n)]
    found = starts + others
    if not found:
        names = [fold(n) for n, _ in options]
        found = [options[i] for _, _, i in process.extract(typed, names, scorer=fuzz.WRatio, limit=10, score_cutoff=50)]
    unique = list({v: (n, v) for n, v in reversed(found)}.values())[::-1]  # one entry per value
    return [Choice(n[:100], v[:100]) for n, v in unique[:25]]


@dataclass(frozen=True)
class Translation:
    language: str
    language_name: str
    text: str


@dataclass(frozen=True)
class Definition:
    id: str
    term: str
    language: str
    local_name: str | None  # the term's name in ``language``, when a translation exists
    draft_translation: bool
    short: str
    explanation: str
    quote: Quotation | None  # exact words of an official text, with its source
    aliases: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (id, English name)
    countries: tuple[str, ...]  # display names
    topics: tuple[str, ...]
    translations: tuple[Translation, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A term in a list (a page of /glossary, the related terms of one term)."""

    id: str
    term: str  # English name
    local_name: str | None  # the name in the reader's language, when a translation exists
    short: str


@dataclass(frozen=True)
class Miss:
    query: str
    suggestions: tuple[Choice, ...]


@dataclass(frozen=True)
class _Key:
    folded: str
    term_id: str
    label: str  # the text that matched, as written
    language: str


class GlossaryService:
    def __init__(self, terms: tuple[Term, ...] | list[Term]):
        # Awaited before each answer (``fresh``): set by a capability whose text replaces the shipped one
        # while the bot runs (cogs/glossary_review: facilitators' approved text, read from the database).
        self.refresher: Callable[[], Awaitable[None]] | None = None
        self.replace_terms(terms)

    async def fresh(self) -> GlossaryService:
        """The service with every approved change in, whichever instance approved it."""
        if self.refresher is not None:
            await self.refresher()
        return self

    def replace_terms(self, terms: tuple[Term, ...] | list[Term]) -> None:
        """Build the index over these terms (at start, and when reviewed text changes them)."""
        self._terms = {t.id: t for t in terms}
        keys: dict[tuple[str, str], _Key] = {}
        # "Herder cooperative" finds "Herder cooperative (Mongolia)", unless another term has that
        # name ("Cooperative (Philippines)" leaves "cooperative" to Cooperative).
        bare: dict[str, list[Term]] = {}
        for t in terms:
            short = _QUALIFIER.sub("", t.term)
            if short != t.term:
                bare.setdefault(fold(short), []).append(t)
        for t in terms:
            names = [(t.term, "en"), (t.id.replace("-", " "), "en"), *((a, "en") for a in t.aliases)]
            names += [(a, "en") for a in t.search_aliases]
            names += t.local_names()
            for label, lang in names:
                folded = fold(label)
                if folded:
                    keys.setdefault((folded, t.id), _Key(folded, t.id, label, lang))
        taken = {folded for folded, _ in keys}
        for folded, owners in bare.items():
            if len(owners) == 1 and folded not in taken:
                keys[(folded, owners[0].id)] = _Key(folded, owners[0].id, owners[0].term, "en")
        self._keys = sorted(keys.values(), key=lambda k: k.folded)
        self._folded = [k.folded for k in self._keys]
        # Later words of each name ("enterprise" in "social enterprise"), sorted for prefix search.
        words = sorted(
            (word, i) for i, k in enumerate(self._keys) for word in k.folded.replace("-", " ").split()[1:]
        )
        self._words = [w for w, _ in words]
        self._word_keys = [i for _, i in words]
        self._by_first_char: dict[str, list[int]] = {}
        for i, folded in enumerate(self._folded):
            self._by_first_char.setdefault(folded[0], []).append(i)
        self._exact: dict[str, list[str]] = {}
        # A name two terms share: the term it is an English name of comes first ("Koperasi" is
        # the Indonesian form's name and the Malay word for any cooperative).
        for k in sorted(self._keys, key=lambda k: k.language != "en"):
            ids = self._exact.setdefault(k.folded, [])
            if k.term_id not in ids:
                ids.append(k.term_id)
        self._by_term_order = sorted(terms, key=lambda t: (not t.core, t.term.casefold()))

    def __len__(self) -> int:
        return len(self._terms)

    def term(self, term_id: str) -> Term | None:
        return self._terms.get(term_id)

    def _choice(self, key: _Key) -> Choice:
        term = self._terms[key.term_id]
        if fold(term.term) == key.folded or key.label == term.term:
            name = term.term
        else:
            name = f"{key.label} — {term.term}"
        return Choice(name=name[:100], value=term.id)

    def _ranked(self, query: str, limit: int, cutoff: float) -> list[tuple[_Key, float]]:
        """Keys ranked: exact, prefix, word prefix, then typo-tolerant; one entry per term.

        Every stage but the last works on a small slice (bisect on sorted lists, or the keys
        sharing the query's first character), which keeps a 20,000-name glossary well
        under 2 ms per keystroke. The whole-list fuzzy pass runs only when the others found
        almost nothing (a typo in the first character).
        """
        results: list[tuple[_Key, float]] = []
        seen: set[str] = set()

        def add(key: _Key, score: float) -> None:
            if key.term_id not in seen and len(results) < limit:
                seen.add(key.term_id)
                results.append((key, score))

        for i in self._prefixed(self._folded, query):
            add(self._keys[i], 100.0 if self._folded[i] == query else 95.0)
        first_word = query.split(" ", 1)[0]
        rest = query[len(first_word) :].strip()
        for i in self._prefixed(self._words, first_word):
            key = self._keys[self._word_keys[i]]
            if not rest or rest in key.folded:
                add(key, 90.0)
        if len(results) < limit and len(query) >= 2:
            bucket = self._by_first_char.get(query[0], [])
            for _, score, index in process.extract(
                query, [self._folded[i] for i in bucket], scorer=fuzz.ratio, limit=limit * 2, score_cutoff=cutoff
            ):
                add(self._keys[bucket[index]], float(score))
        if len(results) < 3 and len(query) >= 4:
            for _, score, index in process.extract(
                query, self._folded, scorer=fuzz.ratio, limit=limit, score_cutoff=max(cutoff, 70)
            ):
                add(self._keys[index], float(score))
        return results

    @staticmethod
    def _prefixed(ordered: list[str], prefix: str, cap: int = 200) -> list[int]:
        """Indexes of the entries of a sorted list that start with ``prefix`` (at most ``cap``)."""
        out: list[int] = []
        for i in range(bisect.bisect_left(ordered, prefix), len(ordered)):
            if not ordered[i].startswith(prefix) or len(out) >= cap:
                break
            out.append(i)
        return out

    def autocomplete(self, text: str | None) -> list[Choice]:
        """Up to 25 choices for what the member has typed so far, in any language."""
        query = fold(text or "")[:MAX_QUERY_LEN]
        if not query:
            return [Choice(t.term[:100], t.id) for t in self._by_term_order[:AUTOCOMPLETE_LIMIT]]
        return [self._choice(k) for k, _ in self._ranked(query, AUTOCOMPLETE_LIMIT, SUGGEST_SCORE)]

    def resolve(self, text: str) -> Term | Miss:
        """The term meant by ``text`` (id from autocomplete, name, alias, translation, typo)."""
        cleaned = clean(text)
        if cleaned in self._terms:
            return self._terms[cleaned]
        query = fold(cleaned)
        exact = self._exact.get(query)
        if exact:
            return self._terms[exact[0]]
        ranked = self._ranked(query, 2 * MAX_SUGGESTIONS, SUGGEST_SCORE)
        # Answer only a near-spelling of a whole name (a typo); a partial or word-salad
        # match is offered as a suggestion instead of guessed.
        scored = [(fuzz.ratio(query, k.folded), stage, k) for k, stage in ranked]
        close = [(score, k) for score, _, k in scored if score >= ANSWER_SCORE]
        if close:
            best = max(close, key=lambda pair: pair[0])
            if sum(1 for score, _ in close if score >= best[0] - 2) == 1:
                return self._terms[best[1].term_id]
        # "Did you mean": the names most like what was typed, best first; a name that merely
        # starts with it ("bank" -> "Village bank") counts too. Nothing close: no suggestions.
        kept = [(score, k) for score, stage, k in scored if score >= SIMILAR_SCORE or stage >= PREFIX_STAGE]
        kept.sort(key=lambda pair: -pair[0])
        return Miss(query=cleaned, suggestions=tuple(self._choice(k) for _, k in kept[:MAX_SUGGESTIONS]))

    def define(self, text: str | None, language: str = "en") -> Definition | Miss:
        query = require_text(text, field="term", max_len=MAX_QUERY_LEN)
        found = self.resolve(query)
        if isinstance(found, Miss):
            return found
        return self.definition(found, language)

    def entries(self, term_ids: list[str] | tuple[str, ...], language: str = "en") -> list[Entry]:
        """The listed terms (unknown ids skipped), named in ``language`` where a translation exists."""
        return [entry(t, language) for t in (self._terms.get(i) for i in term_ids) if t is not None]

    def definition(self, term: Term, language: str = "en") -> Definition:
        local = term.translations.get(language)
        translations = tuple(
            Translation(lang, LANGUAGES[lang].native, t.name) for lang, t in term.translations.items() if t.name
        )
        return Definition(
            id=term.id,
            term=term.term,
            language=language,
            local_name=local.name if local else None,
            draft_translation=local is None or not local.is_reviewed("name"),
            short=term.short,
            explanation=term.explanation,
            quote=term.quote,
            aliases=tuple(term.aliases),
            related=tuple((r, self._terms[r].term) for r in term.related if r in self._terms),
            countries=tuple(country_name(c) for c in term.countries),
            topics=tuple(term.topics),
            translations=translations,
            sources=tuple(term.sources),
        )


def entry(term: Term, language: str = "en") -> Entry:
    return Entry(term.id, term.term, term.name_in(language), term.short)


def topic_label(topic: str) -> str:
    """"sse-concepts" as members read it: "sse concepts"."""
    return topic.replace("-", " ")


def display_name(term: str, local_name: str | None) -> str:
    """"สหกรณ์ — Cooperative": the reader's name for the term first, then the English one."""
    if local_name and local_name.casefold() != term.casefold():
        return f"{local_name} — {term}"
    return term


def quote_block(quote: Quotation) -> str:
    """A quotation as Discord and terminals show one: every line of the exact words marked with
    ``>``, and the source under them."""
    lines = "\n".join(f"> {line}" if line.strip() else ">" for line in quote.text.splitlines())
    return f"{lines}\n— {quote.source}"
