"""The programme countries as content: one ``content/countries/<code>.yaml`` per country, its
schema, and the one resolver every capability uses to read a country's name.

A file holds the names members type (any script), the programme phases the country took part
in, and its profile: a short summary, the dated legal and policy timeline and the institutions in
charge of the SSE, each entry with its sources. ``load_countries`` reports every problem with file
and line; ``python -m bot check`` prints them and the bot refuses to start on them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from rapidfuzz import fuzz

from bot.catalogues import N_
from bot.text import fold
from bot.yamlfile import Problem, YamlProblems, line_for, load_yaml, validate

# The twelve countries of the ILO programme "Strengthening SSE Policy in Asia". The list is part
# of the code (content refers to countries by these codes); their names are content.
CountryCode = Literal["KH", "CN", "ID", "JP", "KR", "KG", "LA", "MY", "MN", "PH", "TH", "VN"]
PROGRAMME_CODES: tuple[str, ...] = CountryCode.__args__  # type: ignore[attr-defined]
Phase = Literal["phase-1", "phase-2"]
# shown as _(label), in the reader's language
PHASE_LABELS = {"phase-1": N_("Phase 1 (2019–21)"), "phase-2": N_("Phase 2 (from 2021)")}
TimelineKind = Literal["law", "decree", "strategy", "policy", "programme", "other"]

# A timeline date may be ahead of today (a law adopted, in force next year) but not by more than
# this: further out it is a typo or a plan's end year, not the date it was adopted.
MAX_AHEAD = timedelta(days=366)
# A shown name becomes a forum tag in /ask, and Discord's tags are at most 20 characters.
MAX_NAME = 20

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_text(value: Any) -> Any:
    """YAML reads an unquoted 2023-04-18 as a date and 2023 as a number: take them as written."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def date_key(value: str) -> tuple[int, int, int]:
    """Sort key of a "YYYY", "YYYY-MM" or "YYYY-MM-DD" date; a year alone sorts before its months."""
    parts = [int(p) for p in value.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else 0)


def today() -> date:
    return datetime.now(UTC).date()


class TimelineEntry(_Strict):
    date: str
    kind: TimelineKind
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    note: Text | None = None  # what it does for the SSE, in our own words
    sources: list[Source] = Field(min_length=1)

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_written(cls, value: Any) -> Any:
        return _as_text(value)

    @field_validator("date")
    @classmethod
    def _well_formed(cls, value: str) -> str:
        parts = value.split("-")
        shapes_ok = (len(parts[0]) == 4 and all(len(p) == 2 for p in parts[1:]) and len(parts) <= 3
                     and all(p.isascii() and p.isdigit() for p in parts))
        if not shapes_ok:
            raise ValueError(f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source")
        year, month, day = date_key(value)
        try:
            start = date(year, month or 1, day or 1)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
        if start > today() + MAX_AHEAD:
            raise ValueError(f"{value!r} is more than a year from now; give the date it was adopted or announced")
        return value


class Institution(_Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    sources: list[Source] = Field(min_length=1)


class Country(_Strict):
    code: CountryCode
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
    # other names members type, in any script (autocomplete entries: at most 100 characters)
    names: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]] = Field(
        default_factory=list)
    programme: list[Phase] = Field(min_length=1)
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)] | None = None
    summary_sources: list[Source] = Field(default_factory=list)
    # Sorted by date when loaded (see load_countries), so the file may list them in any order.
    timeline: list[TimelineEntry] = Field(default_factory=list)
    institutions: list[Institution] = Field(default_factory=list)

    @field_validator("code", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class CountryFile(_Strict):
    country: Country


def name_key(text: str) -> str:
    """How a typed country name is compared: folded (case, width, Latin accents) and without
    spaces or punctuation, so "Viet Nam", "vietnam", "Việt Nam" and "lao p.d.r." find their country."""
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] not in "PZSC")


@dataclass(frozen=True)
class CountryChoice:
    """One autocomplete entry: what the member sees, and the country's shown name sent back."""

    name: str
    value: str


