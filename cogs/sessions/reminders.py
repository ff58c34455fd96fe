"""The reminder outbox for sessions: the database is the source of truth.

One row per (session, offset, kind, target, time revision); unique, so nothing is planned
twice. Sending is claim -> send -> mark sent: a restart retries only rows claimed by a
process that died before marking them, and Discord's message nonce drops a resend of one
that did go out. Never imports discord.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from cogs.sessions.models import SessionReminder, SessionRsvp, TrainingSession
from db.models import UserPreference, utcnow
from db.upsert import insert_ignore

log = logging.getLogger(__name__)

CHANNEL, DM, FOLLOWUP, FOLLOWUP_DM = "channel", "dm", "followup", "followup_dm"
LATE_AFTER = timedelta(seconds=60)  # sent later than this after it fell due: say so


@dataclass(frozen=True)
class DueReminder:
    id: int
    session_id: int
    kind: str
    offset_minutes: int
    revision: int
    due_at: datetime
    late: bool


@dataclass(frozen=True)
class DirectReminder:
    """One direct message to send for a due reminder."""

    id: int
    user_id: int
    kind: str


class ReminderService:
    def __init__(self, config: Config):
        self.config = config

    async def plan(self, session: AsyncSession, row: TrainingSession, *, now: datetime | None = None) -> int:
        """(Re)plan a session's reminders for its current start; unsent rows of older times are dropped."""
        now = now or utcnow()
        await session.execute(delete(SessionReminder).where(
            SessionReminder.session_id == row.id, SessionReminder.sent_at.is_(None),
            SessionReminder.revision != row.time_revision,
        ))
        existing = set((await session.execute(select(SessionReminder.offset_minutes, SessionReminder.kind).where(
            SessionReminder.session_id == row.id, SessionReminder.revision == row.time_revision,
            SessionReminder.target_id == 0))).all())
        wanted: list[tuple[int, str, datetime]] = []
        for offset in sorted(set(self.config.reminders.offsets_minutes), reverse=True):
            due = row.start_utc - timedelta(minutes=offset)
            if due > now:  # a reminder already past when planned is simply not needed
                wanted.append((offset, CHANNEL, due))
        followup_after = self.config.reminders.followup_minutes
        wanted.append((-int((row.end_utc - row.start_utc).total_seconds() // 60) - followup_after, FOLLOWUP,
                       row.end_utc + timedelta(minutes=followup_after)))
        added = 0
        for offset, kind, due in wanted:
            if (offset, kind) in existing:
                await session.execute(update(SessionReminder).where(
                    SessionReminder.session_id == row.id, SessionReminder.offset_minutes == offset,
                    SessionReminder.kind == kind, SessionReminder.revision == row.time_revision,
                    SessionReminder.sent_at.is_(None)).values(due_at=due))
                continue
            session.add(SessionReminder(session_id=row.id, offset_minutes=offset, kind=kind, target_id=0,
                                        revision=row.time_revision, due_at=due))
            added += 1
        await session.flush()
        return added

    async def cancel(self, session: AsyncSession, session_ids: Sequence[int], *, now: datetime | None = None) -> None:
        now = now or utcnow()
        await session.execute(update(SessionReminder).where(
            SessionReminder.session_id.in_(session_ids), SessionReminder.sent_at.is_(None),
            SessionReminder.skipped_at.is_(None)).values(skipped_at=now, note="session cancelled"))

    async def next_due_after(self, session: AsyncSession, after: datetime | None) -> datetime | None:
        """The earliest unsent reminder of any session (due after ``after`` when given)."""
        query = select(func.min(SessionReminder.due_at)).where(
            SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None))
        if after is not None:
            query = query.where(SessionReminder.due_at > after)
        due = await session.scalar(query)
        return _aware(due) if due is not None else None

    async def due_sessions(self, session: AsyncSession, *, now: datetime) -> list[int]:
        rows = await session.scalars(select(SessionReminder.session_id).where(
            SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None), SessionReminder.due_at <= now,
        ).distinct())
        return sorted(rows.all())

    async def next_due(self, session: AsyncSession, session_id: int) -> datetime | None:
        due = await session.scalar(select(func.min(SessionReminder.due_at)).where(
            SessionReminder.session_id == session_id, SessionReminder.sent_at.is_(None),
            SessionReminder.skipped_at.is_(None)))
        return _aware(due) if due is not None else None

    async def take_due(
        self, session: AsyncSession, session_id: int | None = None, *, now: datetime
    ) -> list[DueReminder]:
        """Due reminders (of one session, or of all). Ones past the grace window are skipped and logged."""
        grace = timedelta(minutes=self.config.reminders.grace_minutes)
        pending = (SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None),
                   SessionReminder.due_at <= now)
        scope = (SessionReminder.session_id == session_id,) if session_id is not None else ()
        rows = list((await session.scalars(select(SessionReminder).where(
            *pending, *scope, SessionReminder.kind.in_((CHANNEL, FOLLOWUP)),
        ).order_by(SessionReminder.due_at, SessionReminder.id))).all())
        # DMs left unsent although their reminder went out (the bot stopped half-way through them)
        orphans = (await session.execute(select(
            SessionReminder.session_id, SessionReminder.offset_minutes, SessionReminder.revision, SessionReminder.kind,
        ).where(*pending, *scope, SessionReminder.kind.in_((DM, FOLLOWUP_DM))).distinct())).all()
        have = {(r.session_id, r.offset_minutes, r.revision) for r in rows}
        for sid, offset, revision, kind in orphans:
            if (sid, offset, revision) in have:
                continue
            parent = await session.scalar(select(SessionReminder).where(
                SessionReminder.session_id == sid, SessionReminder.offset_minutes == offset,
                SessionReminder.revision == revision, SessionReminder.target_id == 0,
                SessionReminder.kind == (CHANNEL if kind == DM else FOLLOWUP)))
            if parent is not None:
                rows.append(parent)
                have.add((sid, offset, revision))
        out = []
        for r in rows:
            late_by = now - r.due_at
            if late_by > grace:
                note = f"missed by {int(late_by.total_seconds() // 60)} min (grace {int(grace.total_seconds() // 60)} min)"
                log.warning("skipping reminder %s of session %s (%s min before start): %s", r.id, r.session_id,
                            r.offset_minutes, note)
                await session.execute(update(SessionReminder).where(
                    SessionReminder.session_id == r.session_id, SessionReminder.offset_minutes == r.offset_minutes,
                    SessionReminder.revision == r.revision, SessionReminder.sent_at.is_(None),
                    SessionReminder.skipped_at.is_(None)).values(skipped_at=now, note=note))
                continue
            out.append(DueReminder(r.id, r.session_id, r.kind, r.offset_minutes, r.revision, r.due_at,
                                   late_by > LATE_AFTER))
        await session.flush()
        return out

    async def claim_many(
        self, session: AsyncSession, reminder_ids: Sequence[int], *, now: datetime, stale_before: datetime
    ) -> set[int]:
        """Claim rows for sending; returns the ids this caller got. A claim older than ``stale_before``
        (this process's start) was made by a process that died before sending: it may be taken again."""
        if not reminder_ids:
            return set()
        claimable = (SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None),
                     or_(SessionReminder.claimed_at.is_(None), SessionReminder.claimed_at < stale_before))
        result = await session.execute(update(SessionReminder).where(
            SessionReminder.id.in_(reminder_ids), *claimable).values(claimed_at=now).returning(SessionReminder.id))
        return set(result.scalars().all())

    async def mark_sent_many(self, session: AsyncSession, reminder_ids: Sequence[int], *, now: datetime) -> None:
        if reminder_ids:
            await session.execute(update(SessionReminder).where(SessionReminder.id.in_(reminder_ids))
                                  .values(sent_at=now))

    async def release_many(self, session: AsyncSession, reminder_ids: Sequence[int]) -> None:
        if reminder_ids:
            await session.execute(update(SessionReminder).where(SessionReminder.id.in_(reminder_ids))
                                  .values(claimed_at=None))

    async def expand(self, session: AsyncSession, due: DueReminder) -> list[DirectReminder]:
        return (await self.expand_many(session, [due])).get(due.id, [])

    async def expand_many(self, session: AsyncSession, dues: Sequence[DueReminder]) -> dict[int, list[DirectReminder]]:
        """The direct messages these reminders should produce, created once (unique rows, inserted
        with ON CONFLICT DO NOTHING); returns those not yet sent, by reminder id. Members who turned
        reminder DMs off are left out."""
        if not dues:
            return {}
        session_ids = sorted({d.session_id for d in dues})
        opted_out = select(UserPreference.user_id).where(UserPreference.dm_reminders.is_(False))
        rsvps: dict[int, list[tuple[int, str]]] = {}
        for sid, uid, status in (await session.execute(select(
                SessionRsvp.session_id, SessionRsvp.user_id, SessionRsvp.status).where(
                SessionRsvp.session_id.in_(session_ids), SessionRsvp.status.in_(("going", "interested")),
                SessionRsvp.user_id.not_in(opted_out)).order_by(SessionRsvp.id))).all():
            rsvps.setdefault(sid, []).append((uid, status))
        values = [
            {"session_id": d.session_id, "offset_minutes": d.offset_minutes, "kind": DM if d.kind == CHANNEL else FOLLOWUP_DM,
             "target_id": uid, "revision": d.revision, "due_at": d.due_at}
            for d in dues for uid, status in rsvps.get(d.session_id, [])
            if d.kind == CHANNEL or status == "going"
        ]
        for chunk in range(0, len(values), 500):
            await session.execute(insert_ignore(session, SessionReminder, values[chunk:chunk + 500],
                                                keys=("session_id", "offset_minutes", "kind", "target_id", "revision")))
        pending: dict[tuple[int, int, int, str], list[DirectReminder]] = {}
        for rid, sid, offset, revision, kind, uid in (await session.execute(select(
                SessionReminder.id, SessionReminder.session_id, SessionReminder.offset_minutes,
                SessionReminder.revision, SessionReminder.kind, SessionReminder.target_id).where(
                SessionReminder.session_id.in_(session_ids), SessionReminder.kind.in_((DM, FOLLOWUP_DM)),
                SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None)).order_by(
                SessionReminder.id))).all():
            pending.setdefault((sid, offset, revision, kind), []).append(DirectReminder(rid, uid, kind))
        return {d.id: pending.get((d.session_id, d.offset_minutes, d.revision, DM if d.kind == CHANNEL else FOLLOWUP_DM),
                                  []) for d in dues}

    async def claim(self, session: AsyncSession, reminder_id: int, *, now: datetime, stale_before: datetime) -> bool:
        """Take a row for sending. A claim older than ``stale_before`` (this process's start) was made
        by a process that died before sending: it may be taken again."""
        result = await session.execute(update(SessionReminder).where(
            SessionReminder.id == reminder_id, SessionReminder.sent_at.is_(None),
            SessionReminder.skipped_at.is_(None),
            or_(SessionReminder.claimed_at.is_(None), SessionReminder.claimed_at < stale_before),
        ).values(claimed_at=now))
        return bool(getattr(result, "rowcount", 0))

    async def mark_sent(self, session: AsyncSession, reminder_id: int, *, now: datetime, note: str | None = None) -> None:
        await session.execute(update(SessionReminder).where(SessionReminder.id == reminder_id)
                              .values(sent_at=now, note=note))

    async def release(self, session: AsyncSession, reminder_id: int) -> None:
        """Sending failed for a reason worth retrying: let the next run take it again."""
        await session.execute(update(SessionReminder).where(SessionReminder.id == reminder_id).values(claimed_at=None))

    async def status(self, session: AsyncSession, session_id: int) -> list[tuple[str, int, int, str]]:
        """(kind, offset, target, state) for every row of a session: for tests, CLI and support."""
        rows = (await session.scalars(select(SessionReminder).where(SessionReminder.session_id == session_id)
                                      .order_by(SessionReminder.id))).all()
        return [(r.kind, r.offset_minutes, r.target_id,
                 "sent" if r.sent_at else "skipped" if r.skipped_at else "claimed" if r.claimed_at else "pending")
                for r in rows]


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
