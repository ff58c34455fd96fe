"""Availability polls (a facilitator proposes 2–5 slots, members vote, the winning slot becomes a
session through the sessions' PlanningService). Never imports discord.

Votes are rows with a unique (slot, member) key: pressing a slot again takes the vote back, and a
double click or two devices at the same moment store one row. The poll row is read with a lock
(PostgreSQL) so a vote and the close cannot interleave; SQLite serialises writers anyway."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import N_, _
from bot.dates import read_start
from bot.errors import InvalidInput, NotFound
from bot.guild import GuildSettings
from bot.outbox import Outbox
from bot.permissions import Actor, is_facilitator
from bot.text import require_text
from bot.timezones import parse_zone
from cogs.polls.models import PollSlot, PollVote, SessionPoll
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.outgoing import announce_key, event_key
from cogs.sessions.parsing import MAX_AHEAD, TITLE_MAX, SessionDraft, parse_countries, parse_duration
from cogs.sessions.planning import PlanningService
from cogs.sessions.wording import facilitators_only
from db.models import utcnow
from db.upsert import insert_ignore

MIN_SLOTS, MAX_SLOTS = 2, 5
POST, REFRESH = "polls.post", "polls.refresh"
_SEPARATORS = re.compile(r"[;|\n]")


@dataclass(frozen=True)
class SlotInfo:
    id: int
    position: int
    start_utc: datetime
    votes: int


@dataclass(frozen=True)
class PollInfo:
    id: int
    title: str
    timezone: str
    countries: tuple[str, ...]
    duration_minutes: int
    open: bool
    slots: tuple[SlotInfo, ...]
    voters: int  # distinct members who voted for at least one slot
    session_id: int | None
    channel_id: int | None
    message_id: int | None

    def slot(self, slot_id: int) -> SlotInfo:
        for s in self.slots:
            if s.id == slot_id:
                return s
        raise NotFound(_("That slot is not part of this poll."))

    @property
    def leading(self) -> SlotInfo | None:
        """The slot with most votes (the earliest of a tie); None before any vote."""
        best = max(self.slots, key=lambda s: (s.votes, -s.position), default=None)
        return best if best is not None and best.votes else None


@dataclass(frozen=True)
class VoteResult:
    poll: PollInfo
    slot: SlotInfo
    voted: bool  # True: the member's vote is now counted; False: it was taken back


@dataclass(frozen=True)
class PollResults:
    poll: PollInfo
    voters_by_slot: dict[int, tuple[int, ...]]  # slot id -> member ids


@dataclass(frozen=True)
class Decision:
    poll: PollInfo
    sessions: tuple[TrainingSessionInfo, ...]
    deliveries: tuple[str, ...]


def split_slots(text: str | Sequence[str] | None) -> list[str]:
    """What a facilitator typed as slots ("2026-12-03 14:00; 2026-12-04 09:00"), one string each."""
    parts = _SEPARATORS.split(text) if isinstance(text, str) else list(text or ())
    return [p.strip() for p in parts if p and p.strip()]


def poll_key(poll_id: int) -> str:
    return f"polls:post:{poll_id}"


async def load_poll(session: AsyncSession, poll_id: int) -> PollInfo:
    row = await session.get(SessionPoll, poll_id)
    if row is None:
        raise NotFound(_("There is no poll #{id}.").format(id=poll_id))
    return await _info(session, row)


async def _slots(session: AsyncSession, poll_id: int) -> Sequence[PollSlot]:
    return (await session.scalars(select(PollSlot).where(PollSlot.poll_id == poll_id).order_by(PollSlot.position))).all()


async def _info(session: AsyncSession, row: SessionPoll, slots: Sequence[PollSlot] | None = None) -> PollInfo:
    slots = slots if slots is not None else await _slots(session, row.id)
    counts = dict((await session.execute(
        select(PollVote.slot_id, func.count()).where(PollVote.poll_id == row.id).group_by(PollVote.slot_id))).all())
    voters = await session.scalar(select(func.count(func.distinct(PollVote.user_id))).where(PollVote.poll_id == row.id))
    return PollInfo(row.id, row.title, row.timezone, tuple(row.countries or ()), row.duration_minutes,
                    row.status == "open", tuple(SlotInfo(s.id, s.position, s.start_utc, int(counts.get(s.id, 0)))
                                                for s in slots),
                    int(voters or 0), row.session_id, row.channel_id, row.message_id)


class PollService:
    def __init__(self, guild: GuildSettings, outbox: Outbox, planning: PlanningService):
        self.guild = guild
        self.outbox = outbox
        self.planning = planning

    def may_manage(self, actor: Actor) -> bool:
        return is_facilitator(actor, self.guild.current)

    def read_slots(self, slots: str | Sequence[str] | None, zone: str, *, now: datetime,
                   languages: Sequence[str] = ()) -> list[datetime]:
        """Each typed slot read as /session create reads a start, in ``zone``; every problem named."""
        typed = split_slots(slots)
        if not MIN_SLOTS <= len(typed) <= MAX_SLOTS:
            raise InvalidInput(_("A poll needs {minimum} to {maximum} slots (you gave {count}). Separate them with “;”, "
                                 "e.g. **2026-12-03 14:00; 2026-12-04 09:00**.").format(
                minimum=MIN_SLOTS, maximum=MAX_SLOTS, count=len(typed)))
        starts, problems = [], []
        for i, text in enumerate(typed, 1):
            try:
                start = read_start(text, zone, now=now, languages=languages).utc
            except InvalidInput as exc:
                problems.append(_("Slot {number}: {problem}").format(number=i, problem=exc.message))
                continue
            if start <= now:
                problems.append(_("Slot {number}: that start is in the past.").format(number=i))
            elif start - now > MAX_AHEAD:
                problems.append(_("Slot {number}: sessions can be planned up to two years ahead.").format(number=i))
            elif start in starts:
                problems.append(_("Slot {number}: the same time as an earlier slot.").format(number=i))
            starts.append(start)
        if problems:
            raise InvalidInput("\n".join(problems))
        return starts

    async def create(self, session: AsyncSession, actor: Actor, *, title: str | None, slots: str | Sequence[str] | None,
                     timezone: str | None, countries: str | None = None, duration_minutes: int | None = 60,
                     channel_id: int | None = None, languages: Sequence[str] = (),
                     now: datetime | None = None) -> tuple[PollInfo, list[str]]:
        """Store the poll and enqueue its public post (announcements channel, else ``channel_id``)."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can run availability polls."))
        now = now or utcnow()
        name = require_text(title, field="title", max_len=TITLE_MAX)
        zone = parse_zone(timezone or self.guild.current.timezone)
        starts = self.read_slots(slots, zone, now=now, languages=languages)
        audience = list(parse_countries(countries))
        row = SessionPoll(title=name, timezone=zone, countries=audience, duration_minutes=parse_duration(duration_minutes),
                          status="open", created_by=actor.user_id, created_at=now)
        session.add(row)
        await session.flush()
        session.add_all(PollSlot(poll_id=row.id, position=i, start_utc=s) for i, s in enumerate(starts, 1))
        await session.flush()
        keys = []
        where = self.guild.current.announcements or channel_id
        if where:
            await self.outbox.enqueue(session, poll_key(row.id), POST, channel_id=where, params={"poll_id": row.id},
                                      expires_at=max(starts))
            keys.append(poll_key(row.id))
        return await _info(session, row), keys

    async def _locked(self, session: AsyncSession, poll_id: int) -> SessionPoll:
        row = (await session.scalars(select(SessionPoll).where(SessionPoll.id == poll_id)
                                     .with_for_update())).first()
        if row is None:
            raise NotFound(_("There is no poll #{id}.").format(id=poll_id))
        return row

    async def vote(self, session: AsyncSession, poll_id: int, slot_id: int, user_id: int) -> VoteResult:
        """Toggle the member's vote for one slot: counted if it was not, taken back if it was."""
        row = await self._locked(session, poll_id)
        if row.status != "open":
            raise InvalidInput(_("This poll is closed, so it no longer takes votes."))
        slots = await _slots(session, row.id)
        if slot_id not in {s.id for s in slots}:
            raise NotFound(_("That slot is not part of this poll."))
        removed = await session.execute(delete(PollVote).where(PollVote.slot_id == slot_id, PollVote.user_id == user_id))
        voted = not getattr(removed, "rowcount", 0)
        if voted:
            await session.execute(insert_ignore(session, PollVote, {
                "poll_id": row.id, "slot_id": slot_id, "user_id": user_id, "created_at": utcnow()},
                keys=("slot_id", "user_id")))
        info = await _info(session, row, slots)
        return VoteResult(info, info.slot(slot_id), voted)

    async def my_votes(self, session: AsyncSession, poll_id: int, user_id: int) -> set[int]:
        return set((await session.scalars(select(PollVote.slot_id).where(
            PollVote.poll_id == poll_id, PollVote.user_id == user_id))).all())

    async def results(self, session: AsyncSession, actor: Actor, poll_id: int) -> PollResults:
        facilitators_only(actor, self.guild.current, _("Only facilitators can see a poll's results."))
        info = await load_poll(session, poll_id)
        by_slot: dict[int, list[int]] = {s.id: [] for s in info.slots}
        for slot_id, uid in (await session.execute(select(PollVote.slot_id, PollVote.user_id).where(
                PollVote.poll_id == poll_id).order_by(PollVote.id))).all():
            by_slot[slot_id].append(uid)
        return PollResults(info, {k: tuple(v) for k, v in by_slot.items()})

    async def close_poll(self, session: AsyncSession, actor: Actor, poll_id: int, *,
                    now: datetime | None = None) -> tuple[PollInfo, list[str]]:
        """Close without planning a session."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can close polls."))
        row = await self._locked(session, poll_id)
        if row.status != "open":
            raise InvalidInput(_("Poll #{id} is already closed.").format(id=row.id))
        return await self._close(session, row, now or utcnow())

    async def _close(self, session: AsyncSession, row: SessionPoll, now: datetime) -> tuple[PollInfo, list[str]]:
        row.status, row.closed_at = "closed", now
        await session.flush()
        keys = []
        if row.channel_id and row.message_id:
            key = f"polls:refresh:{row.id}:closed"
            await self.outbox.enqueue(session, key, REFRESH, channel_id=row.channel_id, params={"poll_id": row.id})
            keys.append(key)
        return await _info(session, row), keys

    async def decide(self, session: AsyncSession, actor: Actor, poll_id: int, slot_id: int, *,
                     languages: Sequence[str] = (), now: datetime | None = None) -> Decision:
        """The slot becomes a session (the poll's title, zone, countries and duration), and the poll closes."""
        facilitators_only(actor, self.guild.current, _("Only facilitators can plan sessions."))
        now = now or utcnow()
        row = await self._locked(session, poll_id)
        if row.status != "open":
            raise InvalidInput(_("Poll #{id} is already closed: it became session #{session}.").format(
                id=row.id, session=row.session_id) if row.session_id else
                _("Poll #{id} is already closed.").format(id=row.id))
        slot = await session.get(PollSlot, slot_id)
        if slot is None or slot.poll_id != row.id:
            raise NotFound(_("That slot is not part of this poll."))
        local = slot.start_utc.astimezone(ZoneInfo(row.timezone)).strftime("%Y-%m-%d %H:%M")
        draft = SessionDraft(title=row.title, start=local, timezone=row.timezone,
                             duration_minutes=row.duration_minutes, countries=",".join(row.countries or ()))
        planned = await self.planning.create(session, actor, draft, now=now, languages=languages)
        row.session_id = planned[0].id
        info, keys = await self._close(session, row, now)
        return Decision(info, tuple(planned), (announce_key(planned[0]), event_key(planned[0]), *keys))

    async def mark_posted(self, session: AsyncSession, poll_id: int, channel_id: int, message_id: int) -> None:
        await session.execute(update(SessionPoll).where(SessionPoll.id == poll_id)
                              .values(channel_id=channel_id, message_id=message_id))


# ---- privacy: votes are the member's records; polls they ran keep existing without their id
async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    n = await session.scalar(select(func.count()).select_from(PollVote).where(PollVote.user_id == user_id))
    mine = await session.scalar(select(func.count()).select_from(SessionPoll).where(SessionPoll.created_by == user_id))
    # labels marked for the catalogues; /privacy shows them in the member's language
    return [PrivacyLine(N_("availability poll votes"), int(n or 0)),
            PrivacyLine(N_("availability polls you ran"), int(mine or 0))]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    votes = (await session.execute(select(PollVote.poll_id, PollSlot.start_utc, PollVote.created_at)
                                   .join(PollSlot, PollSlot.id == PollVote.slot_id)
                                   .where(PollVote.user_id == user_id).order_by(PollVote.id))).all()
    polls = (await session.scalars(select(SessionPoll.id).where(SessionPoll.created_by == user_id)
                                   .order_by(SessionPoll.id))).all()
    return {"poll_votes": [{"poll_id": p, "slot_start_utc": s.isoformat(), "voted_at": v.isoformat()}
                           for p, s, v in votes],
            "polls_created": list(polls)}


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    removed = 0
    for stmt in (delete(PollVote).where(PollVote.user_id == user_id),
                 update(SessionPoll).where(SessionPoll.created_by == user_id).values(created_by=0)):
        removed += int(getattr(await session.execute(stmt), "rowcount", 0) or 0)
    return removed


PRIVACY = PrivacyHook(columns=[("session_poll_votes", "user_id"), ("session_polls", "created_by")],
                      show=privacy_show, export=privacy_export, forget=privacy_forget)
