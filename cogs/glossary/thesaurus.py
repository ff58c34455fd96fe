"""The multilingual glossary as a thesaurus: what else to look for when a search names a term.

A query (or a run of its words) that is a name of a glossary term in any language (its English
name, an alias or misspelling, its name or other names in any of the 13 languages) expands to
that term's other names: ``cooperative`` also looks for 協同組合, สหกรณ์, hợp tác xã, кооператив…
and ``สหกรณ์`` for "cooperative". Only whole words match (a common word that is no glossary
name never expands), names are compared folded (case, accents: ``hop tac xa`` is ``hợp tác xã``),
and at most ``MAX_ADDED`` names are added to one search. Names of three letters or fewer in spaced
scripts (``hội``, ``họ``, ``LED``, ``сан``) are never added, since ordinary words share them;
typed in capitals (``SSE``, ``HTX``) they still expand to the term's other names. When the query
has other words too (or another glossary name), only names written in those words' scripts or in
Latin letters are added (``cooperative law`` adds ``hợp tác xã`` and ``koperasi``, not
``สหกรณ์``: a Thai message would not say "law").

Search (/search, ``python -m bot search``) and /resources both ask :meth:`Thesaurus.expand`;
how they look the names up and rank what they find is theirs (expanded matches below the words
as typed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.capability import ServiceContext
from bot.catalogues import _
from bot.content import Term
from bot.i18n import TRANSLATION_LANGUAGES
from bot.text import clean, fold
from db.search import Term as SearchTerm
from db.search import as_name, is_unsegmented, word_term

MAX_ADDED = 20  # names added to one search, over all its expanded words
MIN_PER_MATCH = 6  # ...but each expanded word keeps at least this many of its names
SHORT = 3  # a one-word name of this many letters or fewer is an acronym or an ordinary word
NOTE_BUDGET = 300  # characters of names in the "also searched" line
_QUALIFIER = re.compile(r"\s*[(（][^)）]*[)）]\s*$")  # "Herder cooperative (Mongolia)" -> "Herder cooperative"

Key = tuple[SearchTerm, ...]  # one search term per word


@dataclass(frozen=True)
class Name:
    """One name a term can be searched by."""

    label: str  # as written in the glossary (without a trailing qualifier in brackets)
    language: str  # "en" or a translation language
    terms: tuple[SearchTerm, ...]  # how search looks for it (db.search.name_terms)
    rank: int  # 0 English name, 1 name in a language, 2 English alias, 3 other names in a language
    scripts: frozenset[str]  # the scripts it is written in


@dataclass(frozen=True)
class Word:
    """One word of a query, as the search engine reads it."""

    text: str  # folded
    term: SearchTerm


@dataclass(frozen=True)
class Match:
    """A run of query words that is a glossary name, and the names it adds."""

    start: int  # index of its first word in Expansion.words
    end: int  # one past its last word
    term_ids: tuple[str, ...]
    names: tuple[Name, ...]  # what the search adds for these words (never the words themselves)


@dataclass(frozen=True)
class Expansion:
    words: tuple[Word, ...]
    matches: tuple[Match, ...]

    def __bool__(self) -> bool:
        return any(m.names for m in self.matches)

    @property
    def added(self) -> tuple[str, ...]:
        """The names added to the search, as written, in the order they were chosen."""
        seen: set[str] = set()
        out = []
        for match in self.matches:
            for name in match.names:
                if fold(name.label) not in seen:
                    seen.add(fold(name.label))
                    out.append(name.label)
        return tuple(out)

    def typed(self, match: Match) -> tuple[Word, ...]:
        return self.words[match.start : match.end]


def _bare(name: str) -> str:
    return _QUALIFIER.sub("", name).strip() or name


def query_words(text: str) -> list[tuple[str, Word]]:
    """(word as typed, word) for every word of ``text`` that has something to look for."""
    out = []
    for raw in clean(text).split():
        for folded in fold(raw).split():
            term = word_term(folded)
            if term is not None:
                out.append((raw, Word(folded, term)))
    return out


def _key(text: str, cache: dict[str, Key]) -> Key:
    """The terms of a name's words (what a query must contain, word for word, to name it)."""
    key = cache.get(text)
    if key is None:
        key = cache[text] = tuple(t for word in fold(text).split() if (t := word_term(word)) is not None)
    return key


