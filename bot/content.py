"""Shipped content (glossary and its translations, resources, countries): schema and loading.

Everything is validated in one pass; ``python -m bot check`` prints every problem with
file and line, and the bot refuses to start on broken content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from bot.countries import CountryCode, CountryDirectory, load_countries
from bot.i18n import TRANSLATION_LANGUAGES
from bot.yamlfile import Problem, YamlProblems, line_for, load_yaml, validate

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Topics of resources (what a document is about), one list for /resources and /glossary.
Topic = Literal[
    "sse-policy", "legal-frameworks", "cooperatives", "social-enterprise", "informal-economy", "decent-work",
    "finance", "value-chains", "gender", "sdgs", "just-transition", "capacity-building", "statistics",
    "south-south", "agriculture", "rural-development", "care-economy", "fair-trade", "green-economy",
    "social-protection",
]
# Topics of glossary terms: every resource topic, with the same meaning (so /glossary browse topic:finance and
# /resources topic:finance agree), plus four that sort kinds of terms rather than documents: ideas and
# principles, kinds of organisation, how organisations are run, and community traditions of the region.
GlossaryTopic = Literal[Topic, "sse-concepts", "organisational-forms", "governance", "traditions"]
GLOSSARY_TOPICS: tuple[str, ...] = GlossaryTopic.__args__  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quotation(_Strict):
    """Exact words from an official text, shown as a quotation with its source."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    source: NonEmpty


# The fields of a term's translation that are texts a reviewer can approve one by one.
TranslatedField = Literal["name", "gloss", "short", "explanation"]
TRANSLATED_FIELDS: tuple[str, ...] = TranslatedField.__args__  # type: ignore[attr-defined]


class TermTranslation(_Strict):
    """A term in one language (content/glossary/translations/<lang>.yaml)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    # A short explanation in the language, shown in brackets after a name kept in English.
    gloss: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = None
    # Further names members of that language use for the same thing (found by /define and search).
    also: list[NonEmpty] = Field(default_factory=list)
    # Longer than the English limits: the same sentence takes more characters in many scripts.
    short: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)] | None = None
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1600)] | None = None
    status: Literal["draft", "reviewed"] = "draft"
    # Fields a facilitator approved one at a time (/glossary review) while the entry as a whole is still
    # a draft; when every field the entry has is reviewed, ``status`` says so instead.
    reviewed: list[TranslatedField] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reviewed_fields_exist(self) -> TermTranslation:
        missing = [f for f in self.reviewed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"reviewed lists {', '.join(missing)}, which this entry does not have")
        if len(set(self.reviewed)) != len(self.reviewed):
            raise ValueError("a field is listed twice under reviewed")
        return self

    def names(self) -> list[str]:
        return [n for n in (self.name, *self.also) if n]

    def is_reviewed(self, field: str) -> bool:
        """Whether a native speaker or a facilitator has reviewed this field (name, gloss, short, explanation)."""
        return self.status == "reviewed" or field in self.reviewed


class TermTranslationsFile(_Strict):
    language: str
    terms: dict[Identifier, TermTranslation]

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in TRANSLATION_LANGUAGES:
            raise ValueError(f"unknown language code {value!r}; use {', '.join(TRANSLATION_LANGUAGES)}")
        return value


class Term(_Strict):
    id: Identifier
    term: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    # short must fit an embed field (1,024) with room to spare; explanation a description.
    short: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]
    quote: Quotation | None = None
    aliases: list[NonEmpty] = Field(default_factory=list)
    # Misspellings and inflections that help lookup ("cooperatve", "credit unions"): found by
    # /define and autocomplete, never shown under "Also called".
    search_aliases: list[NonEmpty] = Field(default_factory=list)
    related: list[Identifier] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    # 1-3 of GLOSSARY_TOPICS, for browsing with /glossary browse topic:...
    topics: list[GlossaryTopic] = Field(min_length=1, max_length=3)
    core: bool = False
    sources: list[NonEmpty] = Field(min_length=1)
    # Filled by the loader from translations/<lang>.yaml (never written inline in a term).
    translations: dict[str, TermTranslation] = Field(default_factory=dict)

    @field_validator("topics")
    @classmethod
    def _topics_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a topic is listed twice")
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_inline_translations(cls, data: object) -> object:
        if isinstance(data, dict) and "translations" in data:
            raise ValueError("translations live in glossary/translations/<lang>.yaml, not in the term")
        return data

    def name_in(self, language: str) -> str | None:
        """The term's name in ``language`` (None for English or when it has none yet)."""
        entry = self.translations.get(language)
        return entry.name if entry else None

    def local_names(self) -> list[tuple[str, str]]:
        """Every (name, language) the term has outside English: names and their other forms."""
        return [(name, lang) for lang, entry in self.translations.items() for name in entry.names()]


