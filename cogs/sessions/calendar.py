"""iCalendar (.ics) files for sessions and series, with the ``icalendar`` library.

UIDs are stable (``session-<id>@sse-bot``, ``series-<id>@sse-bot``) and SEQUENCE grows with
every change, so importing a newer file updates the event instead of duplicating it. A
series is one event with an RRULE; occurrences edited on their own are overrides
(RECURRENCE-ID) and cancelled ones are EXDATEs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
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


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def session_ics(info: TrainingSessionInfo, *, stamp: datetime | None = None) -> bytes:
    cal = _calendar(info.title)
    cal.add_component(_event(info, session_uid(info.id), stamp or utcnow()))
    cal.add_missing_timezones()
    return cal.to_ical()


def series_ics(infos: Sequence[TrainingSessionInfo], originals: dict[int, datetime], *, stamp: datetime | None = None) -> bytes:
    """One recurring event: the first occurrence's details, an RRULE, overrides and EXDATEs."""
    stamp = stamp or utcnow()
    first = infos[0]
    assert first.series_id is not None and first.frequency is not None
    tz = ZoneInfo(first.timezone)
    uid = series_uid(first.series_id)
    master_view = first
    master = _event(master_view, uid, stamp)
    master["sequence"] = max(v.sequence for v in infos)
    freq, interval = _RRULE_FREQ[first.frequency]
    master.add("rrule", vRecur(freq=freq, interval=interval, count=first.series_count))
    cal = _calendar(f"{first.title} ({FREQUENCIES[first.frequency]})")
    cal.add_component(master)
    base = (first.title, first.description, first.format, first.join_url, first.duration_minutes, first.timezone)
    for v in infos:
        original = originals[v.id]
        if v.cancelled:
            master.add("exdate", original.astimezone(tz))
            continue
        same = (v.title, v.description, v.format, v.join_url, v.duration_minutes, v.timezone) == base
        if v.occurrence == 0 or (same and v.start_utc == original and not v.recording_url and not v.slides_url):
            continue
        override = _event(v, uid, stamp)
        override.add("recurrence-id", original.astimezone(tz))
        cal.add_component(override)
    if first.cancelled:
        # the first occurrence is excluded above; keep the master's own fields but exclude it
        pass
    cal.add_missing_timezones()
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
