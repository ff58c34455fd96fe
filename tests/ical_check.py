"""Checks of the bot's calendar files by readers independent of the ``icalendar`` library that
writes them. First a strict line-level RFC 5545 reader of our own: CRLF line endings, lines of at most 75
octets folded with a leading space, content lines of the form ``NAME *(;PARAM) : VALUE``, balanced
BEGIN/END, and the properties each component must have. Then (``assert_calendar_shows``) the
occurrences three client parsers expand from a file, compared with the bot's own sessions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_NAME = r"[A-Za-z0-9-]+"
_PARAM = rf";{_NAME}=(?:\"[^\"]*\"|[^;:,\"]*)(?:,(?:\"[^\"]*\"|[^;:,\"]*))*"
_LINE = re.compile(rf"^(?P<name>{_NAME})(?P<params>(?:{_PARAM})*):(?P<value>.*)$")
REQUIRED = {
    "VCALENDAR": {"PRODID", "VERSION"},
    "VEVENT": {"UID", "DTSTAMP", "DTSTART"},
    "VTIMEZONE": {"TZID"},
    "STANDARD": {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
    "DAYLIGHT": {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
}


@dataclass
class Component:
    name: str
    properties: list[tuple[str, str, str]] = field(default_factory=list)  # (name, params, value)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> list[str]:
        return [v for n, _, v in self.properties if n == name]

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name else []
        return found + [c for child in self.children for c in child.walk(name)]


def parse_strict(data: bytes) -> Component:
    """The calendar in ``data``, or AssertionError naming the first rule broken."""
    assert data.endswith(b"\r\n"), "the file must end with CRLF"
    raw_lines = data[:-2].split(b"\r\n")
    for i, line in enumerate(raw_lines):
        assert b"\n" not in line and b"\r" not in line, f"line {i + 1}: a bare CR or LF"
        assert len(line) <= 75, f"line {i + 1}: {len(line)} octets (more than 75)"
    unfolded: list[bytes] = []
    for i, line in enumerate(raw_lines):
        if line[:1] in (b" ", b"\t"):
            assert unfolded, f"line {i + 1}: a continuation with nothing to continue"
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    stack: list[Component] = []
    root: Component | None = None
    for text in (line.decode("utf-8") for line in unfolded):  # must be valid UTF-8 once unfolded
        match = _LINE.match(text)
        assert match, f"not a content line: {text[:80]!r}"
        name, params, value = match["name"].upper(), match["params"], match["value"]
        if name == "BEGIN":
            component = Component(value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                assert root is None, "more than one top-level component"
                root = component
            stack.append(component)
        elif name == "END":
            assert stack and stack[-1].name == value.upper(), f"END:{value} does not close {stack[-1].name if stack else 'anything'}"
            closed = stack.pop()
            missing = REQUIRED.get(closed.name, set()) - {n for n, _, _ in closed.properties}
            assert not missing, f"{closed.name} lacks {sorted(missing)}"
        else:
            assert stack, f"{name} outside any component"
            stack[-1].properties.append((name, params, value))
    assert root is not None and root.name == "VCALENDAR" and not stack, "one VCALENDAR, every BEGIN closed"
    assert root.get("VERSION") == ["2.0"]
    return root


# ---------------------------------------------------------------------------------------------
# Occurrences as calendar clients see them, read by three parsers independent of the writer:
# Mozilla's ical.js (Thunderbird; run with node from tests/ical_js), python recurring-ical-events
# (its own RRULE/EXDATE/RECURRENCE-ID expansion) and vobject (its own parser and VTIMEZONE code).

ICAL_JS = Path(__file__).parent / "ical_js"
WINDOW = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
_MATERIAL = re.compile(r"^(?:Recording|Slides): (\S+)$", re.M)


@dataclass(frozen=True, order=True)
class Occurrence:
    """One occurrence as a member's calendar shows it."""

    start: datetime  # UTC
    status: str  # CONFIRMED | CANCELLED
    summary: str
    join_url: str | None
    materials: tuple[str, ...] = ()  # recording/slides links in the description


def _occurrence(start: datetime, status: object, summary: object, url: object, location: object,
                description: object) -> Occurrence:
    text = str(description or "")
    join = str(url or location or "") or None
    return Occurrence(start.astimezone(UTC), str(status or "CONFIRMED").upper(), str(summary or ""), join,
                      tuple(sorted(_MATERIAL.findall(text))))


