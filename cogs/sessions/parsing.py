"""What facilitators type about capacity-building sessions (slash options, YAML, CLI), and its
validation into plain values. Pure: no database, never imports discord."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from bot.catalogues import N_, _, format_number
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, parse_country, parse_language
from bot.text import clean

# Labels in English (the .ics file and the resource catalogue use them as they are); shown to a
# member as _(label), in their language.
FORMATS: dict[str, str] = {
    "webinar": N_("Webinar"), "workshop": N_("Workshop"), "clinic": N_("Clinic"), "course": N_("Course session"),
    "meeting": N_("Community meeting"), "study-visit": N_("Study visit"), "talk": N_("Talk"),
}
FREQUENCIES: dict[str, str] = {"weekly": N_("every week"), "biweekly": N_("every two weeks"),
                               "monthly": N_("every month")}
RSVP_STATUSES: dict[str, str] = {"going": N_("Going"), "interested": N_("Interested"), "declined": N_("Can't go")}

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


# What a link is, as the errors about it name it (whole sentences per kind: translators need them).
_URL_ERRORS = {
    "join link": (N_("The join link is too long ({count} characters); please keep it under {limit}."),
                  N_("The join link must be a full https:// address, e.g. https://zoom.us/j/123.")),
    "recording link": (N_("The recording link is too long ({count} characters); please keep it under {limit}."),
                       N_("The recording link must be a full https:// address, e.g. https://zoom.us/j/123.")),
    "slides link": (N_("The slides link is too long ({count} characters); please keep it under {limit}."),
                    N_("The slides link must be a full https:// address, e.g. https://zoom.us/j/123.")),
}


def clean_url(value: str | None, what: str) -> str | None:
    """A member's https:// link; ``what`` is one of the kinds in ``_URL_ERRORS``."""
    text = clean(value)
    if not text:
        return None
    too_long, not_https = _URL_ERRORS[what]
    if len(text) > URL_MAX:
        raise InvalidInput(_(too_long).format(count=format_number(len(text)), limit=format_number(URL_MAX)))
    if not text.startswith("https://") or " " in text or "." not in text[8:]:
        raise InvalidInput(_(not_https))
    return text


def _parse_list(value: str | Sequence[str] | None, parse: Any, unknown: str, known: Iterable[str]) -> tuple[str, ...]:
    """Codes from a typed list; ``unknown`` is the (N_-marked) error for a name not understood."""
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
            raise InvalidInput(_(unknown).format(name=text[:40]), suggestions=list(known)[:12])
        if code not in out:
            out.append(code)
    return tuple(out)


def parse_languages(value: str | Sequence[str] | None) -> tuple[str, ...]:
    return _parse_list(value, parse_language, N_("I don't know the language “{name}”."),
                       (lang.english for lang in LANGUAGES.values()))


def parse_countries(value: str | Sequence[str] | None) -> tuple[str, ...]:
    return _parse_list(value, parse_country, N_("I don't know the country “{name}”."), directory().names())


def parse_format(value: str | None) -> str:
    text = clean(value).lower().replace(" ", "-") if value else "webinar"
    if text not in FORMATS:
        raise InvalidInput(_("Please choose a format from the list: {formats}.").format(formats=", ".join(FORMATS)))
    return text


def parse_duration(value: int | None) -> int:
    minutes = 60 if value is None else value
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise InvalidInput(_("The duration must be between {minimum} minutes and {maximum} hours.").format(
            minimum=MIN_DURATION, maximum=MAX_DURATION // 60))
    return minutes


def parse_capacity(value: int | None) -> int | None:
    if value is None or value == 0:
        return None
    if not 1 <= value <= 100_000:
        raise InvalidInput(_("The capacity must be a number of places between 1 and {maximum} (or 0 for no limit).")
                           .format(maximum=format_number(100_000)))
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
        raise InvalidInput(_("Please pick a session from the list (or give its number, e.g. 12)."))
    return int(text)