SUGGEST_SCORE = 70  # how alike (0-100) a typed name and a country's name must be to be suggested


def likeness(typed: str, name: str) -> float:
    """How alike two name keys are (0-100): their spelling, or a name found whole inside what was
    typed ("ประเทศลาว", "laospdr"). Short Latin names (codes, "lao") only count whole: inside a
    longer word they are there by chance ("la" in "atlantis"); two Thai or Chinese characters are a word."""
    if name in typed and (len(name) >= 4 or (len(name) >= 2 and not name.isascii())):
        return 90.0
    return fuzz.ratio(typed, name)


class CountryDirectory:
    """The programme countries and every name members type for them: the one resolver."""

    def __init__(self, countries: Iterable[Country]):
        self._by_code: dict[str, Country] = {c.code: c for c in countries}
        self._keys: dict[str, str] = {}  # name key -> code
        self._labels: list[tuple[str, str, str]] = []  # (key, name as written, code), for suggestions
        for c in self._by_code.values():
            for label in (c.name, c.code, *c.names):
                key = name_key(label)
                if key:
                    self._keys.setdefault(key, c.code)
                    self._labels.append((key, label, c.code))

    def __iter__(self) -> Iterator[Country]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def get(self, code: str) -> Country | None:
        return self._by_code.get(code)

    def parse(self, text: str | None) -> str | None:
        """The code of the country ``text`` names (a code, its name, any other name); None if none."""
        if not text:
            return None
        return self._keys.get(name_key(text))

    def name(self, code: str) -> str:
        country = self._by_code.get(code)
        return country.name if country else code

    def names(self) -> list[str]:
        return [c.name for c in self._by_code.values()]

    def spellings(self, code: str) -> tuple[str, ...]:
        """Every way the country is written in content: name, code and other names."""
        country = self._by_code.get(code)
        return (country.name, country.code, *country.names) if country else ()

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """The countries whose names (in any script) look most like ``text``, best first."""
        return [self.name(code) for code in self.suggest_codes(text, limit)]

    def suggest_codes(self, text: str, limit: int = 3) -> list[str]:
        key = name_key(text)[:100]
        if not key:
            return []
        if len(key) < 3:  # one or two letters look like everything: only names starting with them
            ranked = [(100.0, i) for i, (k, _, _) in enumerate(self._labels) if k.startswith(key)]
        else:
            ranked = sorted(((likeness(key, k), i) for i, (k, _, _) in enumerate(self._labels)), reverse=True)
        out: list[str] = []
        for score, index in ranked:
            code = self._labels[index][2]
            if score >= SUGGEST_SCORE and code not in out:
                out.append(code)
        return out[:limit]

    def complete(self, text: str | None, limit: int = 25) -> list[CountryChoice]:
        """Autocomplete: names starting with what was typed, then containing it, then alike."""
        key = name_key(text or "")[:100]
        if not key:
            return [CountryChoice(c.name, c.name) for c in self._by_code.values()][:limit]
        starts = [(label, code) for k, label, code in self._labels if k.startswith(key)]
        inside = [(label, code) for k, label, code in self._labels if key in k and not k.startswith(key)]
        found = starts + inside or [(self.name(code), code) for code in self.suggest_codes(text or "", 5)]
        out: dict[str, CountryChoice] = {}  # one entry per country, by its best-matching name
        for label, code in found:
            name = self.name(code)
            shown = name if name_key(label) == name_key(name) or label == code else f"{label} — {name}"
            out.setdefault(code, CountryChoice(shown[:100], name))
        return list(out.values())[:limit]


