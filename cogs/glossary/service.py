"""Glossary: look up SSE terms in any language, by alias or with a typo."""

from __future__ import annotations

import bisect
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.catalogues import DEFAULT as ENGLISH
from bot.catalogues import N_, _
from bot.content import Quotation, Term, TermTranslation
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


# Where a text shown for a term comes from, in the language asked for:
# - "original": English was asked for, the language every entry is written in;
# - "draft" / "reviewed": the language's own text (content/glossary/translations/<lang>.yaml), by its status;
# - "missing": the language has no such text yet, so the English one is shown (and the reply says so).
TextStatus = Literal["original", "draft", "reviewed", "missing"]


def _in_language(own: str | None, english: str, language: str,
                 local: TermTranslation | None, field: str) -> tuple[str, TextStatus]:
    """A term's text in ``language``: its own when it has one (reviewed when the whole entry or this
    field was), else the English one marked "missing"."""
    if language == ENGLISH:
        return english, "original"
    if own and local is not None:
        return own, "reviewed" if local.is_reviewed(field) else "draft"
    return english, "missing"


@dataclass(frozen=True)
class Translation:
    language: str
    language_name: str
    text: str  # the term's name in that language
    gloss: str | None = None  # a short explanation in that language of a name kept in English
    draft: bool = True  # not yet reviewed by a native speaker


@dataclass(frozen=True)
class Definition:
    id: str
    term: str  # the English name
    language: str  # the language asked for
    local_name: str | None  # the term's name in ``language``, when a translation exists
    gloss: str | None  # the language's explanation in brackets of a name kept in English ("Koperasi (...)")
    # The term's entry in ``language`` is a draft (its name, definition or explanation is shown): the
    # reply says once, in small print, that it is a draft translation.
    draft_translation: bool
    translation_status: TextStatus  # of the term's entry in ``language`` ("missing": it has none)
    short: str  # in ``language``, else in English (``short_status`` "missing")
    explanation: str  # in ``language``, else in English (``explanation_status`` "missing")
    short_status: TextStatus
    explanation_status: TextStatus
    quote: Quotation | None  # exact words of an official text, with its source: never translated
    also: tuple[str, ...]  # other names members of ``language`` use (none for English)
    aliases: tuple[str, ...]  # other English names
    related: tuple[tuple[str, str], ...]  # (id, English name)
    countries: tuple[str, ...]  # display names
    topics: tuple[str, ...]
    translations: tuple[Translation, ...]
    sources: tuple[str, ...]

    @property
    def other_names(self) -> tuple[str, ...]:
        """"Also called": the reader's language's other names first, then the English ones."""
        folded = {fold(self.term), fold(self.local_name or "")}
        names: list[str] = []
        for name in (*self.also, *self.aliases):
            if fold(name) not in folded:
                folded.add(fold(name))
                names.append(name)
        return tuple(names)


