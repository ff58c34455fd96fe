"""The waitlist of a full session: join, leave, and moving the first in line up to Going when a
place frees (a member changes Going to something else, or an edit raises the capacity). Never
imports discord.

Order is the rows' ``id`` order. Every change happens with the session row locked (``FOR
UPDATE`` on PostgreSQL; SQLite runs one writer at a time), so two places freed at the same
moment promote two different members, each once, in order. A promotion enqueues the member's
DM in the same transaction, keyed by the waitlist entry, so a retried unit of work never sends
it twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _, format_number, ngettext
from bot.errors import InvalidInput, NotFound
from cogs.sessions.info import WaitlistResult, load_infos, no_session
from cogs.sessions.models import SessionRsvp, SessionWaitlist, TrainingSession
from cogs.sessions.outgoing import SessionOutgoing
from cogs.sessions.parsing import parse_session_id
from db.models import utcnow
from db.upsert import insert_ignore, upsert


def places(n: int) -> str:
    """"1 place", "40 places", in the reader's language."""
    return ngettext("{count} place", "{count} places", n).format(count=format_number(n))


async def locked_session(session: AsyncSession, session_id: int | str) -> TrainingSession:
    """The session row, locked until the end of the unit of work (PostgreSQL)."""
    sid = parse_session_id(session_id)
    row = await session.get(TrainingSession, sid, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(no_session(sid))
    return row


async def going_count(session: AsyncSession, session_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(SessionRsvp).where(
        SessionRsvp.session_id == session_id, SessionRsvp.status == "going")) or 0)


async def position(session: AsyncSession, session_id: int, user_id: int) -> int | None:
    mine = await session.scalar(select(SessionWaitlist.id).where(
        SessionWaitlist.session_id == session_id, SessionWaitlist.user_id == user_id))
    if mine is None:
        return None
    return int(await session.scalar(select(func.count()).select_from(SessionWaitlist).where(
        SessionWaitlist.session_id == session_id, SessionWaitlist.id <= mine)) or 0)


class WaitlistService:
    def __init__(self, outgoing: SessionOutgoing | None = None):
        self.outgoing = outgoing

    async def user_ids(self, session: AsyncSession, session_id: int) -> list[int]:
        """Who is waiting, first in line first."""
        return list((await session.scalars(select(SessionWaitlist.user_id).where(
            SessionWaitlist.session_id == session_id).order_by(SessionWaitlist.id))).all())

    async def join(self, session: AsyncSession, session_id: int | str, user_id: int, *,
                   now: datetime | None = None) -> WaitlistResult:
        now = now or utcnow()
        row = await locked_session(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(_("This session was cancelled, so it has no waitlist."))
        if row.end_utc <= now:
            raise InvalidInput(_("This session is over, so it has no waitlist."))
        mine = await session.scalar(select(SessionRsvp.status).where(
            SessionRsvp.session_id == row.id, SessionRsvp.user_id == user_id))
        if mine == "going":
            raise InvalidInput(_("You already have a place: you are marked as Going."))
        already = await position(session, row.id, user_id)
        if already is not None:
            return WaitlistResult((await load_infos(session, [row]))[0], already, False)
        if row.capacity is None or await going_count(session, row.id) < row.capacity:
            raise InvalidInput(_("There are places free: press Going to take one."))
        await session.execute(insert_ignore(session, SessionWaitlist, {
            "session_id": row.id, "user_id": user_id, "joined_at": now}, keys=("session_id", "user_id")))
        return WaitlistResult((await load_infos(session, [row]))[0], await position(session, row.id, user_id), True)

    async def leave(self, session: AsyncSession, session_id: int | str, user_id: int) -> WaitlistResult:
        row = await locked_session(session, session_id)
        removed = await self.remove(session, row.id, user_id)
        return WaitlistResult((await load_infos(session, [row]))[0], None, removed)

    async def remove(self, session: AsyncSession, session_id: int, user_id: int) -> bool:
        result = await session.execute(delete(SessionWaitlist).where(
            SessionWaitlist.session_id == session_id, SessionWaitlist.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def promote(self, session: AsyncSession, row: TrainingSession, *,
                      now: datetime | None = None) -> tuple[list[int], list[str]]:
        """Fill the free places from the head of the waitlist (the caller holds the session row's
        lock); returns the promoted members and the outbox keys of their DMs."""
        now = now or utcnow()
        if row.status == "cancelled" or row.end_utc <= now:
            return [], []
        waiting = select(SessionWaitlist).where(SessionWaitlist.session_id == row.id).order_by(SessionWaitlist.id)
        if row.capacity is not None:
            free = row.capacity - await going_count(session, row.id)
            if free <= 0:
                return [], []
            waiting = waiting.limit(free)
        promoted, keys = [], []
        for entry in (await session.scalars(waiting)).all():
            await session.execute(upsert(session, SessionRsvp, {
                "session_id": row.id, "user_id": entry.user_id, "status": "going", "updated_at": now,
            }, keys=("session_id", "user_id"), update=("status", "updated_at")))
            await session.delete(entry)
            promoted.append(entry.user_id)
            if self.outgoing is not None:
                keys.append(await self.outgoing.promoted(session, row.id, entry.user_id, entry.id))
        await session.flush()
        return promoted, keys
