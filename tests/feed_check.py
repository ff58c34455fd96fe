"""Reading a calendar feed back with vobject, a parser independent of the ``icalendar`` library that
writes it: every occurrence a calendar app would show, a series expanded from its RRULE, EXDATEs and
RECURRENCE-ID overrides, and the strict line-level checks of tests/ical_check.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import vobject

from tests.ical_check import parse_strict


@dataclass(frozen=True)
class Occurrence:
    uid: str
    start_utc: datetime
    summary: str
    status: str  # CONFIRMED | CANCELLED
    description: str
    sequence: int
    url: str | None


def _value(event: Any, name: str, default: Any = None) -> Any:
    prop = getattr(event, name, None)
    return prop.value if prop is not None else default


def _utc(value: datetime) -> datetime:
    assert value.tzinfo is not None, "every start in the feed carries its time zone"
    return value.astimezone(UTC)


def _occurrence(event: Any, start: datetime) -> Occurrence:
    return Occurrence(
        uid=_value(event, "uid"), start_utc=_utc(start), summary=_value(event, "summary", ""),
        status=_value(event, "status", "CONFIRMED"), description=_value(event, "description", ""),
        sequence=int(_value(event, "sequence", 0)), url=_value(event, "url"))


def read_feed(data: bytes) -> tuple[Any, list[Occurrence]]:
    """(the vobject calendar, every occurrence it holds, soonest first)."""
    parse_strict(data)
    cal = vobject.readOne(data.decode("utf-8"))
    events = list(getattr(cal, "vevent_list", []))
    overrides: dict[tuple[str, datetime], Any] = {}
    for event in events:
        if hasattr(event, "recurrence_id"):
            overrides[(_value(event, "uid"), _utc(event.recurrence_id.value))] = event
    out: list[Occurrence] = []
    for event in events:
        if hasattr(event, "recurrence_id"):
            continue
        uid = _value(event, "uid")
        if hasattr(event, "rrule"):
            for start in event.getrruleset(addRDate=True):
                override = overrides.pop((uid, _utc(start)), None)
                out.append(_occurrence(override, override.dtstart.value) if override is not None
                           else _occurrence(event, start))
        else:
            out.append(_occurrence(event, event.dtstart.value))
    assert not overrides, f"overrides whose RECURRENCE-ID matches no occurrence: {list(overrides)}"
    return cal, sorted(out, key=lambda o: (o.start_utc, o.uid))


def shown(occurrences: list[Occurrence]) -> list[datetime]:
    """The starts a calendar app shows as happening (cancelled ones struck out or hidden)."""
    return [o.start_utc for o in occurrences if o.status != "CANCELLED"]