def ical_js_missing() -> str | None:
    """Why ical.js cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "node is not installed: the Mozilla ical.js check needs it (apt-get install nodejs npm)"
    if not (ICAL_JS / "node_modules" / "ical.js").is_dir():
        return "ical.js is not installed: run `npm ci --prefix tests/ical_js` (./dev test does)"
    return None


def occurrences_ical_js(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Occurrence]:
    done = subprocess.run(["node", str(ICAL_JS / "occurrences.mjs"), window[0].isoformat(), window[1].isoformat()],
                          input=data, capture_output=True, check=False, timeout=60)
    assert done.returncode == 0, f"ical.js could not read the file: {done.stderr.decode(errors='replace')}"
    return sorted(_occurrence(datetime.fromisoformat(o["start"].replace("Z", "+00:00")), o["status"], o["summary"],
                              o["url"], o["location"], o["description"]) for o in json.loads(done.stdout))


def occurrences_recurring_ical_events(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Occurrence]:
    import icalendar
    import recurring_ical_events

    events = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(*window)
    return sorted(_occurrence(e.decoded("DTSTART"), e.get("STATUS"), e.get("SUMMARY"), e.get("URL"),
                              e.get("LOCATION"), e.get("DESCRIPTION")) for e in events)


def occurrences_vobject(data: bytes, window: tuple[datetime, datetime] = WINDOW) -> list[Occurrence]:
    """vobject reads the file and its VTIMEZONEs; series are expanded with its rruleset (RRULE,
    RDATE, EXDATE) and each generated start is replaced by the override whose RECURRENCE-ID is it."""
    import vobject

    cal = vobject.readOne(data.decode("utf-8"))
    events = list(getattr(cal, "vevent_list", []))

    def field(ev: Any, name: str) -> object:
        return getattr(ev, name).value if hasattr(ev, name) else None

    def seen(ev: Any, start: datetime) -> Occurrence:
        return _occurrence(start, field(ev, "status"), field(ev, "summary"), field(ev, "url"),
                           field(ev, "location"), field(ev, "description"))

    overrides: dict[tuple[str, datetime], Any] = {}
    for ev in events:
        if hasattr(ev, "recurrence_id"):
            overrides[(ev.uid.value, ev.recurrence_id.value.astimezone(UTC))] = ev
    out: list[Occurrence] = []
    used: set[tuple[str, datetime]] = set()
    for ev in events:
        if hasattr(ev, "recurrence_id"):
            continue
        starts = list(ev.getrruleset(addRDate=True)) if hasattr(ev, "rrule") else [ev.dtstart.value]
        for start in starts:
            key = (ev.uid.value, start.astimezone(UTC))
            if key in overrides:
                used.add(key)
                chosen = overrides[key]
                out.append(seen(chosen, chosen.dtstart.value))
            else:
                out.append(seen(ev, start))
    return sorted(o for o in out if window[0] <= o.start < window[1])


READERS: dict[str, Callable[[bytes, tuple[datetime, datetime]], list[Occurrence]]] = {
    "ical.js": occurrences_ical_js,
    "recurring-ical-events": occurrences_recurring_ical_events,
    "vobject": occurrences_vobject,
}


def expected_occurrences(infos: Iterable[Any]) -> list[Occurrence]:
    """The bot's own list of sessions (TrainingSessionInfo values) as a calendar should show them:
    each session that is not cancelled at its start, with its title, kind, join link and materials."""
    return sorted(Occurrence(v.start_utc.astimezone(UTC), "CONFIRMED", f"{v.title} ({v.format_label})", v.join_url,
                             tuple(sorted(u for u in (v.recording_url, v.slides_url) if u)))
                  for v in infos if not v.cancelled)


def assert_calendar_shows(data: bytes, infos: Iterable[Any], window: tuple[datetime, datetime] = WINDOW) -> None:
    """Every independent reader shows exactly the bot's sessions: the same occurrences (start in
    UTC, summary, join link, materials), none of the cancelled ones (removed by EXDATE or shown
    STATUS:CANCELLED), and nothing else. ical.js is skipped only when node is not installed."""
    parse_strict(data)
    infos = list(infos)
    want = expected_occurrences(infos)
    problems = []
    no_node = shutil.which("node") is None
    for name, read in READERS.items():
        if name == "ical.js" and (why := ical_js_missing()):
            if no_node:
                continue  # the other readers still check the file; the test is skipped below
            raise AssertionError(why)
        shown = read(data, window)
        live = [o for o in shown if o.status != "CANCELLED"]
        if live != want:
            problems.append(f"{name} shows\n    " + "\n    ".join(map(repr, live)) + "\n  instead of\n    "
                            + "\n    ".join(map(repr, want)))
    assert not problems, "\n".join(problems)
    if no_node:
        import pytest

        pytest.skip(f"recurring-ical-events and vobject agree with the bot, but {ical_js_missing()}")
