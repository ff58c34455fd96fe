"""Resource catalogue: find country studies, briefs, resolutions... by topic, country, type, language."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton
from rapidfuzz import fuzz

from bot.catalogues import N_, _, babel_locale, language_name, pgettext
from bot.content import MONTHS, Resource, ResourceType, Topic
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, country_name, parse_language, require_country
from bot.text import closest, fold, optional_text, pick_option
from cogs.glossary.service import Choice, complete_options, topic_label
from cogs.glossary.thesaurus import Expansion, Thesaurus

PAGE_SIZE = 5
RESOURCE_TYPES: tuple[str, ...] = ResourceType.__args__  # type: ignore[attr-defined]
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]


# Resource types as members read them, in their language (the values stay the ids typed and stored).
TYPE_LABELS = {
    "resolution": N_("Resolution"), "recommendation": N_("Recommendation"), "law": N_("Law"),
    "country-study": N_("Country study"), "policy-brief": N_("Policy brief"), "report": N_("Report"),
    "workshop-output": N_("Workshop output"), "training-course": N_("Training course"), "video": N_("Video"),
    "guide": N_("Guide"), "website": N_("Website"), "book": N_("Book"), "recording": N_("Recording"),
    "slides": N_("Slides"),
}


def type_label(resource_type: str) -> str:
    """A resource type as shown, in the reader's language: "Country study", "Law"."""
    label = TYPE_LABELS.get(resource_type)
    return _(label) if label else resource_type.replace("-", " ").capitalize()


def status_label(resource: Resource) -> str:
    """A short label for a result, in the reader's language: "published", "validated draft, Sep 2020"
    (the month as the reader's locale abbreviates it), "descriptive title", "web page"."""
    if resource.status == "validated_draft" and resource.validated:
        month, _sep, year = resource.validated.rpartition(" ")
        if month in MONTHS:
            when = format_skeleton("yMMM", date(int(year), MONTHS.index(month) + 1, 1), locale=babel_locale())
        else:
            when = year
        # TRANSLATORS: {when} is the month and year (or the year) a draft study was validated
        return _("validated draft, {when}").format(when=when)
    labels = {"published": pgettext("resource status", "published"),
              "validated_draft": pgettext("resource status", "validated draft"),
              "descriptive_title": pgettext("resource status", "descriptive title"),
              "web_page": pgettext("resource status", "web page")}
    return labels.get(resource.status, resource.status.replace("_", " "))


@dataclass(frozen=True)
class ResourceFilters:
    query: str | None = None
    country: str | None = None  # ISO code
    topic: str | None = None
    type: str | None = None
    language: str | None = None

    def describe(self) -> str:
        """What the filters pick, in the reader's language: "“coop”, Thailand, topic finance"."""
        parts = []
        if self.query:
            parts.append(_("“{query}”").format(query=self.query))
        if self.country:
            parts.append(country_name(self.country))
        if self.topic:
            parts.append(_("topic {topic}").format(topic=topic_label(self.topic)))
        if self.type:
            parts.append(_("type {type}").format(type=type_label(self.type)))
        if self.language:
            parts.append(language_name(self.language))
        # TRANSLATORS: joins the filters of a list: "letter C, topic finance, Thailand"
        return pgettext("list of filters", ", ").join(parts) or _("all resources")


@dataclass(frozen=True)
class ResourceView:
    id: str
    title: str
    type: str
    status: str
    status_label: str  # e.g. "validated draft, Sept 2020"
    publisher: str
    year: int | None  # publication year; None for drafts and where it is not known
    validated: str | None
    series: str | None
    countries: tuple[str, ...]
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    url: str | None
    summary: str


@dataclass(frozen=True)
class ResourcePage:
    filters: ResourceFilters
    items: tuple[ResourceView, ...]
    page: int
    pages: int
    total: int
    hints: tuple[str, ...] = field(default=())
    added: tuple[str, ...] = ()  # glossary names searched besides the query's words (English ones)


def _view(r: Resource) -> ResourceView:
    return ResourceView(
        id=r.id, title=r.title, type=r.type, status=r.status, status_label=status_label(r), publisher=r.publisher,
        year=r.year, validated=r.validated, series=r.series,
        countries=tuple(r.countries), topics=tuple(r.topics), languages=tuple(r.languages),
        url=r.url, summary=r.summary,
    )


def _year(r: Resource) -> int:
    """Sort key: the publication year, else the year a draft was validated, else oldest."""
    if r.year is not None:
        return r.year
    return int(r.validated[-4:]) if r.validated else 0