ResourceType = Literal[
    "resolution", "recommendation", "law", "country-study", "policy-brief", "report", "workshop-output",
    "training-course", "video", "guide", "website", "book", "recording", "slides",
]


# How sure we are of what a resource is, shown next to every result:
# - published: a final publication (or adopted text); title is its exact title, year its publication year.
# - validated_draft: a study whose draft was validated (e.g. by a national advisory committee) but
#   whose final publication we cannot point to; ``validated`` says when, and no publication year is given.
# - descriptive_title: a real item whose exact title we do not know; the title describes it.
# - web_page: a web page or site (organisation, project page, news item).
ResourceStatus = Literal["published", "validated_draft", "descriptive_title", "web_page"]
RESOURCE_STATUSES: tuple[str, ...] = ResourceStatus.__args__  # type: ignore[attr-defined]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# "September 2020", or just "2024" when the month is not known.
ValidatedWhen = Annotated[str, StringConstraints(pattern=rf"^(({'|'.join(MONTHS)}) )?(19|20)\d\d$")]


class Resource(_Strict):
    id: Identifier
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    type: ResourceType
    status: ResourceStatus
    publisher: NonEmpty
    # Publication year (laws: adoption; organisations and sites: founding or launch). Required for
    # ``published``; left out when it is not known, and never given for a ``validated_draft``.
    year: int | None = Field(default=None, ge=1900, le=2100)
    # When a ``validated_draft`` was validated.
    validated: ValidatedWhen | None = None
    # The series or programme an item belongs to: how a reader finds it when there is no URL.
    series: NonEmpty | None = None
    countries: list[CountryCode] = Field(default_factory=list)
    topics: list[Topic] = Field(min_length=1)
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]] = Field(min_length=1)
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]

    @model_validator(mode="after")
    def _status_fits(self) -> Resource:
        if self.status == "published" and self.year is None:
            raise ValueError("a published resource needs its publication year")
        if self.status == "validated_draft":
            if self.validated is None:
                raise ValueError("a validated_draft needs 'validated' (e.g. September 2020)")
            if self.year is not None:
                raise ValueError("a validated_draft has no publication year; say when it was validated instead")
        elif self.validated is not None:
            raise ValueError("'validated' is only for status validated_draft")
        return self


# Text meant for maintainers, never for members (summaries are shown as they are).
MAINTAINER_NOTE = re.compile(
    r"could not confirm|cannot confirm|unconfirmed here|not confirmed|\bTODO\b|\bFIXME\b|\bTBC\b|\bXXX\b"
    r"|check with the|ask the ilo|before citing|before quoting|title wording|descriptive title"
    r"|exact (?:published )?(?:title|form) may differ|publication details",
    re.IGNORECASE,
)


def resource_problems(res: Resource) -> list[str]:
    """Checks across fields: every resource can be found, and no maintainer note reaches members."""
    problems = []
    if res.url is None:
        findable = (
            (res.status == "published" and res.year is not None)
            or res.status == "web_page"
            or res.series is not None
        )
        if not findable:
            problems.append(
                "no URL and no way to find it: give a url, or a series (for a draft or descriptive title)"
            )
    for text, where in ((res.summary, "summary"), (res.title, "title")):
        match = MAINTAINER_NOTE.search(text)
        if match:
            problems.append(f"{where} contains a note for maintainers ({match.group(0)!r}); write it for members")
    return problems


@dataclass(frozen=True)
class Content:
    terms: tuple[Term, ...]
    resources: tuple[Resource, ...]
    countries: CountryDirectory  # content/countries/*.yaml (bot/countries.py)


def _load_many(
    files: list[Path], model: type[Term] | type[Resource], key: str, problems: list[Problem]
) -> list[tuple[Path, int | None, BaseModel]]:
    """Validate each entry on its own, so one bad entry does not hide the problems of the rest."""
    items: list[tuple[Path, int | None, BaseModel]] = []
    for file in files:
        try:
            data, lines = load_yaml(file)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            problems.append(Problem(str(file), line_for(lines, ()), "", f"expected a top-level '{key}:' list"))
            continue
        extra = sorted(set(data) - {key})
        for name in extra:
            problems.append(Problem(str(file), line_for(lines, (name,)), name, "unknown key"))
        for i, entry in enumerate(data[key]):
            try:
                item = validate(model, entry, file, lines, prefix=(key, i))
            except YamlProblems as exc:
                problems.extend(exc.problems)
                continue
            items.append((file, line_for(lines, (key, i)), item))
    return items


