"""Reading a date and time the way a person types it, in their language and time zone.

The exact formats of ``bot.timezones`` (``2026-12-03 14:00``, ``03.12.2026 14:00``...) are tried
first and keep their meaning; anything else goes to dateparser ("tomorrow 3pm", "20/12/2026 10am",
"พรุ่งนี้ 15:00", "next Monday 14:00"), read in the zone the time is meant in, preferring the
future. A numeric date that reads differently day-first and month-first ("03/04") is refused
with both readings, never guessed. Plain values only: never imports discord.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dateparser
from babel.lists import format_list

from bot.catalogues import _, babel_locale, format_when
from bot.errors import InvalidInput
from bot.text import clean, safe_echo
from bot.timezones import exact_local, local_label, localise

# Our language codes -> dateparser's (every one of the community's languages is available there).
# Kyrgyzstan writes Kyrgyz and Russian , so a Kyrgyz reader gets both.
_DATEPARSER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("en",), "th": ("th",), "vi": ("vi",), "km": ("km",), "lo": ("lo",), "mn": ("mn",), "ky": ("ky", "ru"),
    "ru": ("ru",), "id": ("id",), "ms": ("ms",), "fil": ("fil",), "zh": ("zh",), "ja": ("ja",), "ko": ("ko",)}
# A time-of-day written with digits: 14:00, 9.30, 10h, 3pm, 3 pm
_CLOCK = re.compile(r"\d{1,2}\s*[:.h]\s*\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|\b00\b", re.IGNORECASE)
# A marker put in the relative base's microseconds: a result that carries it took its time of day
# from "now", i.e. the text named a day but no time ("tomorrow").
_MARK = 123457
# Thai dates are often written in the Buddhist era (2569 = 2026). No Gregorian year that far ahead
# can be a session's (they are planned at most two years ahead), so such a year is always read as
# Buddhist; the read-back shows the Gregorian year, so the facilitator sees what was understood.
_BUDDHIST_YEAR = re.compile(r"(?<!\d)25[5-9]\d(?!\d)")
BUDDHIST_OFFSET = 543
# What a member may type, shown as typed (English is always understood, in every language).
EXAMPLES = ("2026-12-03 14:00", "tomorrow 15:00", "3 Dec 2026 10:00", "next Monday 9am")


@dataclass(frozen=True)
class StartTime:
    """A start as read: the aware UTC instant, whether it was typed in an exact format, and the text."""

    utc: datetime
    exact: bool
    typed: str


class AmbiguousDate(InvalidInput):
    """The typed date reads differently day-first and month-first; ``readings`` holds both (UTC)."""

    def __init__(self, message: str, readings: tuple[datetime, datetime]):
        super().__init__(message)
        self.readings = readings


def _unreadable(raw: str) -> InvalidInput:
    examples = format_list([f"**{e}**" for e in EXAMPLES], locale=babel_locale())
    return InvalidInput(_("I couldn't read “{typed}” as a date and time. Examples that work: {examples} "
                          "(in the session's time zone).").format(typed=safe_echo(raw, 60), examples=examples))


def read_start(text: str | None, zone: str, *, now: datetime, languages: Sequence[str] = ()) -> StartTime:
    """What a facilitator typed as a start in ``zone`` -> aware UTC, or a polite ``InvalidInput``.

    ``languages`` are the member's languages (our codes); English is always understood too.
    Past dates are the caller's to refuse (it knows what "past" means for an edit)."""
    raw = clean(text)
    if not raw:
        raise InvalidInput(_("Please give a start date and time, e.g. **2026-12-03 14:00** or **tomorrow 15:00**."))
    if len(raw) > 80:
        raise _unreadable(raw)
    typed, raw = raw, _BUDDHIST_YEAR.sub(lambda m: str(int(m[0]) - BUDDHIST_OFFSET), raw)
    exact = exact_local(raw)
    if exact is not None:
        return StartTime(localise(exact, zone), True, typed)
    langs = list(dict.fromkeys([d for c in languages for d in _DATEPARSER_LANGUAGES.get(c, ())] + ["en"]))
    base = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=_MARK)
    readings = []
    for order in ("DMY", "MDY"):
        settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "TIMEZONE": zone,
                    "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": order}
        try:
            found = dateparser.parse(raw, languages=langs, settings=settings)  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            found = None
        if found is None:
            raise _unreadable(typed)
        readings.append(found)
    day_first, month_first = readings
    if day_first.microsecond == _MARK or (day_first.hour == day_first.minute == 0 and not _CLOCK.search(raw)):
        raise InvalidInput(_("“{typed}” names a day but no time. Please add the time, e.g. **{example}**.").format(
            typed=safe_echo(typed, 60), example=f"{safe_echo(typed, 40)} 14:00"))
    if day_first.date() != month_first.date():
        a = localise(day_first.replace(second=0, microsecond=0), zone)
        b = localise(month_first.replace(second=0, microsecond=0), zone)
        raise AmbiguousDate(
            _("“{typed}” can be read two ways:\n• {day_first} (day/month)\n• {month_first} (month/day)\n"
              "Please type the one you mean with the month as a word or the year first, e.g. **{exact_day_first}** "
              "or **{exact_month_first}**.").format(
                typed=safe_echo(typed, 60), day_first=_reading(a, zone), month_first=_reading(b, zone),
                exact_day_first=_exact(a, zone), exact_month_first=_exact(b, zone)),
            (a, b))
    return StartTime(localise(day_first.replace(second=0, microsecond=0), zone), False, typed)


def _reading(when: datetime, zone: str) -> str:
    return local_label(when, zone)


def _exact(when: datetime, zone: str) -> str:
    """A start in the exact format anyone may type back (not a translated text)."""
    return when.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def confirmation(when: datetime, zone: str) -> str:
    """How a read start is said back, in the reader's locale: in the session's zone and in UTC."""
    return f"{local_label(when, zone)} = {format_when(when, 'UTC')} UTC"