# --------------------------------------------------------------------------- loading
def _file_problems(file: Path, lines: dict[Any, int], country: Country) -> list[Problem]:
    """Checks across fields of one file (pydantic checks each field on its own)."""
    from bot.content import MAINTAINER_NOTE  # bot.content loads this module

    problems: list[Problem] = []

    def at(*path: str | int) -> int | None:
        return line_for(lines, ("country", *path))

    if file.stem != country.code.lower():
        problems.append(Problem(str(file), at("code"), "country.code",
                                f"the file of {country.code} must be named {country.code.lower()}.yaml"))
    own = {country.name.casefold(): "its name", country.code.casefold(): "its code"}
    for i, name in enumerate(country.names):
        if name.casefold() in own:
            problems.append(Problem(str(file), at("names", i), f"country.names[{i}]",
                                    f"{name!r} is already {own[name.casefold()]}; list only other names"))
        own.setdefault(name.casefold(), "listed earlier")
    if country.summary and not country.summary_sources:
        problems.append(Problem(str(file), at("summary"), "country.summary_sources",
                                "a summary needs summary_sources (where what it says comes from)"))
    texts = [(("summary",), country.summary)] + [
        (("timeline", i, "note"), e.note) for i, e in enumerate(country.timeline)]
    for path, text in texts:
        match = MAINTAINER_NOTE.search(text or "")
        if match:
            problems.append(Problem(str(file), at(*path), ".".join(["country", *map(str, path)]),
                                    f"contains a note for maintainers ({match.group(0)!r}); write it for members"))
    return problems


def load_countries(folder: Path, problems: list[Problem]) -> CountryDirectory:
    """Every ``<code>.yaml`` in ``folder``, validated; problems are appended, valid files kept.

    The timeline is sorted by date on load (a year alone before that year's months; entries on
    the same date keep the file's order), so writers may add entries anywhere."""
    loaded: list[tuple[Path, dict[Any, int], Country]] = []
    for file in sorted(folder.glob("*.yaml")):
        try:
            data, lines = load_yaml(file)
            country = validate(CountryFile, data, file, lines).country
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(_file_problems(file, lines, country))
        timeline = sorted(country.timeline, key=lambda e: date_key(e.date))
        loaded.append((file, lines, country.model_copy(update={"timeline": timeline})))
    # A name two countries share would resolve to one of them by chance: reported in both files.
    uses: dict[str, list[tuple[Country, Path, int | None, str]]] = {}
    for file, lines, country in loaded:
        for i, name in enumerate((country.name, country.code, *country.names)):
            path = ("country", "names", i - 2) if i >= 2 else ("country", "name" if i == 0 else "code")
            uses.setdefault(name_key(name), []).append((country, file, line_for(lines, path), name))
    for found_at in uses.values():
        for country, file, line, name in found_at:
            others = sorted({f"{c.code} ({f.name})" for c, f, _, _ in found_at if c.code != country.code})
            if others:
                problems.append(Problem(str(file), line, "country.names",
                                        f"{name!r} also names {', '.join(others)}; a name belongs to one country"))
    found = {c.code for _, _, c in loaded}
    for code in PROGRAMME_CODES:
        if code not in found and not (folder / f"{code.lower()}.yaml").exists():
            problems.append(Problem(str(folder), None, "", f"no file for {code}: add {code.lower()}.yaml"))
    order = {code: i for i, code in enumerate(PROGRAMME_CODES)}
    return CountryDirectory(sorted((c for _, _, c in loaded), key=lambda c: order[c.code]))


# --------------------------------------------------------------------------- the one resolver
SHIPPED = Path(__file__).resolve().parent.parent / "content" / "countries"
_active: list[CountryDirectory] = []


def directory() -> CountryDirectory:
    """The countries the running bot (or CLI) resolves names against.

    Names are read by small pure helpers in every capability (parsing what a facilitator typed,
    rendering a list of codes), which take no content; rather than pass the directory down each,
    the App installs the one it loaded (``install``). Before that (a script, a unit test), the
    shipped files are loaded once."""
    if not _active:
        problems: list[Problem] = []
        loaded = load_countries(SHIPPED, problems)
        if problems:
            raise YamlProblems(problems)
        _active.append(loaded)
    return _active[-1]


def install(countries: CountryDirectory) -> None:
    """Make ``countries`` the directory every capability resolves against (App.create calls it)."""
    _active[:] = [countries]

