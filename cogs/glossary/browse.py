"""Browsing the glossary: terms by letter, topic and country, a page at a time, and an overview."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bot.catalogues import DEFAULT as ENGLISH
from bot.catalogues import N_, _, format_number, pgettext
from bot.content import GLOSSARY_TOPICS, Term
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import country_name, require_country
from bot.text import fold, optional_text, pick_option
from cogs.glossary.service import Choice, Entry, complete_options, entry, topic_label

PAGE_SIZE = 10
# Names that start with a digit or with a letter outside A-Z (none today: every English name starts
# with a Latin letter, accents folded) are listed under this one "letter".
OTHER = "#"
LETTERS = (*(chr(c) for c in range(ord("A"), ord("Z") + 1)), OTHER)


def letter_of(name: str) -> str:
    """The index letter of an English name: A-Z (accents folded, "Économie" is E), else ``OTHER``."""
    first = fold(name)[:1]
    return first.upper() if "a" <= first <= "z" else OTHER


@dataclass(frozen=True)
class BrowseFilters:
    letter: str | None = None  # one of LETTERS
    topic: str | None = None  # one of GLOSSARY_TOPICS
    country: str | None = None  # ISO code

    @property
    def empty(self) -> bool:
        return not (self.letter or self.topic or self.country)

    def describe(self) -> str:
        """What the filters pick, in the reader's language: "letter C, topic finance, Thailand"."""
        parts = []
        if self.letter:
            parts.append(_("names not starting with A-Z") if self.letter == OTHER
                         else _("letter {letter}").format(letter=self.letter))
        if self.topic:
            parts.append(_("topic {topic}").format(topic=topic_label(self.topic)))
        if self.country:
            parts.append(country_name(self.country))
        # TRANSLATORS: joins the filters of a list: "letter C, topic finance, Thailand"
        return pgettext("list of filters", ", ").join(parts) or _("all terms")


@dataclass(frozen=True)
class BrowsePage:
    filters: BrowseFilters
    items: tuple[Entry, ...]
    page: int
    pages: int
    total: int
    language: str = ENGLISH
    # Over every page, so that what the first page says in small print holds for the others:
    untranslated: int = 0  # definitions shown in English, the language having none yet
    draft_translation: bool = False  # some names or definitions shown are draft translations


@dataclass(frozen=True)
class Overview:
    total: int
    letters: tuple[tuple[str, int], ...]  # (letter, terms), A-Z then OTHER, only letters in use
    topics: tuple[tuple[str, int], ...]  # (topic, terms), most terms first
    countries: tuple[tuple[str, int], ...]  # (country name, terms), most terms first


class GlossaryIndex:
    """The glossary as an index: the same terms as ``GlossaryService``, sorted by English name."""

    def __init__(self, terms: tuple[Term, ...] | list[Term]):
        self.replace_terms(terms)

    def replace_terms(self, terms: tuple[Term, ...] | list[Term]) -> None:
        """Index these terms (at start, and when reviewed text changes them: cogs/glossary_review)."""
        self._terms = sorted(terms, key=lambda t: fold(t.term))
        self._overview = self._count()

    def parse(self, letter: str | None = None, topic: str | None = None, country: str | None = None) -> BrowseFilters:
        """Filters from what a member typed; every problem is a polite error with what would work."""
        letter_text = optional_text(letter, field=N_("letter"), max_len=100)
        topic_text = optional_text(topic, field=N_("topic"), max_len=100)
        country_text = optional_text(country, field=N_("country"), max_len=100)
        letter_value = None
        if letter_text:
            letter_value = fold(letter_text).upper()  # "c", "Ｃ" and "Ç" are C
            if letter_value not in LETTERS:
                in_use = " ".join(letter for letter, _n in self._overview.letters)
                raise InvalidInput(_(
                    "Pick one letter from A to Z (of the English name), or {other} for names that start with "
                    "a digit or another script. Letters with terms: {letters}. To find a term in any "
                    "language, use /define."
                ).format(other=OTHER, letters=in_use))
        topic_value = pick_option(topic_text, GLOSSARY_TOPICS, N_("topic"))
        country_value = require_country(country_text) if country_text else None
        return BrowseFilters(letter_value, topic_value, country_value)

    def matching(self, filters: BrowseFilters) -> list[Term]:
        return [
            t for t in self._terms
            if (not filters.letter or letter_of(t.term) == filters.letter)
            and (not filters.topic or filters.topic in t.topics)
            and (not filters.country or filters.country in t.countries)
        ]

    def browse(self, filters: BrowseFilters, language: str = "en", page: int = 1,
               page_size: int = PAGE_SIZE) -> BrowsePage:
        found = self.matching(filters)
        pages = max(1, math.ceil(len(found) / page_size))
        page = min(max(1, page), pages)
        chunk = found[(page - 1) * page_size : page * page_size]
        items = tuple(entry(t, language) for t in chunk)
        untranslated, draft = 0, False
        if language != ENGLISH:
            local = [t.translations.get(language) for t in found]
            untranslated = sum(1 for e in local if e is None or not e.short)
            draft = any(e is not None and e.status == "draft" and bool(e.name or e.short or e.gloss) for e in local)
        return BrowsePage(filters, items, page, pages, len(found), language, untranslated, draft)

    def overview(self) -> Overview:
        return self._overview

    def _count(self) -> Overview:
        letters = Counter(letter_of(t.term) for t in self._terms)
        topics = Counter(topic for t in self._terms for topic in t.topics)
        countries = Counter(code for t in self._terms for code in t.countries)
        return Overview(
            total=len(self._terms),
            letters=tuple((letter, letters[letter]) for letter in LETTERS if letters[letter]),
            topics=tuple(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
            countries=tuple((country_name(code), n) for code, n in sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
        )

    # -- autocomplete: only values that list at least one term, with how many ----------------
    def complete_letter(self, text: str | None) -> list[Choice]:
        return complete_options(text, [(f"{letter} ({format_number(n)})", letter) for letter, n in self._overview.letters])

    def complete_topic(self, text: str | None) -> list[Choice]:
        """Topics named in the reader's language; what was typed matches that name or the topic's id."""
        return complete_options(text, [(f"{topic_label(t)} ({format_number(n)})", t) for t, n in self._overview.topics])

    def complete_country(self, text: str | None) -> list[Choice]:
        """Countries with terms, by any of their names (aliases in other scripts too)."""
        counts = dict(self._overview.countries)
        used = [c for c in directory() if c.name in counts]
        options = [(f"{c.name} ({format_number(counts[c.name])})", c.name) for c in used]
        aliases = [(f"{a} ({c.name})", c.name) for c in used for a in c.names if fold(a) != fold(c.name)]
        return complete_options(text, options + aliases)
