"""What the sessions capability keeps about a member: RSVPs, waitlist places, feedback, attendance, reminder DMs,
and who created or recorded what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import N_, _
from cogs.sessions.models import (
    CalendarFeedToken,
    SessionAttendance,
    SessionFeedback,
    SessionRsvp,
    SessionWaitlist,
    TrainingSeries,
    TrainingSession,
)

# labels marked for the catalogues; /privacy shows them in the member's language
PER_MEMBER: dict[Any, str] = {SessionRsvp: N_("session RSVPs"), SessionFeedback: N_("session feedback ratings"),
                              SessionAttendance: N_("session attendance records"),
                              SessionWaitlist: N_("session waitlist places")}


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    lines = []
    for model, label in PER_MEMBER.items():
        n = (await session.execute(select(func.count()).select_from(model).where(model.user_id == user_id))).scalar_one()
        lines.append(PrivacyLine(label, int(n)))
    feed = await session.get(CalendarFeedToken, user_id)  # its hash only: the link cannot be shown again
    lines.append(PrivacyLine(_("personal calendar feeds"), int(feed is not None),
                             feed.created_at if feed else None, feed.created_at if feed else None))
    return lines


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    def rows(model: Any) -> Any:
        return select(model).where(model.user_id == user_id).order_by(model.id)

    return {
        "session_rsvps": [
            {"session_id": r.session_id, "status": r.status, "updated_at": r.updated_at.isoformat()}
            for r in (await session.execute(rows(SessionRsvp))).scalars()
        ],
        "session_feedback": [
            {"session_id": f.session_id, "rating": f.rating, "comment": f.comment, "created_at": f.created_at.isoformat()}
            for f in (await session.execute(rows(SessionFeedback))).scalars()
        ],
        "session_attendance": [
            {"session_id": a.session_id, "attended": a.attended, "recorded_at": a.recorded_at.isoformat()}
            for a in (await session.execute(rows(SessionAttendance))).scalars()
        ],
        "session_waitlist": [
            {"session_id": w.session_id, "joined_at": w.joined_at.isoformat()}
            for w in (await session.execute(rows(SessionWaitlist))).scalars()
        ],
        # the secret itself is not exported: a copy of the export must not open the feed
        "personal_calendar_feed": (await session.get(CalendarFeedToken, user_id)) is not None,
        "sessions_created": [
            s for (s,) in (await session.execute(
                select(TrainingSession.id).where(TrainingSession.created_by == user_id).order_by(TrainingSession.id)))
        ],
    }


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """Deletes the member's own records; sessions they planned or attendance they recorded stay
    for the other members, without their id."""
    removed = 0
    statements = [
        *(delete(model).where(model.user_id == user_id) for model in PER_MEMBER),
        delete(CalendarFeedToken).where(CalendarFeedToken.user_id == user_id),
        update(TrainingSession).where(TrainingSession.created_by == user_id).values(created_by=0),
        update(TrainingSeries).where(TrainingSeries.created_by == user_id).values(created_by=0),
        update(SessionAttendance).where(SessionAttendance.recorded_by == user_id).values(recorded_by=0),
    ]
    for stmt in statements:
        removed += int(getattr(await session.execute(stmt), "rowcount", 0) or 0)
    return removed


PRIVACY = PrivacyHook(
    columns=[("session_rsvps", "user_id"), ("session_feedback", "user_id"), ("session_attendance", "user_id"),
             ("session_attendance", "recorded_by"), ("session_waitlist", "user_id"),
             ("training_sessions", "created_by"), ("training_series", "created_by"),
             ("calendar_feed_tokens", "user_id")],
    show=privacy_show, export=privacy_export, forget=privacy_forget,
)
