"""iCalendar (.ics) files for sessions and series, with the ``icalendar`` library.

UIDs are stable (``session-<id>@sse-bot``, ``series-<id>@sse-bot``) and SEQUENCE grows with
every change, so importing a newer file updates the event instead of duplicating it. A
series is one event with an RRULE; occurrences edited on their own are overrides
(RECURRENCE-ID) and cancelled ones are EXDATEs. Checked in tests by three readers that are not
this library (Mozilla's ical.js, recurring-ical-events, vobject; tests/ical_check.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Event, Timezone, vRecur
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.models import TrainingSession
from cogs.sessions.parsing import FREQUENCIES
from cogs.sessions.reading import TrainingSessionService
from db.models import utcnow

UID_DOMAIN = "sse-bot"
PRODID = "-//SSE community of practice//SSE bot//EN"
_RRULE_FREQ = {"weekly": ("WEEKLY", 1), "biweekly": ("WEEKLY", 2), "monthly": ("MONTHLY", 1)}


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{UID_DOMAIN}"


def series_uid(series_id: int) -> str:
    return f"series-{series_id}@{UID_DOMAIN}"


def _description(v: TrainingSessionInfo) -> str:
    parts = [v.description] if v.description else []
    if v.join_url:
        parts.append(f"Join: {v.join_url}")
    if v.recording_url:
        parts.append(f"Recording: {v.recording_url}")
    if v.slides_url:
        parts.append(f"Slides: {v.slides_url}")
    return "\n\n".join(parts)


def _event(v: TrainingSessionInfo, uid: str, stamp: datetime) -> Event:
    tz = ZoneInfo(v.timezone)
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("sequence", v.sequence)
    ev.add("summary", f"{v.title} ({v.format_label})")
    ev.add("dtstart", v.start_utc.astimezone(tz))
    ev.add("dtend", v.end_utc.astimezone(tz))
    if desc := _description(v):
        ev.add("description", desc)
    if v.join_url:
        ev.add("location", v.join_url)
        ev.add("url", v.join_url)
    ev.add("status", "CANCELLED" if v.cancelled else "CONFIRMED")
    return ev


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11; its order of replacements)."""
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))


def _line(name: str, value: str) -> str:
    """A content line folded as icalendar folds it: at most 74 octets a line, never inside a UTF-8
    character, nor right after a backslash (which would split an escape across lines)."""
    line = f"{name}:{value}"
    if line.isascii():  # one octet a character: the same cuts, made by slicing
        pieces, at = [], 0
        while len(line) - at > 74:
            piece = line[at:at + 74]
            if piece[-1] in "\\^":
                piece = piece[:-1]
            pieces.append(piece)
            at += len(piece)
        pieces.append(line[at:])
        return "\r\n ".join(pieces) + "\r\n"
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= 75:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                out.append("".join(current))
                current, size = [carried], len(carried.encode("utf-8"))
            else:
                out.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def _event_bytes(v: TrainingSessionInfo, uid: str, stamp: datetime, *, recurrence_id: datetime | None = None,
                 rrule: tuple[str, int, int] | None = None, exdates: Sequence[datetime] = ()) -> bytes:
    """``_event(...).to_ical()`` for an event whose times are UTC, written directly (icalendar's
    escaping and folding, its order of properties: tests compare the two), about ten times faster."""
    assert v.timezone == "UTC", "an event in its own zone needs its VTIMEZONE: icalendar writes those"
    parts = ["BEGIN:VEVENT\r\n", _line("SUMMARY", _text(f"{v.title} ({v.format_label})")),
             _line("DTSTART", _utc(v.start_utc)), _line("DTEND", _utc(v.end_utc)), _line("DTSTAMP", _utc(stamp)),
             _line("UID", _text(uid))]
    if recurrence_id is not None:
        parts.append(_line("RECURRENCE-ID", _utc(recurrence_id)))
    parts.append(_line("SEQUENCE", str(int(v.sequence))))
    if rrule is not None:
        freq, interval, count = rrule
        parts.append(_line("RRULE", f"FREQ={freq};COUNT={count};INTERVAL={interval}"))
    parts += [_line("EXDATE", _utc(when)) for when in exdates]
    if desc := _description(v):
        parts.append(_line("DESCRIPTION", _text(desc)))
    if v.join_url:
        parts.append(_line("LOCATION", _text(v.join_url)))
    parts.append(_line("STATUS", "CANCELLED" if v.cancelled else "CONFIRMED"))
    if v.join_url:
        parts.append(_line("URL", v.join_url))
    parts.append("END:VEVENT\r\n")
    return "".join(parts).encode("utf-8")


