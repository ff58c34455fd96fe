"""What callers get back about capacity-building sessions, and how stored rows become it.

A capacity-building session is a ``TrainingSession`` in code (its table row) and a
``TrainingSessionInfo`` once read (a frozen value with its RSVP counts and series); ``session``
always means the database session. Never imports discord.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.errors import NotFound
from cogs.sessions.models import SessionRsvp, SessionWaitlist, TrainingSeries, TrainingSession
from cogs.sessions.parsing import FORMATS, FREQUENCIES, RSVP_STATUSES, parse_session_id

RsvpStatus = Literal["going", "interested", "declined"]
Scope = Literal["one", "series"]


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    interested: int = 0
    declined: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"going": self.going, "interested": self.interested, "declined": self.declined}


@dataclass(frozen=True)
class TrainingSessionInfo:
    id: int
    title: str
    description: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    format: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    join_url: str | None
    capacity: int | None
    status: str
    sequence: int
    created_by: int
    series_id: int | None = None
    occurrence: int = 0
    series_count: int = 0
    frequency: str | None = None
    cancel_reason: str | None = None
    channel_id: int | None = None
    message_id: int | None = None
    event_id: int | None = None
    recording_url: str | None = None
    slides_url: str | None = None
    rsvp: RsvpCounts = field(default_factory=RsvpCounts)
    waitlist: int = 0  # members waiting for a place

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def duration_minutes(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds() // 60)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.rsvp.going >= self.capacity

    @property
    def format_label(self) -> str:
        """The kind of session in English (the .ics file and the resource catalogue keep it so)."""
        return FORMATS.get(self.format, self.format.capitalize())

    @property
    def format_text(self) -> str:
        """The kind of session in the reader's language."""
        return _(self.format_label)

    @property
    def series_label(self) -> str | None:
        """"Part 2 of 4, every week", in the reader's language."""
        if self.series_id is None or self.frequency is None:
            return None
        return _("Part {number} of {count}, {frequency}").format(
            number=self.occurrence + 1, count=self.series_count,
            frequency=_(FREQUENCIES.get(self.frequency, self.frequency)))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "start_utc": self.start_utc.isoformat(), "end_utc": self.end_utc.isoformat(),
            "timezone": self.timezone, "format": self.format, "languages": list(self.languages),
            "countries": list(self.countries), "join_url": self.join_url, "capacity": self.capacity,
            "status": self.status, "series_id": self.series_id, "occurrence": self.occurrence,
            "recording_url": self.recording_url, "slides_url": self.slides_url, "rsvp": self.rsvp.as_dict(),
            "waitlist": self.waitlist,
        }


@dataclass(frozen=True)
class ChangeResult:
    training_sessions: tuple[TrainingSessionInfo, ...]
    notify_user_ids: tuple[int, ...]
    time_changed: bool = False
    changed_fields: tuple[str, ...] = ()
    deliveries: tuple[str, ...] = ()  # outbox keys of the refreshes and notices this change enqueued


@dataclass(frozen=True)
class RsvpResult:
    info: TrainingSessionInfo
    status: str
    changed: bool
    previous: str | None
    promoted: tuple[int, ...] = ()  # members moved up from the waitlist by this answer
    deliveries: tuple[str, ...] = ()  # outbox keys of their DMs


@dataclass(frozen=True)
class WaitlistResult:
    info: TrainingSessionInfo
    position: int | None  # 1-based; None once off the list
    changed: bool


@dataclass(frozen=True)
class LocalTime:
    country: str
    country_name: str
    zone: str
    local: datetime
    outside_working_hours: bool


@dataclass(frozen=True)
class Preview:
    """A start as the service read it, before anything is saved."""

    start_utc: datetime
    timezone: str
    exact: bool  # typed in an exact format (2026-12-03 14:00): nothing to confirm
    typed: str
    local_text: str  # the start in the session's zone, in an exact format (what a confirmation saves)
    outside_hours: tuple[LocalTime, ...] = ()


@dataclass(frozen=True)
class SessionPage:
    items: tuple[TrainingSessionInfo, ...]
    total: int
    page: int
    pages: int
    more: tuple[int, ...] = ()  # with series grouped: how many more occurrences follow each item


async def _rsvp_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, RsvpCounts]:
    if not ids:
        return {}
    rows = await session.execute(
        select(SessionRsvp.session_id, SessionRsvp.status, func.count())
        .where(SessionRsvp.session_id.in_(ids)).group_by(SessionRsvp.session_id, SessionRsvp.status)
    )
    raw: dict[int, dict[str, int]] = {}
    for sid, status, n in rows:
        raw.setdefault(sid, {})[status] = n
    return {sid: RsvpCounts(**{k: v for k, v in c.items() if k in RSVP_STATUSES}) for sid, c in raw.items()}


async def _waitlist_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await session.execute(select(SessionWaitlist.session_id, func.count())
                                 .where(SessionWaitlist.session_id.in_(ids)).group_by(SessionWaitlist.session_id))
    return {sid: int(n) for sid, n in rows}


async def load_infos(session: AsyncSession, rows: Sequence[TrainingSession]) -> list[TrainingSessionInfo]:
    counts = await _rsvp_counts(session, [r.id for r in rows])
    waiting = await _waitlist_counts(session, [r.id for r in rows])
    series_ids = {r.series_id for r in rows if r.series_id is not None}
    series: dict[int, TrainingSeries] = {}
    if series_ids:
        for s in (await session.scalars(select(TrainingSeries).where(TrainingSeries.id.in_(series_ids)))):
            series[s.id] = s
    out = []
    for r in rows:
        parent = series.get(r.series_id) if r.series_id is not None else None
        out.append(TrainingSessionInfo(
            id=r.id, title=r.title, description=r.description, start_utc=r.start_utc, end_utc=r.end_utc,
            timezone=r.timezone, format=r.format, languages=tuple(r.languages or ()),
            countries=tuple(r.countries or ()), join_url=r.join_url, capacity=r.capacity, status=r.status,
            sequence=r.sequence, created_by=r.created_by, series_id=r.series_id, occurrence=r.occurrence,
            series_count=parent.count if parent else 0, frequency=parent.frequency if parent else None,
            cancel_reason=r.cancel_reason, channel_id=r.channel_id, message_id=r.message_id,
            event_id=r.event_id, recording_url=r.recording_url, slides_url=r.slides_url,
            rsvp=counts.get(r.id, RsvpCounts()), waitlist=waiting.get(r.id, 0),
        ))
    return out


def no_session(session_id: int) -> str:
    return _("There is no session #{id}. Use /sessions to see the upcoming ones.").format(id=session_id)


async def load_row(session: AsyncSession, session_id: int | str) -> TrainingSession:
    sid = parse_session_id(session_id)
    row = await session.get(TrainingSession, sid)
    if row is None:
        raise NotFound(no_session(sid))
    return row