def _is_short(terms: Sequence[SearchTerm]) -> bool:
    """One word of a spaced script and at most SHORT letters (``hội``, ``SSE``, ``сан``)."""
    return (len(terms) == 1 and len(terms[0].tokens) == 1 and len(terms[0].tokens[0]) <= SHORT
            and not is_unsegmented(terms[0].tokens[0]))


def _script(ch: str) -> str | None:
    """The script of a letter ("LATIN", "THAI", "CJK"...: kana and Han are one), None for digits and marks."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    script = unicodedata.name(ch, "").split(" ", 1)[0]
    return "CJK" if script in ("HIRAGANA", "KATAKANA", "CJK") else script


def scripts(terms: Iterable[SearchTerm]) -> frozenset[str]:
    """The scripts the letters of some search terms are written in."""
    return frozenset(s for t in terms for tok in t.tokens for ch in tok if (s := _script(ch)) is not None)


def _within(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def _implies(longer: Sequence[SearchTerm], shorter: Sequence[SearchTerm]) -> bool:
    """Every message matching ``longer`` matches ``shorter`` (a one-term name inside one of its terms)."""
    return len(shorter) == 1 and any(_within(shorter[0].tokens, t.tokens) for t in longer)


class Thesaurus:
    """Built once from the glossary's terms (the same ones GlossaryService answers /define from)."""

    def __init__(self, terms: Sequence[Term]):
        self._terms = tuple(terms)
        self._built = False

    def _build(self) -> None:
        """Index every name (~0.2 s for 90 terms in 14 languages): on the first search, not at start."""
        terms = self._terms
        self._built = True
        owners: dict[Key, list[tuple[bool, str]]] = {}  # key -> [(not an English name, term id)]
        keys: dict[str, Key] = {}

        def own(text: str, term_id: str, english: bool) -> None:
            key = _key(text, keys)
            if key and not any(t.prefix for t in key):
                entry = (not english, term_id)
                if entry not in owners.setdefault(key, []):
                    owners[key].append(entry)

        bare: dict[Key, set[tuple[bool, str]]] = {}
        for t in terms:
            for text in (t.term, t.id.replace("-", " "), *t.aliases, *t.search_aliases):
                own(text, t.id, True)
            for text, _lang in t.local_names():
                own(text, t.id, False)
            for text, english in ((t.term, True), *((text, False) for text, _lang in t.local_names())):
                if _bare(text) != text:
                    bare.setdefault(_key(_bare(text), keys), set()).add((not english, t.id))
        # "Herder cooperative" is a name of "Herder cooperative (Mongolia)", unless another term has
        # it ("Cooperative (Philippines)" leaves "cooperative" to Cooperative), as for /define.
        for key, entries in bare.items():
            if key and key not in owners and len({tid for _, tid in entries}) == 1:
                owners[key] = sorted(entries)
        # The term an English name belongs to first ("Koperasi" is Indonesia's form and the Malay word).
        self._owners = {key: tuple(dict.fromkeys(tid for _, tid in sorted(entries, key=lambda e: e[0])))
                        for key, entries in owners.items()}
        self._longest = max((len(k) for k in self._owners), default=0)
        self._starts = frozenset(k[0] for k in self._owners)  # a name's first word: where a run can begin
        self._names: dict[str, tuple[Name, ...]] = {t.id: self._names_of(t, keys) for t in terms}

    def _names_of(self, t: Term, keys: dict[str, Key]) -> tuple[Name, ...]:
        def label(text: str) -> str:
            # A bare name another term also has keeps its qualifier ("Cooperative (Philippines)").
            bare = _bare(text)
            return bare if set(self._owners.get(_key(bare, keys), (t.id,))) <= {t.id} else text

        found: list[tuple[int, str, str]] = [(0, label(t.term), "en")]
        entries = [(lang, t.translations[lang]) for lang in TRANSLATION_LANGUAGES if lang in t.translations]
        found += [(1, label(e.name), lang) for lang, e in entries if e.name]
        found += [(2, a, "en") for a in t.aliases]
        found += [(3, label(a), lang) for lang, e in entries for a in e.also]
        names: list[Name] = []
        seen: set[tuple[SearchTerm, ...]] = set()
        for rank, text, lang in found:
            terms = as_name(_key(text, keys))
            if not terms or terms in seen or any(x.prefix for x in terms) or _is_short(terms):
                continue
            seen.add(terms)
            names.append(Name(text, lang, terms, rank, scripts(terms)))
        # A name that contains another of the same term finds nothing more ("co-operative society").
        return tuple(n for n in names if not any(o is not n and _implies(n.terms, o.terms) for o in names))

    def names(self, term_id: str) -> tuple[Name, ...]:
        """Every name a term is searched by, most important first."""
        if not self._built:
            self._build()
        return self._names.get(term_id, ())

    def _runs(self, typed: list[tuple[str, Word]], words: tuple[Word, ...]) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, term ids) of each run of words that is a glossary name: longest first, left
        to right, without overlapping."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        i = 0
        while i < len(words):
            if words[i].term not in self._starts:
                i += 1
                continue
            for n in range(min(self._longest, len(words) - i), 0, -1):
                key = tuple(w.term for w in words[i : i + n])
                ids = self._owners.get(key)
                if ids and n == 1 and _is_short(key) and not (typed[i][0].isupper() and len(typed[i][0]) > 1):
                    ids = None  # "hội", "led": only an acronym typed in capitals expands
                if ids:
                    found.append((i, i + n, ids))
                    i += n
                    break
            else:
                i += 1
        return found

    def mentioned(self, text: str) -> tuple[str, ...]:
        """The ids of the glossary terms whose names ``text`` says as whole words, in any language
        (the matching of :meth:`expand`, without working out which names to add)."""
        if not self._built:
            self._build()
        typed = query_words(text)
        out: list[str] = []
        for _start, _end, ids in self._runs(typed, tuple(word for _typed, word in typed)):
            out.extend(i for i in ids if i not in out)
        return tuple(out)

    def expand(self, query: str, *, languages: Sequence[str] | None = None,
               limit: int = MAX_ADDED) -> Expansion:
        """The glossary names in ``query`` and what each adds (only names in ``languages``, when given).

        Runs of words are matched longest first, left to right, without overlapping."""
        if not self._built:
            self._build()
        typed = query_words(query)
        words = tuple(w for _, w in typed)
        found = self._runs(typed, words)
        if not found:
            return Expansion(words, ())
        per_match = max(MIN_PER_MATCH, limit // len(found))
        matches = []
        budget = limit
        for start, end, ids in found:
            typed_terms = tuple(w.term for w in words[start:end])
            # The query's other words stand in the message too (as typed, or by another name in the
            # same language): names in other scripts would rarely stand beside them, and looking
            # for them costs the most (two names of a query, each in 14 languages, crossed).
            others = scripts(w.term for i, w in enumerate(words) if not start <= i < end)
            allowed = (others | {"LATIN"}) if others else None
            candidates = [name for tid in ids for name in self.names(tid)
                          if (languages is None or name.language in languages)
                          and (allowed is None or name.scripts <= allowed)]
            candidates.sort(key=lambda name: name.rank)  # stable: the first owner's first at each rank
            joined = as_name(typed_terms)
            kept: list[Name] = []
            for name in candidates:
                if name.terms in (typed_terms, joined) or _implies(name.terms, typed_terms):
                    continue  # the words as typed, or a name that contains them ("cooperative society")
                if len(ids) > 1 and any(k.terms == name.terms or _implies(name.terms, k.terms) for k in kept):
                    continue  # another term's name found it already
                kept.append(name)
            if len(ids) > 1:  # one owner's names were pruned among themselves when built
                kept = [k for k in kept if not any(o is not k and _implies(k.terms, o.terms) for o in kept)]
            kept = kept[: min(per_match, budget)]
            budget -= len(kept)
            matches.append(Match(start, end, ids, tuple(kept)))
        return Expansion(words, tuple(matches))


def also_searched(names: Sequence[str], escape: Callable[[str], str] = lambda s: s,
                  budget: int = NOTE_BUDGET) -> str | None:
    """The line saying which names a search added ("Also searched: 協同組合, สหกรณ์, …"), the names
    (:attr:`Expansion.added`) made safe by ``escape`` and clipped to ``budget`` characters of
    whole names; None when nothing was added."""
    if not names:
        return None
    shown: list[str] = []
    used = 0
    for name in names:
        if shown and used + len(name) + 2 > budget:
            break
        shown.append(escape(name[:budget]))
        used += len(name) + 2
    listed = ", ".join(shown) + (", …" if len(shown) < len(names) else "")
    return _("Also searched: {names}").format(names=listed)


def provided(ctx: ServiceContext) -> Thesaurus | None:
    """The glossary's thesaurus for another capability's service (None when there is no glossary)."""
    try:
        found: Thesaurus = ctx.get(Thesaurus)
    except LookupError:
        return None
    return found
