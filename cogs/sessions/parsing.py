"""What facilitators type about capacity-building sessions (slash options, YAML, CLI), and its
validation into plain values. Pure: no database, never imports discord."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, parse_country, parse_language
from bot.text import clean

FORMATS: dict[str, str] = {
    "webinar": "Webinar", "workshop": "Workshop", "clinic": "Clinic", "course": "Course session",
    "meeting": "Community meeting", "study-visit": "Study visit", "talk": "Talk",
}
FREQUENCIES: dict[str, str] = {"weekly": "every week", "biweekly": "every two weeks", "monthly": "every month"}
RSVP_STATUSES: dict[str, str] = {"going": "Going", "interested": "Interested", "declined": "Can't go"}

TITLE_MAX = 100  # Discord scheduled event name limit
DESCRIPTION_MAX = 1000  # Discord scheduled event description limit
URL_MAX = 500
MIN_DURATION, MAX_DURATION = 15, 12 * 60
MAX_OCCURRENCES = 52
MAX_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class SessionDraft:
    """What a facilitator typed (slash command options, YAML import, CLI): validated by the service."""

    title: str | None
    start: str | None
    timezone: str | None
    duration_minutes: int | None = 60
    description: str | None = None
    format: str | None = "webinar"
    languages: str | Sequence[str] | None = None
    countries: str | Sequence[str] | None = None
    join_url: str | None = None
    capacity: int | None = None
    repeat: str | None = None
    occurrences: int | None = None


@dataclass(frozen=True)
class SessionChanges:
    """Fields to change in /session edit; None means "leave as is"."""

    title: str | None = None
    description: str | None = None
    start: str | None = None
    timezone: str | None = None
    duration_minutes: int | None = None
    format: str | None = None
    languages: str | None = None
    countries: str | None = None
    join_url: str | None = None
    capacity: int | None = None

    def empty(self) -> bool:
        return all(v is None for v in vars(self).values())


def clean_url(value: str | None, what: str) -> str | None:
    text = clean(value)
    if not text:
        return None
    if len(text) > URL_MAX:
        raise InvalidInput(f"The {what} is too long ({len(text):,} characters); please keep it under {URL_MAX}.")
    if not text.startswith("https://") or " " in text or "." not in text[8:]:
        raise InvalidInput(f"The {what} must be a full https:// address, e.g. https://zoom.us/j/123.")
    return text


def _parse_list(value: str | Sequence[str] | None, parse: Any, what: str, known: Iterable[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = [p for p in (value.replace(";", ",").split(",") if isinstance(value, str) else value)]
    out: list[str] = []
    for part in parts:
        text = clean(part)
        if not text:
            continue
        code = parse(text)
        if code is None:
            raise InvalidInput(f"I don't know the {what} “{text[:40]}”.", suggestions=list(known)[:12])
        if code not in out:
            out.append(code)
    return tuple(out)


def parse_languages(value: str | Sequence[str] | None) -> tuple[str, ...]:
    return _parse_list(value, parse_language, "language", (lang.english for lang in LANGUAGES.values()))


def parse_countries(value: str | Sequence[str] | None) -> tuple[str, ...]:
    return _parse_list(value, parse_country, "country", directory().names())


def parse_format(value: str | None) -> str:
    text = clean(value).lower().replace(" ", "-") if value else "webinar"
    if text not in FORMATS:
        raise InvalidInput(f"Please choose a format from the list: {', '.join(FORMATS)}.")
    return text


def parse_duration(value: int | None) -> int:
    minutes = 60 if value is None else value
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise InvalidInput(f"The duration must be between {MIN_DURATION} minutes and {MAX_DURATION // 60} hours.")
    return minutes


def parse_capacity(value: int | None) -> int | None:
    if value is None or value == 0:
        return None
    if not 1 <= value <= 100_000:
        raise InvalidInput("The capacity must be a number of places between 1 and 100,000 (or 0 for no limit).")
    return value


def occurrence_starts(first_local: datetime, frequency: str, count: int) -> list[datetime]:
    """Wall-clock starts of a series in its own zone (a weekly 14:00 stays 14:00 locally)."""
    step = {"weekly": relativedelta(weeks=1), "biweekly": relativedelta(weeks=2), "monthly": relativedelta(months=1)}
    return [first_local + step[frequency] * i for i in range(count)]



def parse_session_id(value: int | str) -> int:
    if isinstance(value, int):
        return value
    text = clean(value).lstrip("#").split(" ", 1)[0]
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput("Please pick a session from the list (or give its number, e.g. 12).")
    return int(text)