@dataclass(frozen=True)
class Entry:
    """A term in a list (a page of /glossary, the related terms of one term)."""

    id: str
    term: str  # English name
    local_name: str | None  # the name in the reader's language, when a translation exists
    short: str  # in the reader's language, else in English (``short_status`` "missing")
    gloss: str | None = None
    short_status: TextStatus = "original"
    draft_translation: bool = False  # the name or definition shown is a draft translation


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
        self._looked = -math.inf  # time.monotonic() of the last refresh
        self.replace_terms(terms)

    async def fresh(self, *, within: float = 0.0) -> GlossaryService:
        """The service with every approved change in, whichever instance approved it. ``within``:
        seconds a look at the database may be reused (the web pages: a change approved on another
        instance shows there within that time; on this one at once, as approving refreshes)."""
        if self.refresher is not None and (within <= 0 or time.monotonic() - self._looked >= within):
            await self.refresher()
            self._looked = time.monotonic()
        return self

    def replace_terms(self, terms: tuple[Term, ...] | list[Term]) -> None:
        """Build the index over these terms (at start, and when reviewed text changes them)."""
        self._terms = {t.id: t for t in terms}
        keys: dict[tuple[str, str], _Key] = {}
        # "Herder cooperative" finds "Herder cooperative (Mongolia)", unless another term has that
        # name ("Cooperative (Philippines)" leaves "cooperative" to Cooperative).
        bare: dict[str, list[Term]] = {}
        # What a term is called, folded, for naming an autocomplete choice without folding on every
        # keystroke: its English name and that name without its qualifier; its name in each language.
        self._english: dict[str, frozenset[str]] = {}
        self._local: dict[tuple[str, str], str] = {}
        self._labels: dict[tuple[str, str], str] = {}  # (term id, language) -> term_label, as asked for
        for t in terms:
            short = _QUALIFIER.sub("", t.term)
            self._english[t.id] = frozenset({fold(t.term), fold(short)})
            if short != t.term:
                bare.setdefault(fold(short), []).append(t)
        for t in terms:
            names = [(t.term, "en"), (t.id.replace("-", " "), "en"), *((a, "en") for a in t.aliases)]
            names += [(a, "en") for a in t.search_aliases]
            names += t.local_names()
            for label, lang in names:
                folded = fold(label)
                if lang != ENGLISH and label == t.translations[lang].name:
                    self._local[(t.id, lang)] = folded
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

    def _choice(self, key: _Key, language: str = ENGLISH) -> Choice:
        """The term as the reader names it (``display_name`` in ``language``), after the name that
        matched when that is another one ("合作社 — สหกรณ์ — Cooperative" for a Thai reader who typed 合作社)."""
        term = self._terms[key.term_id]
        shown = self._label(term, language)
        if key.label == term.term or key.folded in self._english[term.id] \
                or key.folded == self._local.get((term.id, language)):
            name = shown
        else:
            name = f"{key.label} — {shown}"
        return Choice(name=name[:100], value=term.id)

    def _label(self, term: Term, language: str) -> str:
        key = (term.id, language)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = term_label(term, language)
        return label

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

    def autocomplete(self, text: str | None, language: str = ENGLISH) -> list[Choice]:
        """Up to 25 choices for what the member has typed so far, in any language; each named as the
        member's language names the term."""
        query = fold(text or "")[:MAX_QUERY_LEN]
        if not query:
            return [Choice(self._label(t, language)[:100], t.id) for t in self._by_term_order[:AUTOCOMPLETE_LIMIT]]
        return [self._choice(k, language) for k, _score in self._ranked(query, AUTOCOMPLETE_LIMIT, SUGGEST_SCORE)]

    def resolve(self, text: str, language: str = ENGLISH) -> Term | Miss:
        """The term meant by ``text`` (id from autocomplete, name, alias, translation, typo); a miss
        names its suggestions in ``language``."""
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
        return Miss(query=cleaned, suggestions=tuple(self._choice(k, language) for _score, k in kept[:MAX_SUGGESTIONS]))

    def define(self, text: str | None, language: str = ENGLISH) -> Definition | Miss:
        query = require_text(text, field=N_("term"), max_len=MAX_QUERY_LEN)
        found = self.resolve(query, language)
        if isinstance(found, Miss):
            return found
        return self.definition(found, language)

    def entries(self, term_ids: list[str] | tuple[str, ...], language: str = ENGLISH) -> list[Entry]:
        """The listed terms (unknown ids skipped), in ``language`` where a translation exists."""
        return [entry(t, language) for t in (self._terms.get(i) for i in term_ids) if t is not None]

    def definition(self, term: Term, language: str = ENGLISH) -> Definition:
        local = term.translations.get(language) if language != ENGLISH else None
        short, short_status = _in_language(local.short if local else None, term.short, language, local, "short")
        explanation, explanation_status = _in_language(local.explanation if local else None, term.explanation,
                                                       language, local, "explanation")
        translations = tuple(
            Translation(lang, LANGUAGES[lang].native, t.name, t.gloss, t.status == "draft")
            for lang, t in term.translations.items() if t.name
        )
        return Definition(
            id=term.id,
            term=term.term,
            language=language,
            local_name=local.name if local else None,
            gloss=local.gloss if local else None,
            draft_translation=local is not None and not local.is_reviewed("name"),
            translation_status="original" if language == ENGLISH else local.status if local else "missing",
            short=short,
            explanation=explanation,
            short_status=short_status,
            explanation_status=explanation_status,
            quote=term.quote,
            also=tuple(local.also) if local else (),
            aliases=tuple(term.aliases),
            related=tuple((r, self._terms[r].term) for r in term.related if r in self._terms),
            countries=tuple(country_name(c) for c in term.countries),
            topics=tuple(term.topics),
            translations=translations,
            sources=tuple(term.sources),
        )


def entry(term: Term, language: str = ENGLISH) -> Entry:
    local = term.translations.get(language) if language != ENGLISH else None
    short, status = _in_language(local.short if local else None, term.short, language, local, "short")
    draft = local is not None and local.status == "draft" and bool(local.name or local.short or local.gloss)
    return Entry(term.id, term.term, local.name if local else None, short, local.gloss if local else None, status, draft)


