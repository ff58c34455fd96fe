"""Planning capacity-building sessions (facilitators): create one or a series, edit, cancel,
import a programme, add materials, and see a proposed start in every audience country's time.
Never imports discord."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.config import Config
from bot.content import Resource
from bot.dates import StartTime, read_start
from bot.errors import InvalidInput
from bot.guild import GuildSettings
from bot.i18n import country_name
from bot.permissions import Actor, is_facilitator
from bot.text import clean, optional_text, require_text
from bot.timezones import COUNTRY_ZONES, localise, parse_zone
from cogs.sessions.info import (
    ChangeResult,
    LocalTime,
    Preview,
    Scope,
    TrainingSessionInfo,
    load_infos,
    load_row,
)
from cogs.sessions.models import TrainingSeries, TrainingSession
from cogs.sessions.outgoing import SessionOutgoing
from cogs.sessions.parsing import (
    DESCRIPTION_MAX,
    FREQUENCIES,
    MAX_AHEAD,
    MAX_OCCURRENCES,
    TITLE_MAX,
    SessionChanges,
    SessionDraft,
    clean_url,
    occurrence_starts,
    parse_capacity,
    parse_countries,
    parse_duration,
    parse_format,
    parse_languages,
)
from cogs.sessions.reading import material_resources
from cogs.sessions.reminders import ReminderService
from cogs.sessions.rsvp import rsvp_user_ids
from cogs.sessions.waitlist import WaitlistService, locked_session
from cogs.sessions.wording import facilitators_only, local_when
from db.models import utcnow

log = logging.getLogger(__name__)


def _wall(when: datetime, zone: str) -> datetime:
    """``when`` as the clock on the wall shows it in ``zone`` (naive)."""
    return when.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def in_the_past(start: datetime, zone: str) -> str:
    return _("That start ({start}) is in the past. Please choose a future time.").format(start=local_when(start, zone))


class PlanningService:
    def __init__(self, config: Config, reminders: ReminderService, outgoing: SessionOutgoing,
                 guild: GuildSettings | None = None, waitlist: WaitlistService | None = None):
        self.config = config
        self.waitlist = waitlist or WaitlistService(outgoing)
        self.guild = guild or GuildSettings(config)  # roles and time zone: /setup, else config.yaml
        self.reminders = reminders
        self.outgoing = outgoing

    def may_manage(self, actor: Actor) -> bool:
        return is_facilitator(actor, self.guild.current)

    def validate(self, draft: SessionDraft, now: datetime, languages: Sequence[str] = ()) -> dict[str, Any]:
        title = require_text(draft.title, field="title", max_len=TITLE_MAX)
        description = optional_text(draft.description, field="description", max_len=DESCRIPTION_MAX,
                                    multiline=True) or ""
        zone = parse_zone(draft.timezone or self.guild.current.timezone)
        session_languages = parse_languages(draft.languages)
        # read in the facilitator's language and the session's own (a Thai session's start typed in Thai)
        read = read_start(draft.start, zone, now=now, languages=(*languages, *session_languages))
        start = read.utc
        if start <= now:
            raise InvalidInput(in_the_past(start, zone))
        if start - now > MAX_AHEAD:
            raise InvalidInput(_("Sessions can be planned up to two years ahead."))
        duration = parse_duration(draft.duration_minutes)
        repeat = clean(draft.repeat).lower() if draft.repeat else None
        if repeat in ("", "none", "once"):
            repeat = None
        if repeat is not None and repeat not in FREQUENCIES:
            raise InvalidInput(_("Repeat must be one of: {choices}.").format(choices=", ".join(FREQUENCIES)))
        count = draft.occurrences or (1 if repeat is None else 4)
        if repeat is None and count != 1:
            raise InvalidInput(_("To plan several occurrences, choose how often the session repeats."))
        if not 1 <= count <= MAX_OCCURRENCES or (repeat is not None and count < 2):
            raise InvalidInput(_("A series can have 2 to {maximum} occurrences.").format(maximum=MAX_OCCURRENCES))
        local_start = start.astimezone(ZoneInfo(zone))
        if repeat == "monthly" and local_start.day > 28:
            raise InvalidInput(_("Monthly series must start on day 1–28 of a month (not every month has a 29th–31st)."))
        return {
            "title": title, "description": description, "timezone": zone, "start": start,
            "duration": duration, "format": parse_format(draft.format),
            "languages": list(session_languages), "countries": list(parse_countries(draft.countries)),
            "join_url": clean_url(draft.join_url, "join link"), "capacity": parse_capacity(draft.capacity),
            "repeat": repeat, "count": count, "read": read,
        }

    def preview_create(self, actor: Actor, draft: SessionDraft, *, languages: Sequence[str] = (),
                       now: datetime | None = None) -> Preview:
        """Everything create checks, without saving: how the start was read, and the audience
        countries where it falls outside working hours (a warning, never a refusal)."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can plan sessions."))
        spec = self.validate(draft, now or utcnow(), languages)
        return self._preview(spec["read"], spec["timezone"], spec["countries"])

    async def preview_edit(self, session: AsyncSession, actor: Actor, session_id: int | str, changes: SessionChanges,
                           *, languages: Sequence[str] = (), now: datetime | None = None) -> Preview | None:
        """How a new start would be read (None when the start does not change)."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can edit sessions."))
        if changes.start is None:
            return None
        now = now or utcnow()
        row = await load_row(session, session_id)
        zone = parse_zone(changes.timezone) if changes.timezone is not None else row.timezone
        read = read_start(changes.start, zone, now=now, languages=languages)
        if read.utc <= now:
            raise InvalidInput(in_the_past(read.utc, zone))
        return self._preview(read, zone, list(parse_countries(changes.countries)) if changes.countries is not None
                             else list(row.countries or ()))

    async def draft_like(self, session: AsyncSession, actor: Actor, session_id: int | str, start: str,
                         timezone: str | None = None, title: str | None = None) -> tuple[SessionDraft, TrainingSessionInfo]:
        """A new one-off session with the settings of an existing one (past, cancelled or to come):
        title, description, length, format, languages, audience, join link and capacity; only the
        start is new (and, if given, the time zone and title). Validated by ``preview_create``/``create``."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can plan sessions."))
        source = (await load_infos(session, [await load_row(session, session_id)]))[0]
        draft = SessionDraft(
            title=title or source.title, start=start, timezone=timezone or source.timezone,
            duration_minutes=source.duration_minutes, description=source.description or None, format=source.format,
            languages=list(source.languages), countries=list(source.countries), join_url=source.join_url,
            capacity=source.capacity or 0)
        return draft, source

    def _preview(self, read: StartTime, zone: str, countries: Sequence[str]) -> Preview:
        local = read.utc.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        return Preview(read.utc, zone, read.exact, read.typed, local, tuple(self.outside_hours(read.utc, countries)))

    def local_times(self, when: datetime, codes: Sequence[str]) -> list[LocalTime]:
        """``when`` in each country's time, flagged outside ``sessions.working_hours`` or at the weekend."""
        lo, hi = self.config.sessions.working_hours
        out = []
        for code in codes:
            z = COUNTRY_ZONES[code]
            local = when.astimezone(ZoneInfo(z))
            minutes = local.hour * 60 + local.minute
            outside = not (lo * 60 <= minutes < hi * 60) or local.weekday() >= 5
            out.append(LocalTime(code, country_name(code), z, local, outside))
        out.sort(key=lambda t: (t.local.utcoffset() or timedelta(0), t.country_name))
        return out

    def outside_hours(self, when: datetime, countries: Sequence[str]) -> list[LocalTime]:
        """The audience countries (all member countries when none) where ``when`` is outside working hours."""
        codes = [c for c in countries if c in COUNTRY_ZONES] or list(COUNTRY_ZONES)
        return [t for t in self.local_times(when, codes) if t.outside_working_hours]

    async def create(
        self, session: AsyncSession, actor: Actor, draft: SessionDraft, *, now: datetime | None = None,
        languages: Sequence[str] = (),
    ) -> list[TrainingSessionInfo]:
        facilitators_only(actor, self.guild.current, _("Only facilitators can plan sessions."))
        now = now or utcnow()
        spec = self.validate(draft, now, languages)
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
        planned = await load_infos(session, rows)
        # A series is announced one occurrence at a time (the next once the previous has ended),
        # so the channel and the server's event list are not flooded.
        await self.outgoing.announce(session, planned[0])
        return planned

    async def _scope_rows(self, session: AsyncSession, row: TrainingSession, scope: Scope,
                          now: datetime) -> list[TrainingSession]:
        if scope == "series":
            if row.series_id is None:
                raise InvalidInput(_("Session #{id} is not part of a series; leave the scope as “this session”.")
                                   .format(id=row.id))
            return list((await session.scalars(
                select(TrainingSession).where(
                    TrainingSession.series_id == row.series_id, TrainingSession.occurrence >= row.occurrence,
                    TrainingSession.status == "scheduled",
                ).order_by(TrainingSession.occurrence)
            )).all())
        return [row]

    async def edit(
        self, session: AsyncSession, actor: Actor, session_id: int | str, changes: SessionChanges,
        *, scope: Scope = "one", now: datetime | None = None, languages: Sequence[str] = (),
    ) -> ChangeResult:
        facilitators_only(actor, self.guild.current, _("Only facilitators can edit sessions."))
        now = now or utcnow()
        if changes.empty():
            raise InvalidInput(_("Nothing to change: give at least one new value."))
        # locked: a raised capacity promotes from the waitlist, never at the same time as a click does
        row = await locked_session(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(_("Session #{id} was cancelled; plan a new one instead.").format(id=row.id))
        if row.end_utc <= now:
            raise InvalidInput(_("Session #{id} is already over; it can't be edited (add its materials instead).")
                               .format(id=row.id))
        values: dict[str, Any] = {}
        if changes.title is not None:
            values["title"] = require_text(changes.title, field="title", max_len=TITLE_MAX)
        if changes.description is not None:
            values["description"] = optional_text(changes.description, field="description", max_len=DESCRIPTION_MAX,
                                                 multiline=True) or ""
        if changes.format is not None:
            values["format"] = parse_format(changes.format)
        if changes.languages is not None:
            values["languages"] = list(parse_languages(changes.languages))
        if changes.countries is not None:
            values["countries"] = list(parse_countries(changes.countries))
        if changes.join_url is not None:
            values["join_url"] = clean_url(changes.join_url, "join link")
        if changes.capacity is not None:
            values["capacity"] = parse_capacity(changes.capacity)
        zone = parse_zone(changes.timezone) if changes.timezone is not None else row.timezone
        new_start = row.start_utc
        if changes.start is not None:
            new_start = read_start(changes.start, zone, now=now, languages=languages).utc
        elif changes.timezone is not None:
            # same wall-clock time, read in the new zone
            local = row.start_utc.astimezone(ZoneInfo(row.timezone)).replace(tzinfo=None)
            new_start = localise(local, zone)
        if new_start != row.start_utc and new_start <= now:
            raise InvalidInput(in_the_past(new_start, zone))
        duration = parse_duration(changes.duration_minutes) if changes.duration_minutes is not None else None
        shift = new_start - row.start_utc
        rows = await self._scope_rows(session, row, scope, now)
        changed_fields = sorted(values) + (["start"] if shift else []) + (["duration"] if duration else []) + (
            ["timezone"] if zone != row.timezone else [])
        # The others move by the same wall-clock step in the session's zone (a series moved from
        # 10:00 to 11:00 is at 11:00 local time on both sides of a daylight-saving change).
        wall_shift = _wall(new_start, zone) - _wall(row.start_utc, row.timezone)
        moved = False
        for r in rows:
            for key, value in values.items():
                setattr(r, key, value)
            length = timedelta(minutes=duration) if duration else r.end_utc - r.start_utc
            start = r.start_utc
            if r is row:
                start = new_start
            elif shift or zone != r.timezone:
                start = localise(_wall(r.start_utc, r.timezone) + wall_shift, zone)
            r.timezone = zone
            if start != r.start_utc:
                r.start_utc = start
                if r.start_utc <= now:
                    raise InvalidInput(_("Moving the series would put occurrence #{id} in the past.").format(id=r.id))
                r.time_revision += 1
                moved = True
            r.end_utc = r.start_utc + length
            r.sequence += 1
            r.updated_at = now
        await session.flush()
        if moved or duration:
            for r in rows:
                await self.reminders.plan(session, r, now=now)
        notify = await rsvp_user_ids(session, [r.id for r in rows])  # before: the promoted get their own DM
        promoted: list[str] = []
        if "capacity" in values:
            for r in rows:
                if r is not row:
                    await locked_session(session, r.id)
                promoted += (await self.waitlist.promote(session, r, now=now))[1]
        infos = await load_infos(session, rows)
        keys = await self.outgoing.changed(session, infos, notify, changed_fields)
        return ChangeResult(tuple(infos), tuple(notify), bool(shift) or moved, tuple(changed_fields), tuple(keys + promoted))

    async def cancel(
        self, session: AsyncSession, actor: Actor, session_id: int | str, *, scope: Scope = "one",
        reason: str | None = None, now: datetime | None = None,
    ) -> ChangeResult:
        facilitators_only(actor, self.guild.current, _("Only facilitators can cancel sessions."))
        now = now or utcnow()
        why = optional_text(reason, field="reason", max_len=500)
        row = await load_row(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(_("Session #{id} is already cancelled.").format(id=row.id))
        if row.end_utc <= now:
            raise InvalidInput(_("Session #{id} is already over.").format(id=row.id))
        rows = await self._scope_rows(session, row, scope, now)
        for r in rows:
            r.status = "cancelled"
            r.cancel_reason = why
            r.sequence += 1
            r.updated_at = now
        await session.flush()
        await self.reminders.cancel(session, [r.id for r in rows], now=now)
        notify = await rsvp_user_ids(session, [r.id for r in rows])
        infos = await load_infos(session, rows)
        keys = await self.outgoing.changed(session, infos, notify, ())
        return ChangeResult(tuple(infos), tuple(notify), deliveries=tuple(keys))


    async def add_materials(
        self, session: AsyncSession, actor: Actor, session_id: int | str, *, recording: str | None,
        slides: str | None, now: datetime | None = None,
    ) -> tuple[TrainingSessionInfo, list[Resource]]:
        """Set a session's recording and/or slides link. The moment a session first gets each link is
        kept (``*_added_at``, what the report counts); a corrected link keeps that first moment."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can add session materials."))
        rec = clean_url(recording, "recording link")
        sl = clean_url(slides, "slides link")
        if not rec and not sl:
            raise InvalidInput(_("Please give a recording link, a slides link, or both."))
        row = await load_row(session, session_id)
        now = now or utcnow()
        if rec:
            row.recording_url = rec
            row.recording_added_at = row.recording_added_at or now
        if sl:
            row.slides_url = sl
            row.slides_added_at = row.slides_added_at or now
        row.sequence += 1
        await session.flush()
        info = (await load_infos(session, [row]))[0]
        await self.outgoing.changed(session, [info], (), ())
        return info, material_resources(info)

    def proposed_times(
        self, start: str, zone: str | None, countries: str | None = None, *, languages: Sequence[str] = (),
        now: datetime | None = None,
    ) -> tuple[datetime, str, list[LocalTime]]:
        tz = parse_zone(zone or self.guild.current.timezone)
        when = read_start(start, tz, now=now or utcnow(), languages=languages).utc
        codes = parse_countries(countries) or tuple(COUNTRY_ZONES)
        return when, tz, self.local_times(when, codes)

    # ---- import ------------------------------------------------------------------------
    async def import_programme(
        self, session: AsyncSession, actor: Actor, drafts: Sequence[SessionDraft], *, now: datetime | None = None
    ) -> list[TrainingSessionInfo]:
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
        out: list[TrainingSessionInfo] = []
        for draft in drafts:
            out.extend(await self.create(session, actor, draft, now=now))
        return out


