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
from dataclasses import replace
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


def _step(frequency: str, k: int) -> relativedelta:
    weeks = {"weekly": 1, "biweekly": 2}
    return relativedelta(weeks=weeks[frequency] * k) if frequency in weeks else relativedelta(months=k)


def series_events(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime], *,
                  stamp: datetime | None = None) -> list[Event]:
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
    stamp = stamp or utcnow()
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
    master = _event(master_view, uid, stamp)
    freq, interval = _RRULE_FREQ[frequency]
    master.add("rrule", vRecur(freq=freq, interval=interval, count=count))
    events = [master]
    by_occurrence = {v.occurrence: v for v in infos}
    for i in range(count):
        v = by_occurrence.get(i)
        if v is None or (v.cancelled and not everything_cancelled):
            master.add("exdate", slot(anchor, i))
            continue
        if (v.start_utc == slot(anchor, i) and _details(v) == common and not v.recording_url
                and not v.slides_url):
            continue
        override = _event(replace(v, sequence=sequence), uid, stamp)
        override.add("recurrence-id", slot(anchor, i))
        events.append(override)
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
