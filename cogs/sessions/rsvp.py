"""Members' answers to a capacity-building session: going, interested or can't go, within its
capacity. Never imports discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.errors import InvalidInput, NotFound
from cogs.sessions.info import RsvpResult, load_infos, no_session
from cogs.sessions.models import SessionRsvp, TrainingSession
from cogs.sessions.parsing import RSVP_STATUSES, parse_session_id
from cogs.sessions.waitlist import WaitlistService, places
from db.models import utcnow
from db.upsert import upsert

# The answers that mean "tell me about changes, remind me, ask me afterwards".
COMING = ("going", "interested")


async def rsvp_user_ids(session: AsyncSession, session_ids: Sequence[int],
                        statuses: Sequence[str] = COMING) -> list[int]:
    if not session_ids:
        return []
    rows = await session.scalars(
        select(SessionRsvp.user_id).where(SessionRsvp.session_id.in_(session_ids), SessionRsvp.status.in_(statuses))
        .distinct()
    )
    return sorted(rows.all())


class RsvpService:
    def __init__(self, waitlist: WaitlistService | None = None):
        self.waitlist = waitlist or WaitlistService()

    async def user_ids(self, session: AsyncSession, session_ids: Sequence[int],
                       statuses: Sequence[str] = COMING) -> list[int]:
        return await rsvp_user_ids(session, session_ids, statuses)

    async def rsvp(
        self, session: AsyncSession, session_id: int | str, user_id: int, status: str, *, now: datetime | None = None
    ) -> RsvpResult:
        now = now or utcnow()
        if status not in RSVP_STATUSES:
            raise InvalidInput(_("Unknown answer."))
        # Lock the session row (PostgreSQL) so two members cannot both take the last place;
        # SQLite serialises writers anyway, and the count is checked again after writing.
        sid = parse_session_id(session_id)
        row = await session.get(TrainingSession, sid, with_for_update=True)
        if row is None:
            raise NotFound(no_session(sid))
        if row.status == "cancelled":
            raise InvalidInput(_("This session was cancelled, so it no longer takes RSVPs."))
        if row.end_utc <= now:
            raise InvalidInput(_("This session is over, so it no longer takes RSVPs."))
        existing = await session.scalar(
            select(SessionRsvp).where(SessionRsvp.session_id == row.id, SessionRsvp.user_id == user_id)
        )
        previous = existing.status if existing else None
        if previous == status:
            return RsvpResult((await load_infos(session, [row]))[0], status, False, previous)
        if status == "going" and row.capacity is not None:
            going = await session.scalar(select(func.count()).select_from(SessionRsvp).where(
                SessionRsvp.session_id == row.id, SessionRsvp.status == "going"))
            if (going or 0) >= row.capacity:
                raise InvalidInput(_("Sorry, this session is full ({places}). Press Join waitlist to get the next "
                                     "free place.").format(places=places(row.capacity)))
        # one row per member whatever happens at the same moment (double click, two devices)
        await session.execute(upsert(session, SessionRsvp, {
            "session_id": row.id, "user_id": user_id, "status": status, "updated_at": now,
        }, keys=("session_id", "user_id"), update=("status", "updated_at")))
        if existing is not None:
            await session.refresh(existing)
        info = (await load_infos(session, [row]))[0]
        if status == "going" and row.capacity is not None and info.rsvp.going > row.capacity:
            # another member took the last place at the same moment: undo (the caller's unit of work rolls back)
            raise InvalidInput(_("Sorry, this session just became full ({places}). Press Join waitlist to get the "
                                 "next free place.").format(places=places(row.capacity)))
        promoted: list[int] = []
        keys: list[str] = []
        if status in ("going", "declined"):
            await self.waitlist.remove(session, row.id, user_id)  # has a place, or no longer wants one
        if previous == "going":
            promoted, keys = await self.waitlist.promote(session, row, now=now)
        if promoted or status != "interested":
            info = (await load_infos(session, [row]))[0]
        return RsvpResult(info, status, True, previous, tuple(promoted), tuple(keys))

    async def my_rsvp(self, session: AsyncSession, session_id: int, user_id: int) -> str | None:
        return await session.scalar(
            select(SessionRsvp.status).where(SessionRsvp.session_id == session_id, SessionRsvp.user_id == user_id)
        )

