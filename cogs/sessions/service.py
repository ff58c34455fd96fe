"""Capacity-building sessions (webinars, workshops, clinics...): planning, series, RSVPs,
materials, attendance and feedback. Plain values in, frozen dataclasses out; never imports discord.

A capacity-building session is a ``TrainingSession`` in code: ``session`` is the database session.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.content import Resource
from bot.digest import DigestContext, DigestItem, DigestSection
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.i18n import COUNTRIES, LANGUAGES, country_name, parse_country, parse_language
from bot.permissions import Actor, is_facilitator, require_facilitator
from bot.text import clean, optional_text, require_text
from bot.timezones import COUNTRY_ZONES, local_label, localise, parse_local, parse_zone
from cogs.sessions.models import (
    SessionAttendance,
    SessionFeedback,
    SessionRsvp,
    TrainingSeries,
    TrainingSession,
)
from cogs.sessions.reminders import ReminderService
from db.models import utcnow
from db.upsert import insert_ignore, upsert

log = logging.getLogger(__name__)

FORMATS: dict[str, str] = {
    "webinar": "Webinar", "workshop": "Workshop", "clinic": "Clinic", "course": "Course session",
    "meeting": "Community meeting", "study-visit": "Study visit", "talk": "Talk",
}
FREQUENCIES: dict[str, str] = {"weekly": "every week", "biweekly": "every two weeks", "monthly": "every month"}
RSVP_STATUSES: dict[str, str] = {"going": "Going", "interested": "Interested", "declined": "Can't go"}
RsvpStatus = Literal["going", "interested", "declined"]
Scope = Literal["one", "series"]

TITLE_MAX = 100  # Discord scheduled event name limit
DESCRIPTION_MAX = 1000  # Discord scheduled event description limit
URL_MAX = 500
MIN_DURATION, MAX_DURATION = 15, 12 * 60
MAX_OCCURRENCES = 52
MAX_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class RsvpCounts:
    going: int = 0
    interested: int = 0
    declined: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"going": self.going, "interested": self.interested, "declined": self.declined}


@dataclass(frozen=True)
class SessionView:
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
        return FORMATS.get(self.format, self.format.capitalize())

    @property
    def series_label(self) -> str | None:
        if self.series_id is None or self.frequency is None:
            return None
        return f"Part {self.occurrence + 1} of {self.series_count}, {FREQUENCIES.get(self.frequency, self.frequency)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "start_utc": self.start_utc.isoformat(), "end_utc": self.end_utc.isoformat(),
            "timezone": self.timezone, "format": self.format, "languages": list(self.languages),
            "countries": list(self.countries), "join_url": self.join_url, "capacity": self.capacity,
            "status": self.status, "series_id": self.series_id, "occurrence": self.occurrence,
            "recording_url": self.recording_url, "slides_url": self.slides_url, "rsvp": self.rsvp.as_dict(),
        }


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


@dataclass(frozen=True)
class ChangeResult:
    sessions: tuple[SessionView, ...]
    notify_user_ids: tuple[int, ...]
    time_changed: bool = False
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class RsvpResult:
    view: SessionView
    status: str
    changed: bool
    previous: str | None


@dataclass(frozen=True)
class LocalTime:
    country: str
    country_name: str
    zone: str
    local: datetime
    outside_working_hours: bool


@dataclass(frozen=True)
class SessionPage:
    items: tuple[SessionView, ...]
    total: int
    page: int
    pages: int


def _clean_url(value: str | None, what: str) -> str | None:
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
    return _parse_list(value, parse_country, "country", (c.name for c in COUNTRIES.values()))


def _format(value: str | None) -> str:
    text = clean(value).lower().replace(" ", "-") if value else "webinar"
    if text not in FORMATS:
        raise InvalidInput(f"Please choose a format from the list: {', '.join(FORMATS)}.")
    return text


def _duration(value: int | None) -> int:
    minutes = 60 if value is None else value
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise InvalidInput(f"The duration must be between {MIN_DURATION} minutes and {MAX_DURATION // 60} hours.")
    return minutes


def _capacity(value: int | None) -> int | None:
    if value is None or value == 0:
        return None
    if not 1 <= value <= 100_000:
        raise InvalidInput("The capacity must be a number of places between 1 and 100,000 (or 0 for no limit).")
    return value


def occurrence_starts(first_local: datetime, frequency: str, count: int) -> list[datetime]:
    """Wall-clock starts of a series in its own zone (a weekly 14:00 stays 14:00 locally)."""
    step = {"weekly": relativedelta(weeks=1), "biweekly": relativedelta(weeks=2), "monthly": relativedelta(months=1)}
    return [first_local + step[frequency] * i for i in range(count)]


class TrainingSessionService:
    def __init__(self, config: Config, reminders: ReminderService):
        self.config = config
        self.reminders = reminders

    # ---- reading ---------------------------------------------------------------------
    async def _counts(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, RsvpCounts]:
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

    async def _views(self, session: AsyncSession, rows: Sequence[TrainingSession]) -> list[SessionView]:
        counts = await self._counts(session, [r.id for r in rows])
        series_ids = {r.series_id for r in rows if r.series_id is not None}
        series: dict[int, TrainingSeries] = {}
        if series_ids:
            for s in (await session.scalars(select(TrainingSeries).where(TrainingSeries.id.in_(series_ids)))):
                series[s.id] = s
        out = []
        for r in rows:
            parent = series.get(r.series_id) if r.series_id is not None else None
            out.append(SessionView(
                id=r.id, title=r.title, description=r.description, start_utc=r.start_utc, end_utc=r.end_utc,
                timezone=r.timezone, format=r.format, languages=tuple(r.languages or ()),
                countries=tuple(r.countries or ()), join_url=r.join_url, capacity=r.capacity, status=r.status,
                sequence=r.sequence, created_by=r.created_by, series_id=r.series_id, occurrence=r.occurrence,
                series_count=parent.count if parent else 0, frequency=parent.frequency if parent else None,
                cancel_reason=r.cancel_reason, channel_id=r.channel_id, message_id=r.message_id,
                event_id=r.event_id, recording_url=r.recording_url, slides_url=r.slides_url,
                rsvp=counts.get(r.id, RsvpCounts()),
            ))
        return out

    async def _row(self, session: AsyncSession, session_id: int | str) -> TrainingSession:
        sid = parse_session_id(session_id)
        row = await session.get(TrainingSession, sid)
        if row is None:
            raise NotFound(f"There is no session #{sid}. Use /sessions to see the upcoming ones.")
        return row

    async def get(self, session: AsyncSession, session_id: int | str) -> SessionView:
        return (await self._views(session, [await self._row(session, session_id)]))[0]

    async def get_many(self, session: AsyncSession, session_ids: Iterable[int]) -> dict[int, SessionView]:
        ids = sorted(set(session_ids))
        if not ids:
            return {}
        rows = (await session.scalars(select(TrainingSession).where(TrainingSession.id.in_(ids)))).all()
        return {v.id: v for v in await self._views(session, rows)}

    async def series_views(self, session: AsyncSession, series_id: int) -> list[SessionView]:
        rows = (await session.scalars(
            select(TrainingSession).where(TrainingSession.series_id == series_id).order_by(TrainingSession.occurrence)
        )).all()
        return await self._views(session, rows)

    async def upcoming(
        self, session: AsyncSession, *, now: datetime | None = None, country: str | None = None,
        language: str | None = None, page: int = 1, page_size: int = 10, include_cancelled: bool = False,
    ) -> SessionPage:
        now = now or utcnow()
        country_code = parse_countries(country)[0] if optional_text(country, field="country", max_len=60) else None
        language_code = parse_languages(language)[0] if optional_text(language, field="language", max_len=60) else None
        conditions = [TrainingSession.end_utc > now]
        if not include_cancelled:
            conditions.append(TrainingSession.status == "scheduled")
        # The JSON lists are matched as their text ('["TH", "VN"]'): the same SQL on SQLite and
        # PostgreSQL, and codes are fixed-format, so '"TH"' cannot match inside another value.
        if country_code:
            countries = cast(TrainingSession.countries, String)
            conditions.append(or_(countries == "[]", countries.like(f'%"{country_code}"%')))
        if language_code:
            conditions.append(cast(TrainingSession.languages, String).like(f'%"{language_code}"%'))
        total = await session.scalar(select(func.count()).select_from(TrainingSession).where(*conditions)) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        rows = (await session.scalars(select(TrainingSession).where(*conditions)
                                      .order_by(TrainingSession.start_utc, TrainingSession.id)
                                      .offset((page - 1) * page_size).limit(page_size))).all()
        return SessionPage(tuple(await self._views(session, rows)), total, page, pages)

    async def complete(self, session: AsyncSession, current: str, *, now: datetime | None = None,
                       include_past: bool = False) -> list[tuple[str, str]]:
        """(label, id) pairs for autocomplete of a session option."""
        now = now or utcnow()
        text = clean(current).lstrip("#").casefold()
        query = select(TrainingSession.id, TrainingSession.title, TrainingSession.start_utc, TrainingSession.status)
        if include_past:
            query = query.where(TrainingSession.start_utc > now - timedelta(days=60)).order_by(TrainingSession.start_utc.desc())
        else:
            query = query.where(TrainingSession.end_utc > now).order_by(TrainingSession.start_utc)
        out = []
        for sid, title, start, status in (await session.execute(query.limit(500))).all():
            if text and text not in title.casefold() and text != str(sid):
                continue
            mark = " (cancelled)" if status == "cancelled" else ""
            out.append((f"#{sid} {start:%d %b %H:%M} UTC · {title}{mark}"[:100], str(sid)))
            if len(out) == 25:
                break
        return out

    # ---- planning --------------------------------------------------------------------
    def validate(self, draft: SessionDraft, now: datetime) -> dict[str, Any]:
        title = require_text(draft.title, field="title", max_len=TITLE_MAX)
        description = optional_text(draft.description, field="description", max_len=DESCRIPTION_MAX) or ""
        zone = parse_zone(draft.timezone or self.config.timezone)
        start = parse_local(draft.start, zone)
        if start <= now:
            raise InvalidInput(f"That start ({local_label(start, zone)}) is in the past. Please choose a future time.")
        if start - now > MAX_AHEAD:
            raise InvalidInput("Sessions can be planned up to two years ahead.")
        duration = _duration(draft.duration_minutes)
        repeat = clean(draft.repeat).lower() if draft.repeat else None
        if repeat in ("", "none", "once"):
            repeat = None
        if repeat is not None and repeat not in FREQUENCIES:
            raise InvalidInput(f"Repeat must be one of: {', '.join(FREQUENCIES)}.")
        count = draft.occurrences or (1 if repeat is None else 4)
        if repeat is None and count != 1:
            raise InvalidInput("To plan several occurrences, choose how often the session repeats.")
        if not 1 <= count <= MAX_OCCURRENCES:
            raise InvalidInput(f"A series can have 2 to {MAX_OCCURRENCES} occurrences.")
        if repeat is not None and count < 2:
            raise InvalidInput(f"A series can have 2 to {MAX_OCCURRENCES} occurrences.")
        local_start = start.astimezone(ZoneInfo(zone))
        if repeat == "monthly" and local_start.day > 28:
            raise InvalidInput("Monthly series must start on day 1–28 of a month (not every month has a 29th–31st).")
        return {
            "title": title, "description": description, "timezone": zone, "start": start,
            "duration": duration, "format": _format(draft.format),
            "languages": list(parse_languages(draft.languages)), "countries": list(parse_countries(draft.countries)),
            "join_url": _clean_url(draft.join_url, "join link"), "capacity": _capacity(draft.capacity),
            "repeat": repeat, "count": count,
        }

    async def create(
        self, session: AsyncSession, actor: Actor, draft: SessionDraft, *, now: datetime | None = None
    ) -> list[SessionView]:
        require_facilitator(actor, self.config, "plan sessions")
        now = now or utcnow()
        spec = self.validate(draft, now)
        zone = ZoneInfo(spec["timezone"])
        series: TrainingSeries | None = None
        starts = [spec["start"]]
        if spec["repeat"]:
            local_starts = occurrence_starts(spec["start"].astimezone(zone).replace(tzinfo=None), spec["repeat"],
                                             spec["count"])
            starts = [localise(s, spec["timezone"]) for s in local_starts]
            series = TrainingSeries(frequency=spec["repeat"], count=spec["count"], timezone=spec["timezone"],
                                    first_start_utc=spec["start"], created_by=actor.user_id)
            session.add(series)
            await session.flush()
        rows = []
        for i, start in enumerate(starts):
            row = TrainingSession(
                series_id=series.id if series else None, occurrence=i, title=spec["title"],
                description=spec["description"], start_utc=start, end_utc=start + timedelta(minutes=spec["duration"]),
                original_start_utc=start, timezone=spec["timezone"], format=spec["format"],
                languages=spec["languages"], countries=spec["countries"], join_url=spec["join_url"],
                capacity=spec["capacity"], status="scheduled", sequence=0, time_revision=0,
                created_by=actor.user_id,
            )
            session.add(row)
            rows.append(row)
        await session.flush()
        for row in rows:
            await self.reminders.plan(session, row, now=now)
        log.info("session(s) %s planned by %s", [r.id for r in rows], actor.user_id)
        return await self._views(session, rows)

    async def _scope_rows(self, session: AsyncSession, row: TrainingSession, scope: Scope,
                          now: datetime) -> list[TrainingSession]:
        if scope == "series":
            if row.series_id is None:
                raise InvalidInput(f"Session #{row.id} is not part of a series; leave the scope as “this session”.")
            return list((await session.scalars(
                select(TrainingSession).where(
                    TrainingSession.series_id == row.series_id, TrainingSession.occurrence >= row.occurrence,
                    TrainingSession.status == "scheduled",
                ).order_by(TrainingSession.occurrence)
            )).all())
        return [row]

    async def rsvp_user_ids(self, session: AsyncSession, session_ids: Sequence[int],
                            statuses: Sequence[str] = ("going", "interested")) -> list[int]:
        if not session_ids:
            return []
        rows = await session.scalars(
            select(SessionRsvp.user_id).where(SessionRsvp.session_id.in_(session_ids), SessionRsvp.status.in_(statuses))
            .distinct()
        )
        return sorted(rows.all())

    async def edit(
        self, session: AsyncSession, actor: Actor, session_id: int | str, changes: SessionChanges,
        *, scope: Scope = "one", now: datetime | None = None,
    ) -> ChangeResult:
        require_facilitator(actor, self.config, "edit sessions")
        now = now or utcnow()
        if changes.empty():
            raise InvalidInput("Nothing to change: give at least one new value.")
        row = await self._row(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(f"Session #{row.id} was cancelled; plan a new one instead.")
        if row.end_utc <= now:
            raise InvalidInput(f"Session #{row.id} is already over; it can't be edited (add its materials instead).")
        values: dict[str, Any] = {}
        if changes.title is not None:
            values["title"] = require_text(changes.title, field="title", max_len=TITLE_MAX)
        if changes.description is not None:
            values["description"] = optional_text(changes.description, field="description", max_len=DESCRIPTION_MAX) or ""
        if changes.format is not None:
            values["format"] = _format(changes.format)
        if changes.languages is not None:
            values["languages"] = list(parse_languages(changes.languages))
        if changes.countries is not None:
            values["countries"] = list(parse_countries(changes.countries))
        if changes.join_url is not None:
            values["join_url"] = _clean_url(changes.join_url, "join link")
        if changes.capacity is not None:
            values["capacity"] = _capacity(changes.capacity)
        zone = parse_zone(changes.timezone) if changes.timezone is not None else row.timezone
        new_start = row.start_utc
        if changes.start is not None:
            new_start = parse_local(changes.start, zone)
        elif changes.timezone is not None:
            # same wall-clock time, read in the new zone
            local = row.start_utc.astimezone(ZoneInfo(row.timezone)).replace(tzinfo=None)
            new_start = localise(local, zone)
        if new_start != row.start_utc and new_start <= now:
            raise InvalidInput(f"That start ({local_label(new_start, zone)}) is in the past. Please choose a future time.")
        duration = _duration(changes.duration_minutes) if changes.duration_minutes is not None else None
        shift = new_start - row.start_utc
        rows = await self._scope_rows(session, row, scope, now)
        changed_fields = sorted(values) + (["start"] if shift else []) + (["duration"] if duration else []) + (
            ["timezone"] if zone != row.timezone else [])
        for r in rows:
            for key, value in values.items():
                setattr(r, key, value)
            r.timezone = zone
            length = timedelta(minutes=duration) if duration else r.end_utc - r.start_utc
            if shift:
                r.start_utc = r.start_utc + shift
                if r.start_utc <= now:
                    raise InvalidInput(f"Moving the series would put occurrence #{r.id} in the past.")
                r.time_revision += 1
            r.end_utc = r.start_utc + length
            r.sequence += 1
            r.updated_at = now
        await session.flush()
        if shift or duration:
            for r in rows:
                await self.reminders.plan(session, r, now=now)
        notify = await self.rsvp_user_ids(session, [r.id for r in rows])
        return ChangeResult(tuple(await self._views(session, rows)), tuple(notify), bool(shift), tuple(changed_fields))

    async def cancel(
        self, session: AsyncSession, actor: Actor, session_id: int | str, *, scope: Scope = "one",
        reason: str | None = None, now: datetime | None = None,
    ) -> ChangeResult:
        require_facilitator(actor, self.config, "cancel sessions")
        now = now or utcnow()
        why = optional_text(reason, field="reason", max_len=500)
        row = await self._row(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(f"Session #{row.id} is already cancelled.")
        if row.end_utc <= now:
            raise InvalidInput(f"Session #{row.id} is already over.")
        rows = await self._scope_rows(session, row, scope, now)
        for r in rows:
            r.status = "cancelled"
            r.cancel_reason = why
            r.sequence += 1
            r.updated_at = now
        await session.flush()
        await self.reminders.cancel(session, [r.id for r in rows], now=now)
        notify = await self.rsvp_user_ids(session, [r.id for r in rows])
        return ChangeResult(tuple(await self._views(session, rows)), tuple(notify))

    # ---- announcements / events bookkeeping -----------------------------------------------
    async def mark_announced(self, session: AsyncSession, session_id: int, channel_id: int, message_id: int) -> None:
        await session.execute(update(TrainingSession).where(TrainingSession.id == session_id)
                              .values(channel_id=channel_id, message_id=message_id))

    async def mark_event(self, session: AsyncSession, session_id: int, event_id: int | None) -> None:
        await session.execute(update(TrainingSession).where(TrainingSession.id == session_id).values(event_id=event_id))

    async def unannounced(self, session: AsyncSession, *, now: datetime | None = None) -> list[SessionView]:
        """Sessions due an announcement: upcoming, not announced yet (planned from the CLI, or posting
        failed), and for a series only its next occurrence, so the channel gets one post at a time."""
        now = now or utcnow()
        rows = (await session.scalars(
            select(TrainingSession).where(TrainingSession.status == "scheduled", TrainingSession.start_utc > now,
                                          TrainingSession.message_id.is_(None)).order_by(TrainingSession.start_utc)
        )).all()
        series_ids = {r.series_id for r in rows if r.series_id is not None}
        next_of: dict[int, int] = {}
        if series_ids:
            for sid, first in (await session.execute(
                    select(TrainingSession.series_id, func.min(TrainingSession.occurrence)).where(
                        TrainingSession.series_id.in_(series_ids), TrainingSession.status == "scheduled",
                        TrainingSession.end_utc > now).group_by(TrainingSession.series_id))).all():
                if sid is not None:
                    next_of[sid] = first
        due = [r for r in rows if r.series_id is None or next_of.get(r.series_id) == r.occurrence]
        return await self._views(session, due)

    # ---- members ---------------------------------------------------------------------
    async def rsvp(
        self, session: AsyncSession, session_id: int | str, user_id: int, status: str, *, now: datetime | None = None
    ) -> RsvpResult:
        now = now or utcnow()
        if status not in RSVP_STATUSES:
            raise InvalidInput("Unknown answer.")
        # Lock the session row (PostgreSQL) so two members cannot both take the last place;
        # SQLite serialises writers anyway, and the count is checked again after writing.
        sid = parse_session_id(session_id)
        row = await session.get(TrainingSession, sid, with_for_update=True)
        if row is None:
            raise NotFound(f"There is no session #{sid}. Use /sessions to see the upcoming ones.")
        if row.status == "cancelled":
            raise InvalidInput("This session was cancelled, so it no longer takes RSVPs.")
        if row.end_utc <= now:
            raise InvalidInput("This session is over, so it no longer takes RSVPs.")
        existing = await session.scalar(
            select(SessionRsvp).where(SessionRsvp.session_id == row.id, SessionRsvp.user_id == user_id)
        )
        previous = existing.status if existing else None
        if previous == status:
            return RsvpResult((await self._views(session, [row]))[0], status, False, previous)
        if status == "going" and row.capacity is not None:
            going = await session.scalar(select(func.count()).select_from(SessionRsvp).where(
                SessionRsvp.session_id == row.id, SessionRsvp.status == "going"))
            if (going or 0) >= row.capacity:
                raise InvalidInput(f"Sorry, this session is full ({row.capacity} places). "
                                   "Press Interested to hear about changes and future sessions.")
        # one row per member whatever happens at the same moment (double click, two devices)
        await session.execute(upsert(session, SessionRsvp, {
            "session_id": row.id, "user_id": user_id, "status": status, "updated_at": now,
        }, keys=("session_id", "user_id"), update=("status", "updated_at")))
        if existing is not None:
            await session.refresh(existing)
        view = (await self._views(session, [row]))[0]
        if status == "going" and row.capacity is not None and view.rsvp.going > row.capacity:
            # another member took the last place at the same moment: undo (the caller's unit of work rolls back)
            raise InvalidInput(f"Sorry, this session just became full ({row.capacity} places). "
                               "Press Interested to hear about changes and future sessions.")
        return RsvpResult(view, status, True, previous)

    async def my_rsvp(self, session: AsyncSession, session_id: int, user_id: int) -> str | None:
        return await session.scalar(
            select(SessionRsvp.status).where(SessionRsvp.session_id == session_id, SessionRsvp.user_id == user_id)
        )

    # ---- after a session -------------------------------------------------------------
    async def add_materials(
        self, session: AsyncSession, actor: Actor, session_id: int | str, *, recording: str | None,
        slides: str | None,
    ) -> tuple[SessionView, list[Resource]]:
        require_facilitator(actor, self.config, "add session materials")
        rec = _clean_url(recording, "recording link")
        sl = _clean_url(slides, "slides link")
        if not rec and not sl:
            raise InvalidInput("Please give a recording link, a slides link, or both.")
        row = await self._row(session, session_id)
        if rec:
            row.recording_url = rec
        if sl:
            row.slides_url = sl
        row.sequence += 1
        await session.flush()
        view = (await self._views(session, [row]))[0]
        return view, material_resources(view)

    async def all_material_resources(self, session: AsyncSession) -> list[Resource]:
        rows = (await session.scalars(select(TrainingSession).where(
            (TrainingSession.recording_url.is_not(None)) | (TrainingSession.slides_url.is_not(None))))).all()
        return [res for v in await self._views(session, rows) for res in material_resources(v)]

    async def record_attendance(
        self, session: AsyncSession, actor: Actor, session_id: int | str, user_id: int, attended: bool = True,
        *, now: datetime | None = None,
    ) -> SessionView:
        """A facilitator records attendance; a member may record only their own (from the follow-up DM)."""
        now = now or utcnow()
        if actor.user_id != user_id:
            require_facilitator(actor, self.config, "record attendance for others")
        row = await self._row(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput("This session was cancelled.")
        if row.start_utc > now:
            raise InvalidInput("Attendance can be recorded once the session has started.")
        await session.execute(upsert(session, SessionAttendance, {
            "session_id": row.id, "user_id": user_id, "attended": attended, "recorded_by": actor.user_id,
            "recorded_at": now,
        }, keys=("session_id", "user_id"), update=("attended", "recorded_by", "recorded_at")))
        return (await self._views(session, [row]))[0]

    async def attendance(self, session: AsyncSession, actor: Actor, session_id: int | str) -> list[int]:
        require_facilitator(actor, self.config, "see attendance")
        row = await self._row(session, session_id)
        return sorted((await session.scalars(select(SessionAttendance.user_id).where(
            SessionAttendance.session_id == row.id, SessionAttendance.attended.is_(True)))).all())

    async def submit_feedback(
        self, session: AsyncSession, session_id: int | str, user_id: int, rating: str | int, comment: str | None,
        *, now: datetime | None = None,
    ) -> SessionView:
        now = now or utcnow()
        try:
            stars = int(clean(str(rating)))
        except ValueError:
            raise InvalidInput("Please rate the session with a number from 1 to 5.") from None
        if not 1 <= stars <= 5:
            raise InvalidInput("Please rate the session with a number from 1 to 5.")
        text = optional_text(comment, field="comment", max_len=1500)
        row = await self._row(session, session_id)
        if row.start_utc > now:
            raise InvalidInput("Feedback opens once the session has started.")
        attended = await session.scalar(select(SessionAttendance.attended).where(
            SessionAttendance.session_id == row.id, SessionAttendance.user_id == user_id))
        if not attended:
            raise NotAllowed("Feedback is for members who attended this session.")
        stored = await session.scalar(insert_ignore(session, SessionFeedback, {
            "session_id": row.id, "user_id": user_id, "rating": stars, "comment": text, "created_at": now,
        }, keys=("session_id", "user_id")).returning(SessionFeedback.id))
        if stored is None:
            raise InvalidInput("You already sent feedback for this session. Thank you!")
        return (await self._views(session, [row]))[0]

    async def feedback_summary(self, session: AsyncSession, actor: Actor, session_id: int | str) -> tuple[int, float]:
        require_facilitator(actor, self.config, "see feedback")
        row = await self._row(session, session_id)
        n, avg = (await session.execute(select(func.count(), func.avg(SessionFeedback.rating)).where(
            SessionFeedback.session_id == row.id))).one()
        return int(n or 0), float(avg or 0.0)

    # ---- times -----------------------------------------------------------------------
    def proposed_times(
        self, start: str, zone: str | None, countries: str | None = None
    ) -> tuple[datetime, str, list[LocalTime]]:
        tz = parse_zone(zone or self.config.timezone)
        when = parse_local(start, tz)
        codes = parse_countries(countries) or tuple(COUNTRY_ZONES)
        lo, hi = self.config.sessions.working_hours
        out = []
        for code in codes:
            z = COUNTRY_ZONES[code]
            local = when.astimezone(ZoneInfo(z))
            minutes = local.hour * 60 + local.minute
            outside = not (lo * 60 <= minutes < hi * 60) or local.weekday() >= 5
            out.append(LocalTime(code, country_name(code), z, local, outside))
        out.sort(key=lambda t: (t.local.utcoffset() or timedelta(0), t.country_name))
        return when, tz, out

    def may_manage(self, actor: Actor) -> bool:
        return is_facilitator(actor, self.config)

    # ---- import ------------------------------------------------------------------------
    async def import_programme(
        self, session: AsyncSession, actor: Actor, drafts: Sequence[SessionDraft], *, now: datetime | None = None
    ) -> list[SessionView]:
        """All or nothing: every draft is validated first, and any problem names its entry."""
        now = now or utcnow()
        problems = []
        for i, draft in enumerate(drafts):
            try:
                self.validate(draft, now)
            except InvalidInput as exc:
                problems.append(f"sessions[{i}] ({clean(draft.title)[:40] or 'untitled'}): {exc.message}")
        if problems:
            raise InvalidInput("\n".join(problems))
        out: list[SessionView] = []
        for draft in drafts:
            out.extend(await self.create(session, actor, draft, now=now))
        return out


def parse_session_id(value: int | str) -> int:
    if isinstance(value, int):
        return value
    text = clean(value).lstrip("#").split(" ", 1)[0]
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput("Please pick a session from the list (or give its number, e.g. 12).")
    return int(text)


def material_resources(view: SessionView) -> list[Resource]:
    """Session materials as entries of the resource catalogue (so /resources finds them)."""
    out = []
    summary = (view.description or f"{view.format_label} of the SSE community of practice.")[:380]
    languages = [lang for lang in view.languages if len(lang) in (2, 3)] or ["en"]
    for kind, url, label in (("recording", view.recording_url, "Recording"), ("slides", view.slides_url, "Slides")):
        if not url:
            continue
        out.append(Resource(
            id=f"session-{view.id}-{kind}", title=f"{label}: {view.title}"[:200], type=kind,  # type: ignore[arg-type]
            publisher="SSE community of practice", year=view.start_utc.year,
            countries=list(view.countries),  # type: ignore[arg-type]
            topics=["capacity-building"], languages=languages, url=url, summary=summary,
        ))
    return out



# --------------------------------------------------------------------------- weekly digest
async def upcoming_digest(ctx: DigestContext) -> DigestSection:
    """Weekly digest section: sessions starting in the next 7 days."""
    sessions: TrainingSessionService = ctx.get(TrainingSessionService)
    page = await sessions.upcoming(ctx.session, now=ctx.now, page_size=25)
    soon = [v for v in page.items if v.start_utc <= ctx.now + timedelta(days=7)]
    items = tuple(DigestItem(f"#{v.id} {v.title}", when=v.start_utc, when_style="f") for v in soon)
    return DigestSection("Upcoming sessions", items, "No sessions planned in the next 7 days.")