def _name_key(text: str) -> str:
    """How two names are compared for sameness: folded, punctuation and spaces dropped."""
    from bot.text import fold

    return re.sub(r"[\W_]+", "", fold(text))


def _bare(name: str) -> str:
    """A term's name without its trailing qualifier: "Herder cooperative (Mongolia)" -> "Herder cooperative"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


# -ise words that are never written -ize, so "enterprize" is a misspelling, not US spelling.
_ISE_ONLY = {"enterprise", "exercise", "expertise", "franchise", "premise", "promise", "surprise", "advise", "revise",
             "supervise", "compromise", "merchandise", "devise", "comprise", "otherwise"}


def _ize_word(word: str) -> bool:
    """A word whose -ise/-ize (-isation/-ization...) spelling is a US/UK variant."""
    if re.search(r"i[sz](ation|ations|ing|ed|er|ers|es)$", word):
        return True
    return bool(re.search(r"i[sz]e$", word)) and re.sub("z(e)$", r"s\1", word) not in _ISE_ONLY


def _looks_misspelt(alias: str, name: str) -> bool:
    """One word of ``alias`` is one edit (or swap) away from the same word of ``name``.

    US/UK spellings (-ise/-ize) and plurals are variants, not misspellings; words under five
    letters (ILO/ILC, kye/gye) are too short to tell."""
    from rapidfuzz.distance import OSA

    from bot.text import fold

    a, b = fold(alias).replace("-", " ").split(), fold(name).replace("-", " ").split()
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if re.sub(r"\W+", "", x) != re.sub(r"\W+", "", y)]
    if len(differ) != 1:
        return False
    x, y = (re.sub(r"\W+", "", w) for w in differ[0])
    if min(len(x), len(y)) < 5 or OSA.distance(x, y) != 1:
        return False
    if len(x) == len(y) and {c for c, d in zip(x, y, strict=True) if c != d} <= {"s", "z"} and _ize_word(x):
        return False
    return not (x == y + "s" or y == x + "s")


def _term_name_problems(terms: list[tuple[Path, int | None, Term]]) -> list[Problem]:
    """Names members type: one alias on one term only, misspellings kept out of "Also called",
    and every name, alias and translation of a term finding that very term through /define."""
    from bot.text import clean
    from cogs.glossary.service import (  # the lookup members use; imports Term
        MAX_QUERY_LEN,
        GlossaryService,
        Miss,
    )

    problems: list[Problem] = []
    owners: dict[str, set[str]] = {}
    for _, _, t in terms:
        for name in (t.term, t.id.replace("-", " "), *t.aliases, *t.search_aliases):
            owners.setdefault(_name_key(name), set()).add(t.id)
    local_owners: dict[str, set[str]] = {}
    for _, _, t in terms:
        for text, _lang in t.local_names():
            local_owners.setdefault(_name_key(text), set()).add(t.id)
    for file, line, t in terms:
        where = f"terms id={t.id}"
        own_names = {_name_key(n) for n in (t.term, _bare(t.term), t.id.replace("-", " "))}
        listed: dict[str, str] = {}
        for field, alias in [*(("aliases", a) for a in t.aliases), *(("search_aliases", a) for a in t.search_aliases)]:
            if alias.casefold() in listed:
                problems.append(Problem(str(file), line, f"{where}: {field}", f"{alias!r} is listed twice"))
            listed[alias.casefold()] = alias
            key = _name_key(alias)
            others = sorted(owners.get(key, set()) - {t.id})
            if others:
                problems.append(Problem(str(file), line, f"{where}: {field}",
                                        f"{alias!r} is also a name or alias of {', '.join(others)}; keep it on one term"))
            translated = sorted(local_owners.get(key, set()) - {t.id} - set(others))
            if translated:
                problems.append(Problem(str(file), line, f"{where}: {field}",
                                        f"{alias!r} is also a translated name of {', '.join(translated)}; "
                                        "keep it as a translation only"))
        for alias in t.aliases:
            if _name_key(alias) in own_names:
                continue
            shown = [t.term, _bare(t.term), *(a for a in t.aliases if a != alias)]
            near = next((n for n in shown if _looks_misspelt(alias, n)), None)
            if near is not None:
                problems.append(Problem(str(file), line, f"{where}: aliases",
                                        f"{alias!r} looks like a misspelling of {near!r}; move it to search_aliases"))
    glossary = GlossaryService([t for _, _, t in terms])
    for file, line, t in terms:
        names = [("term", t.term), *(("aliases", a) for a in t.aliases), *(("search_aliases", a) for a in t.search_aliases),
                 *((f"translations.{lang}", text) for text, lang in t.local_names())]
        for field, name in names:
            if len(clean(name)) > MAX_QUERY_LEN:
                problems.append(Problem(str(file), line, f"terms id={t.id}: {field}",
                                        f"{name[:40]!r}… is too long to type into /define (over {MAX_QUERY_LEN} characters)"))
                continue
            found = glossary.resolve(name)
            got = None if isinstance(found, Miss) else found.id
            if got == t.id:
                continue
            # A local name two terms share (生活協同組合 is both the generic consumer co-op and Japan's
            # seikyō) can lead to either; English names and aliases must lead to their own term.
            if field.startswith("translations.") and got in local_owners.get(_name_key(name), set()) | owners.get(
                    _name_key(name), set()):
                continue
            problems.append(Problem(str(file), line, f"terms id={t.id}: {field}",
                                    f"/define {name!r} does not find this term (finds {got or 'nothing'})"))
    return problems


def _load_translations(folder: Path, term_ids: set[str],
                       problems: list[Problem]) -> dict[str, dict[str, TermTranslation]]:
    """translations/<lang>.yaml -> term id -> language -> that term in that language."""
    by_term: dict[str, dict[str, TermTranslation]] = {}
    for file in sorted(folder.glob("*.yaml")):
        try:
            data, lines = load_yaml(file)
            parsed = validate(TermTranslationsFile, data, file, lines)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        if file.stem != parsed.language:
            problems.append(Problem(str(file), line_for(lines, ("language",)), "language",
                                    f"{parsed.language!r} in a file named {file.name}; name it {parsed.language}.yaml"))
            continue
        for term_id, entry in parsed.terms.items():
            if term_id not in term_ids:
                problems.append(Problem(str(file), line_for(lines, ("terms", term_id)), f"terms.{term_id}",
                                        "unknown term id"))
                continue
            by_term.setdefault(term_id, {})[parsed.language] = entry
    return by_term


def translation_gaps(terms: tuple[Term, ...] | list[Term]) -> dict[str, dict[str, int]]:
    """Per language, how many terms lack a name, a short definition and (core terms) an explanation."""
    gaps: dict[str, dict[str, int]] = {}
    for language in TRANSLATION_LANGUAGES:
        entries = [(t, t.translations.get(language)) for t in terms]
        gaps[language] = {
            "names": sum(1 for _, e in entries if e is None or not e.name),
            "definitions": sum(1 for _, e in entries if e is None or not e.short),
            "explanations": sum(1 for t, e in entries if t.core and (e is None or not e.explanation)),
        }
    return gaps


def load_content(content_dir: Path) -> tuple[Content, list[Problem]]:
    """Load every content file; return what loaded plus every problem found."""
    problems: list[Problem] = []
    countries = load_countries(content_dir / "countries", problems)
    glossary_files = sorted((content_dir / "glossary").glob("*.yaml"))
    if not glossary_files:
        problems.append(Problem(str(content_dir / "glossary"), None, "", "no glossary files (*.yaml) found"))
    terms = _load_many(glossary_files, Term, "terms", problems)

    seen: dict[str, tuple[Path, int | None]] = {}
    for file, line, term in terms:
        assert isinstance(term, Term)
        if term.id in seen:
            first = seen[term.id]
            problems.append(
                Problem(str(file), line, f"terms id={term.id}", f"duplicate id (first defined at {first[0]}:{first[1]})")
            )
        else:
            seen[term.id] = (file, line)
    for file, line, term in terms:
        assert isinstance(term, Term)
        for ref in term.related:
            if ref not in seen:
                problems.append(Problem(str(file), line, f"terms id={term.id}: related", f"unknown term id {ref!r}"))
            elif ref == term.id:
                problems.append(Problem(str(file), line, f"terms id={term.id}: related", "a term cannot relate to itself"))
    translations = _load_translations(content_dir / "glossary" / "translations", set(seen), problems)
    merged = [(file, line, t.model_copy(update={"translations": translations.get(t.id, {})}))
              for file, line, t in terms if isinstance(t, Term)]
    problems.extend(_term_name_problems(merged))

    resource_file = content_dir / "resources.yaml"
    resources = _load_many([resource_file], Resource, "resources", problems) if resource_file.exists() else []
    resource_ids: set[str] = set()
    for file, line, res in resources:
        assert isinstance(res, Resource)
        if res.id in resource_ids:
            problems.append(Problem(str(file), line, f"resources id={res.id}", "duplicate id"))
        resource_ids.add(res.id)
        for message in resource_problems(res):
            problems.append(Problem(str(file), line, f"resources id={res.id}", message))

    content = Content(
        terms=tuple({t.id: t for _, _, t in reversed(merged)}.values())[::-1],
        resources=tuple(r for _, _, r in resources if isinstance(r, Resource)),
        countries=countries,
    )
    return content, problems