class ResourceService:
    def __init__(self, resources: tuple[Resource, ...] | list[Resource], thesaurus: Thesaurus | None = None):
        self._thesaurus = thesaurus  # "สหกรณ์" also looks for the English names of Cooperative
        self._resources: list[Resource] = []
        self._text: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        for r in resources:
            self.add(r)

    def __len__(self) -> int:
        return len(self._resources)

    def get(self, resource_id: str) -> ResourceView | None:
        """One entry of the catalogue by its id (the web's page for it), or None."""
        found = next((r for r in self._resources if r.id == resource_id), None)
        return _view(found) if found is not None else None

    def ids(self) -> list[str]:
        return [r.id for r in self._resources]

    def add(self, resource: Resource) -> None:
        """Add (or replace) an entry at run time, e.g. session materials."""
        if resource.id in self._titles:
            self._resources = [r for r in self._resources if r.id != resource.id]
        self._resources.append(resource)
        # One folded text per entry, searched word by word (the type too, so "law" finds laws).
        self._text[resource.id] = fold(
            " ".join([resource.title, resource.publisher, resource.series or "", resource.summary, *resource.topics,
                      resource.type])
        )
        self._titles[resource.id] = fold(resource.title)

    # -- parsing filters typed by a member ------------------------------------------------
    def parse_filters(
        self, query: str | None = None, country: str | None = None, topic: str | None = None,
        type: str | None = None, language: str | None = None,
    ) -> ResourceFilters:
        query = optional_text(query, field=N_("query"), max_len=200)
        country_text = optional_text(country, field=N_("country"), max_len=100)
        topic_text = optional_text(topic, field=N_("topic"), max_len=100)
        type_text = optional_text(type, field=N_("type"), max_len=100)
        language_text = optional_text(language, field=N_("language"), max_len=100)

        country_code = require_country(country_text) if country_text else None
        topic_value = pick_option(topic_text, TOPICS, N_("topic"))
        type_value = pick_option(type_text, RESOURCE_TYPES, N_("type"))
        language_code = None
        if language_text:
            language_code = parse_language(language_text)
            if not language_code:
                names = [lang.english for lang in LANGUAGES.values()]
                raise InvalidInput(_("I don't know that language."), suggestions=closest(language_text, names))
        return ResourceFilters(query, country_code, topic_value, type_value, language_code)

    # -- searching ------------------------------------------------------------------------
    def search(self, filters: ResourceFilters, page: int = 1, page_size: int = PAGE_SIZE) -> ResourcePage:
        matches = [
            r for r in self._resources
            if (not filters.country or filters.country in r.countries)
            and (not filters.topic or filters.topic in r.topics)
            and (not filters.type or r.type == filters.type)
            and (not filters.language or filters.language in r.languages)
        ]
        hints: tuple[str, ...] = ()
        added: tuple[str, ...] = ()
        if filters.query:
            folded = fold(filters.query)  # once per search, not once per entry
            words = [w for w in folded.split() if w]
            scored = [(self._score(folded, words, r), r) for r in matches]
            direct = [r for score, r in sorted(scored, key=lambda x: (-x[0], -_year(x[1]))) if score > 0]
            # The catalogue is in English: a glossary name in any language also finds the resources
            # that say the term's English names, after every direct match.
            expansion = self._thesaurus.expand(filters.query, languages=("en",)) if self._thesaurus else None
            if expansion:
                found = {r.id for r in direct}
                names = [[fold(n.label) for n in match.names] for match in expansion.matches]
                widened = [(self._expanded_score(expansion, names, r), r) for r in matches if r.id not in found]
                direct += [r for score, r in sorted(widened, key=lambda x: (-x[0], -_year(x[1]))) if score > 0]
                added = expansion.added
            matches = direct
        else:
            matches.sort(key=lambda r: (-_year(r), r.title))
        if not matches:
            hints = (_("Try fewer filters, or a shorter query."),)
        pages = max(1, math.ceil(len(matches) / page_size))
        page = min(max(1, page), pages)
        chunk = matches[(page - 1) * page_size : page * page_size]
        return ResourcePage(filters, tuple(_view(r) for r in chunk), page, pages, len(matches), hints, added)

    def _expanded_score(self, expansion: Expansion, folded_names: list[list[str]], r: Resource) -> float:
        """Above 0 when every word of the query, or for a glossary name in it one of the term's names
        (``folded_names``, one list per match), is in the entry (more when a name is in the title)."""
        text, title = self._text[r.id], self._titles[r.id]
        in_title = False
        i = 0
        for match, names in zip(expansion.matches, folded_names, strict=True):
            if not all(w.text in text for w in expansion.words[i : match.start]):
                return 0
            typed = [w.text for w in expansion.typed(match)]
            if not (all(w in text for w in typed) or any(n in text for n in names)):
                return 0
            in_title = in_title or any(n in title for n in names)
            i = match.end
        if not all(w.text in text for w in expansion.words[i:]):
            return 0
        return 2.0 if in_title else 1.0

    def _score(self, folded: str, words: list[str], r: Resource) -> float:
        """``folded`` is the folded query, ``words`` its words."""
        text = self._text[r.id]
        hits = sum(1 for w in words if w in text)
        if hits == len(words):
            return 100 + hits + (10 if all(w in self._titles[r.id] for w in words) else 0)
        # Tolerate a typo: partial matches still count, below every full match.
        fuzzy = fuzz.partial_ratio(folded, self._titles[r.id])
        return fuzzy if fuzzy >= 80 else 0

    # -- autocomplete for the filter options ----------------------------------------------
    def complete_country(self, text: str | None) -> list[Choice]:
        return [Choice(c.name, c.value) for c in directory().complete(text)]

    def complete_topic(self, text: str | None) -> list[Choice]:
        """Topics named in the reader's language; what was typed matches that name or the topic's id."""
        return complete_options(text, [(topic_label(t), t) for t in TOPICS])

    def complete_type(self, text: str | None) -> list[Choice]:
        return complete_options(text, [(type_label(t), t) for t in RESOURCE_TYPES])

    def complete_language(self, text: str | None) -> list[Choice]:
        """Languages named in the reader's language with their own name ("Thai (ไทย)", "タイ語 (ไทย)");
        the English and native names match what was typed too."""
        shown = []
        for lang in LANGUAGES.values():
            name = language_name(lang.code)
            shown.append((f"{name} ({lang.native})" if fold(name) != fold(lang.native) else lang.native, lang.code))
        if not fold(text or ""):
            return complete_options(text, shown)
        english = [(f"{lang.english} ({lang.native})", lang.code) for lang in LANGUAGES.values()]
        return complete_options(text, shown + english)
