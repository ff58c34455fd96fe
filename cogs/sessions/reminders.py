"""Reminder planning for sessions: the database is the source of truth. Never imports discord.

One row per (session, offset, kind, time revision); unique, so nothing is planned twice. When a
reminder falls due, ``hand_over`` marks it handed over and, in the same transaction, enqueues in
the outbox what it means: the channel post and one DM per member who answered Going or
Interested (the follow-up only to those who went). The outbox keys make that idempotent, and
the outbox sends each exactly once (bot/outbox.py, bot/delivery.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.outbox import Outbox
from cogs.sessions.models import SessionReminder, SessionRsvp, TrainingSession
from db.models import UserPreference, utcnow

log = logging.getLogger(__name__)

CHANNEL, FOLLOWUP = "channel", "followup"  # the planned rows: before the start, and after the end
# outbox kinds (handled in cogs/sessions/jobs.py, declared in cogs/sessions/capability.py)
REMINDER_POST, REMINDER_DM, FOLLOWUP_DM = "sessions.reminder", "sessions.reminder_dm", "sessions.followup_dm"
LATE_AFTER = timedelta(seconds=60)  # sent later than this after it fell due: say so
FOLLOWUP_EXPIRES = timedelta(days=7)  # nobody wants "did you attend?" about a session weeks ago


@dataclass(frozen=True)
class DueReminder:
    id: int
    session_id: int
    kind: str
    offset_minutes: int
    revision: int
    due_at: datetime
    late: bool

    def as_params(self) -> dict[str, object]:
        return {"reminder_id": self.id, "session_id": self.session_id, "kind": self.kind,
                "offset_minutes": self.offset_minutes, "revision": self.revision, "due_at": self.due_at.isoformat(),
                "late": self.late}

    @classmethod
    def from_params(cls, params: dict[str, object], *, now: datetime) -> DueReminder:
        due_at = datetime.fromisoformat(str(params["due_at"]))
        return cls(int(params["reminder_id"]), int(params["session_id"]), str(params["kind"]),  # type: ignore[call-overload]
                   int(params["offset_minutes"]), int(params["revision"]), due_at,  # type: ignore[call-overload]
                   bool(params.get("late")) or now - due_at > LATE_AFTER)  # late when handed over, or since


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
            SessionReminder.session_id == row.id, SessionReminder.revision == row.time_revision))).all())
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
            session.add(SessionReminder(session_id=row.id, offset_minutes=offset, kind=kind,
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
        scope = (SessionReminder.session_id == session_id,) if session_id is not None else ()
        rows = (await session.scalars(select(SessionReminder).where(
            SessionReminder.sent_at.is_(None), SessionReminder.skipped_at.is_(None), SessionReminder.due_at <= now,
            *scope,
        ).order_by(SessionReminder.due_at, SessionReminder.id))).all()
        out = []
        for r in rows:
            late_by = now - r.due_at
            if late_by > grace:
                note = f"missed by {int(late_by.total_seconds() // 60)} min (grace {int(grace.total_seconds() // 60)} min)"
                log.warning("skipping reminder %s of session %s (%s min before start): %s", r.id, r.session_id,
                            r.offset_minutes, note)
                r.skipped_at, r.note = now, note
                continue
            out.append(DueReminder(r.id, r.session_id, r.kind, r.offset_minutes, r.revision, r.due_at,
                                   late_by > LATE_AFTER))
        await session.flush()
        return out

    async def hand_over(self, session: AsyncSession, outbox: Outbox, due: Sequence[DueReminder], *,
                        now: datetime) -> list[str]:
        """Mark due reminders handed over and enqueue their posts and DMs; returns the outbox keys.

        The mark is conditional, so two instances ticking at once hand a reminder over once; the
        outbox keys would drop a second copy anyway."""
        keys: list[str] = []
        if not due:
            return keys
        taken = set((await session.execute(update(SessionReminder).where(
            SessionReminder.id.in_([d.id for d in due]), SessionReminder.sent_at.is_(None),
            SessionReminder.skipped_at.is_(None)).values(sent_at=now).returning(SessionReminder.id))).scalars())
        due = [d for d in due if d.id in taken]
        session_ids = sorted({d.session_id for d in due})
        sessions = {r.id: r for r in (await session.scalars(
            select(TrainingSession).where(TrainingSession.id.in_(session_ids)))).all()} if session_ids else {}
        opted_out = select(UserPreference.user_id).where(UserPreference.dm_reminders.is_(False))
        members: dict[int, list[tuple[int, str]]] = {}
        if session_ids:
            for sid, uid, status in (await session.execute(select(
                    SessionRsvp.session_id, SessionRsvp.user_id, SessionRsvp.status).where(
                    SessionRsvp.session_id.in_(session_ids), SessionRsvp.status.in_(("going", "interested")),
                    SessionRsvp.user_id.not_in(opted_out)).order_by(SessionRsvp.id))).all():
                members.setdefault(sid, []).append((uid, status))
        for d in due:
            row = sessions[d.session_id]
            if row.status == "cancelled":
                continue
            params = d.as_params()
            # a reminder sent later than the grace window after the start would only confuse
            grace = timedelta(minutes=self.config.reminders.grace_minutes)
            expires = row.start_utc + grace if d.kind == CHANNEL else row.end_utc + FOLLOWUP_EXPIRES
            if d.kind == CHANNEL and row.channel_id:
                key = f"sessions:reminder:{d.id}"
                if await outbox.enqueue(session, key, REMINDER_POST, channel_id=row.channel_id, params=params,
                                        due_at=d.due_at, expires_at=expires):
                    keys.append(key)
            for uid, status in members.get(d.session_id, []):
                if d.kind == FOLLOWUP and status != "going":
                    continue
                kind = REMINDER_DM if d.kind == CHANNEL else FOLLOWUP_DM
                key = f"sessions:{'reminder-dm' if d.kind == CHANNEL else 'followup'}:{d.id}:{uid}"
                if await outbox.enqueue(session, key, kind, user_id=uid, params=params, due_at=d.due_at,
                                        expires_at=expires):
                    keys.append(key)
            log.info("reminder %s (%s, %s min) of session %s handed to the outbox%s", d.id, d.kind,
                     d.offset_minutes, d.session_id, " late" if d.late else "")
        return keys

    async def status(self, session: AsyncSession, session_id: int) -> list[tuple[str, int, str]]:
        """(kind, offset, state) for every planned reminder of a session ("sent" meaning
        handed to the outbox): for tests, CLI and support."""
        rows = (await session.scalars(select(SessionReminder).where(SessionReminder.session_id == session_id)
                                      .order_by(SessionReminder.id))).all()
        return [(r.kind, r.offset_minutes, "sent" if r.sent_at else "skipped" if r.skipped_at else "pending")
                for r in rows]


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