# Topics as members read them, in their language (the values stay the ids typed in options and stored).
TOPIC_LABELS = {
    "sse-policy": N_("SSE policy"), "legal-frameworks": N_("legal frameworks"), "cooperatives": N_("cooperatives"),
    "social-enterprise": N_("social enterprise"), "informal-economy": N_("informal economy"),
    "decent-work": N_("decent work"), "finance": N_("finance"), "value-chains": N_("value chains"),
    "gender": N_("gender"), "sdgs": N_("SDGs"), "just-transition": N_("just transition"),
    "capacity-building": N_("capacity building"), "statistics": N_("statistics"), "south-south": N_("South-South"),
    "agriculture": N_("agriculture"), "rural-development": N_("rural development"), "care-economy": N_("care economy"),
    "fair-trade": N_("fair trade"), "green-economy": N_("green economy"), "social-protection": N_("social protection"),
    "sse-concepts": N_("SSE concepts"), "organisational-forms": N_("organisational forms"),
    "governance": N_("governance"), "traditions": N_("traditions"),
}


def topic_label(topic: str) -> str:
    """"sse-concepts" as members read it, in their language: "SSE concepts"."""
    label = TOPIC_LABELS.get(topic)
    return _(label) if label else topic.replace("-", " ")


def display_name(term: str, local_name: str | None, gloss: str | None = None) -> str:
    """"สหกรณ์ — Cooperative": the reader's name for the term first, then the English one. A name kept
    in English (or in its own language) comes with the reader's gloss in brackets: "Gotong royong
    (インドネシア・マレーシアの相互扶助の伝統)", "Koperasi (インドネシアの協同組合) — Koperasi (Indonesian cooperative)"."""
    if gloss:
        name = local_name or _QUALIFIER.sub("", term)
        label = f"{name} ({gloss})"
        return label if name.casefold() == term.casefold() else f"{label} — {term}"
    if local_name and local_name.casefold() != term.casefold():
        if local_name.casefold().startswith(term.casefold() + " ("):  # the English name with its gloss (local_label)
            return local_name
        return f"{local_name} — {term}"
    return term


def local_label(term: Term, language: str) -> str | None:
    """The term's name in ``language`` as a list shows it (with its gloss), or None (English, or none yet)."""
    local = term.translations.get(language) if language != ENGLISH else None
    if local is None or not (local.name or local.gloss):
        return None
    name = local.name or _QUALIFIER.sub("", term.term)
    return f"{name} ({local.gloss})" if local.gloss else name


def term_label(term: Term, language: str) -> str:
    """The term as a member reading ``language`` sees it named (``display_name``)."""
    local = term.translations.get(language) if language != ENGLISH else None
    return display_name(term.term, local.name if local else None, local.gloss if local else None)


# TRANSLATORS: the line above a quotation of an official text, which is shown in its original language
OFFICIAL_WORDING = N_("The official wording, quoted as adopted:")


def quote_block(quote: Quotation) -> str:
    """A quotation as Discord and terminals show one: a line saying, in the reader's language, that it
    is the official wording, then every line of the exact words (never translated) marked with ``>``,
    and the source under them."""
    lines = "\n".join(f"> {line}" if line.strip() else ">" for line in quote.text.splitlines())
    return f"{_(OFFICIAL_WORDING)}\n{lines}\n— {quote.source}"


# Where a term's text in one language stands: "original" (English, the language entries are written
# in), "draft" (not yet reviewed), "partly reviewed" (some of its fields approved one by one with
# /glossary review) or "reviewed" (every field it has).
VersionStatus = Literal["original", "draft", "partly reviewed", "reviewed"]


@dataclass(frozen=True)
class LanguageVersion:
    """A term in one of the languages it has (the web's term page lists every one)."""

    language: str
    name: str  # the term's name in that language (the English name when the entry has only a gloss)
    gloss: str | None
    also: tuple[str, ...]
    has_definition: bool  # the language has its own short definition
    has_explanation: bool
    status: VersionStatus


def language_versions(term: Term) -> tuple[LanguageVersion, ...]:
    """Every language the term has a name, gloss or definition in: English first, then the others in
    the order of ``LANGUAGES``."""
    versions = [LanguageVersion(ENGLISH, term.term, None, tuple(term.aliases), True, True, "original")]
    for code in LANGUAGES:
        local = term.translations.get(code) if code != ENGLISH else None
        if local is None or not (local.name or local.gloss or local.short or local.explanation):
            continue
        fields = [f for f in ("name", "gloss", "short", "explanation") if getattr(local, f)]
        reviewed = [f for f in fields if local.is_reviewed(f)]
        status: VersionStatus = ("reviewed" if len(reviewed) == len(fields)
                                 else "partly reviewed" if reviewed else "draft")
        versions.append(LanguageVersion(code, local.name or _QUALIFIER.sub("", term.term), local.gloss,
                                        tuple(local.also), bool(local.short), bool(local.explanation), status))
    return tuple(versions)