def session_event_bytes(v: TrainingSessionInfo, *, stamp: datetime) -> bytes:
    """The VEVENT of a one-off session whose zone is UTC, as bytes: ``session_event(v).to_ical()``
    written directly. The calendar feeds write a thousand of these on a cold start."""
    return _event_bytes(v, session_uid(v.id), stamp)


def session_event(info: TrainingSessionInfo, *, stamp: datetime | None = None) -> Event:
    """The VEVENT of a one-off session (or of one occurrence, on its own)."""
    return _event(info, session_uid(info.id), stamp or utcnow())


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def timezone_component(zone: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of ``zone`` from ``first`` to ``last``, every transition on its own RDATE line:
    ical.js and vobject read only the first value of a multi-valued RDATE, so one long line put
    every session after the first daylight-saving change an hour off in those clients."""
    tz = Timezone.from_tzinfo(ZoneInfo(zone), zone, first, last)
    for rule in tz.subcomponents:
        dates = rule.pop("RDATE", None)
        for value in dates if isinstance(dates, list) else [dates] if dates is not None else []:
            for one in value.dts:
                rule.add("rdate", one.dt)
    return tz


def add_timezones(cal: Calendar) -> None:
    """A VTIMEZONE, ahead of the events, for every zone their dates name (the years they span,
    one either side, so a client can place each date and an alarm before it)."""
    used: dict[str, list[datetime]] = {}
    for ev in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            for prop in ev.get(name) if isinstance(ev.get(name), list) else [ev.get(name)]:
                for dt in [d.dt for d in prop.dts] if hasattr(prop, "dts") else [getattr(prop, "dt", None)]:
                    if isinstance(dt, datetime) and isinstance(dt.tzinfo, ZoneInfo) and dt.tzinfo.key != "UTC":
                        used.setdefault(dt.tzinfo.key, []).append(dt)
    present = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for zone in sorted(set(used) - present, reverse=True):
        first, last = min(used[zone]), max(used[zone])
        cal.subcomponents.insert(0, timezone_component(zone, date(first.year - 1, 1, 1), date(last.year + 2, 1, 1)))


def session_ics(info: TrainingSessionInfo, *, stamp: datetime | None = None) -> bytes:
    cal = _calendar(info.title)
    cal.add_component(session_event(info, stamp=stamp))
    add_timezones(cal)
    return cal.to_ical()


def _details(v: TrainingSessionInfo) -> tuple[object, ...]:
    """What a calendar shows of an occurrence besides its time (materials are per occurrence)."""
    return (v.title, v.description, v.format, v.join_url, v.duration_minutes)


def _step(frequency: str, k: int) -> timedelta | relativedelta:
    """``k`` steps of the series in wall time (weeks are fixed lengths: a timedelta, several times
    faster than relativedelta for the same naive dates)."""
    weeks = {"weekly": 1, "biweekly": 2}
    return timedelta(weeks=weeks[frequency] * k) if frequency in weeks else relativedelta(months=k)


@dataclass(frozen=True)
class SeriesPlan:
    """A series as calendar clients expand it (``series_events``): the recurring event's view, its
    RRULE (FREQ, INTERVAL, COUNT) and EXDATEs, and each override with its RECURRENCE-ID."""

    uid: str
    master: TrainingSessionInfo
    rrule: tuple[str, int, int]
    exdates: tuple[datetime, ...]
    overrides: tuple[tuple[TrainingSessionInfo, datetime], ...]


def series_plan(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime]) -> SeriesPlan:
    """A series as one recurring VEVENT (RRULE with COUNT) and its overrides, as calendar clients
    expand it. Occurrence ``i`` of the series is the RRULE's ``i``-th date (its RECURRENCE-ID):

    - the series event carries what most occurrences share (title, description, kind, join link,
      length), never one occurrence's status or materials;
    - an occurrence cancelled on its own is an EXDATE of its slot; a series cancelled whole keeps
      its dates with STATUS:CANCELLED;
    - an occurrence moved or changed on its own is an override for its slot only;
    - the pattern starts where most occurrences are: at the slots the series was planned with
      (``originals``), or, once the whole series has moved, at the new times, so no override
      points at a date the RRULE does not yield.
    """
    infos = sorted(infos, key=lambda v: v.occurrence)
    ref = infos[0]
    assert ref.series_id is not None and ref.frequency is not None
    frequency, zone = ref.frequency, ref.timezone
    tz = ZoneInfo(zone)
    count = max(ref.series_count, infos[-1].occurrence + 1)
    uid = series_uid(ref.series_id)
    everything_cancelled = all(v.cancelled for v in infos)
    shown = infos if everything_cancelled else [v for v in infos if not v.cancelled]

    def wall(when: datetime) -> datetime:
        return when.astimezone(tz).replace(tzinfo=None)

    def slot(anchor: datetime, i: int) -> datetime:
        return (anchor + _step(frequency, i)).replace(tzinfo=tz)

    # where the pattern starts: the planned first slot, or the one most occurrences now follow
    candidates = [wall(originals.get(ref.id, ref.start_utc)) - _step(frequency, ref.occurrence)]
    candidates += [wall(v.start_utc) - _step(frequency, v.occurrence) for v in shown]
    if frequency == "monthly":  # an RRULE skips months without the day; the bot never plans past the 28th
        candidates = [a for a in candidates if a.day <= 28] or candidates[:1]

    def fits(anchor: datetime) -> int:
        return sum(slot(anchor, v.occurrence) == v.start_utc for v in shown)

    anchor = max(candidates, key=fits)  # the first of the best: the planned slots when tied
    common = Counter(_details(v) for v in shown).most_common(1)[0][0]
    base_view = next(v for v in shown if _details(v) == common)
    sequence = max(v.sequence for v in infos)
    start = slot(anchor, 0).astimezone(UTC)
    master_view = replace(base_view, start_utc=start, end_utc=start + timedelta(minutes=base_view.duration_minutes),
                          timezone=zone, status="cancelled" if everything_cancelled else "scheduled",
                          sequence=sequence, recording_url=None, slides_url=None)
    freq, interval = _RRULE_FREQ[frequency]
    exdates: list[datetime] = []
    overrides: list[tuple[TrainingSessionInfo, datetime]] = []
    by_occurrence = {v.occurrence: v for v in infos}
    for i in range(count):
        v = by_occurrence.get(i)
        if v is None or (v.cancelled and not everything_cancelled):
            exdates.append(slot(anchor, i))
            continue
        if (v.start_utc == slot(anchor, i) and _details(v) == common and not v.recording_url
                and not v.slides_url):
            continue
        overrides.append((replace(v, sequence=sequence), slot(anchor, i)))
    return SeriesPlan(uid, master_view, (freq, interval, count), tuple(exdates), tuple(overrides))


def series_events(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime], *,
                  stamp: datetime | None = None) -> list[Event]:
    """A series as one recurring VEVENT (RRULE with COUNT) and its overrides (``series_plan``)."""
    stamp = stamp or utcnow()
    plan = series_plan(infos, originals)
    master = _event(plan.master, plan.uid, stamp)
    freq, interval, count = plan.rrule
    master.add("rrule", vRecur(freq=freq, interval=interval, count=count))
    for when in plan.exdates:
        master.add("exdate", when)
    events = [master]
    for view, recurrence_id in plan.overrides:
        override = _event(view, plan.uid, stamp)
        override.add("recurrence-id", recurrence_id)
        events.append(override)
    return events


def series_event_bytes(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime], *,
                       stamp: datetime) -> list[bytes]:
    """``series_events`` of a series whose zone is UTC, each event as bytes written directly (the
    same bytes as icalendar's ``to_ical()``; tests compare them)."""
    plan = series_plan(infos, originals)
    events = [_event_bytes(plan.master, plan.uid, stamp, rrule=plan.rrule, exdates=plan.exdates)]
    events += [_event_bytes(view, plan.uid, stamp, recurrence_id=when) for view, when in plan.overrides]
    return events


def series_ics(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime], *, stamp: datetime | None = None) -> bytes:
    """One recurring event with its overrides and EXDATEs (see ``series_events``)."""
    first = min(infos, key=lambda v: v.occurrence)
    assert first.frequency is not None
    cal = _calendar(f"{first.title} ({FREQUENCIES[first.frequency]})")
    for ev in series_events(infos, originals, stamp=stamp):
        cal.add_component(ev)
    add_timezones(cal)
    return cal.to_ical()


async def ics_for(service: TrainingSessionService, session: AsyncSession, session_id: int | str,
                  *, whole_series: bool = False) -> tuple[str, bytes]:
    """(file name, .ics bytes) for one session, or for the whole series it belongs to."""
    info = await service.get(session, session_id)
    if whole_series and info.series_id is not None:
        infos = await service.series(session, info.series_id)
        rows = {r.id: r.original_start_utc for r in [await session.get(TrainingSession, v.id) for v in infos] if r}
        return f"sse-series-{info.series_id}.ics", series_ics(infos, rows)
    return f"sse-session-{info.id}.ics", session_ics(info)
