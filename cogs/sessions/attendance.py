"""After a capacity-building session: who attended, and their feedback. Never imports discord.

Members record their own attendance from the follow-up DM, and rate a session they attended;
both are refused to members the session never expected (no RSVP, not marked by a facilitator)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.config import Config
from bot.errors import InvalidInput, NotAllowed
from bot.guild import GuildSettings
from bot.permissions import Actor, is_facilitator
from bot.text import clean, optional_text
from cogs.sessions.info import TrainingSessionInfo, load_infos, load_row
from cogs.sessions.models import SessionAttendance, SessionFeedback, SessionRsvp
from cogs.sessions.rsvp import COMING
from cogs.sessions.wording import facilitators_only
from db.models import utcnow
from db.upsert import insert_ignore, upsert


class AttendanceService:
    def __init__(self, config: Config, guild: GuildSettings | None = None):
        self.config = config
        self.guild = guild or GuildSettings(config)  # facilitator roles: /setup, else config.yaml

    async def _expected(self, session: AsyncSession, session_id: int, user_id: int) -> bool:
        """The member RSVPed going or interested, or a facilitator already marked them present."""
        rsvp = await session.scalar(select(SessionRsvp.status).where(
            SessionRsvp.session_id == session_id, SessionRsvp.user_id == user_id))
        if rsvp in COMING:
            return True
        marked = await session.scalar(select(SessionAttendance.attended).where(
            SessionAttendance.session_id == session_id, SessionAttendance.user_id == user_id))
        return bool(marked)

    async def record_attendance(
        self, session: AsyncSession, actor: Actor, session_id: int | str, user_id: int, attended: bool = True,
        *, now: datetime | None = None,
    ) -> TrainingSessionInfo:
        """A facilitator records attendance; a member may record only their own (from the follow-up DM)."""
        now = now or utcnow()
        if actor.user_id != user_id:
            facilitators_only(actor, self.guild.current, _("Only facilitators can record attendance for others."))
        row = await load_row(session, session_id)
        if row.status == "cancelled":
            raise InvalidInput(_("This session was cancelled."))
        if row.start_utc > now:
            raise InvalidInput(_("Attendance can be recorded once the session has started."))
        if not is_facilitator(actor, self.guild.current) and not await self._expected(session, row.id, user_id):
            # The follow-up buttons carry only the session id: anyone could forge one for any session.
            raise NotAllowed(_("Attendance is recorded for members who RSVPed to this session. If you did attend, "
                               "please ask a facilitator to record it."))
        await session.execute(upsert(session, SessionAttendance, {
            "session_id": row.id, "user_id": user_id, "attended": attended, "recorded_by": actor.user_id,
            "recorded_at": now,
        }, keys=("session_id", "user_id"), update=("attended", "recorded_by", "recorded_at")))
        return (await load_infos(session, [row]))[0]

    async def attended(self, session: AsyncSession, actor: Actor, session_id: int | str) -> list[int]:
        facilitators_only(actor, self.guild.current, _("Only facilitators can see attendance."))
        row = await load_row(session, session_id)
        return sorted((await session.scalars(select(SessionAttendance.user_id).where(
            SessionAttendance.session_id == row.id, SessionAttendance.attended.is_(True)))).all())

    async def submit_feedback(
        self, session: AsyncSession, session_id: int | str, user_id: int, rating: str | int, comment: str | None,
        *, now: datetime | None = None,
    ) -> TrainingSessionInfo:
        now = now or utcnow()
        try:
            stars = int(clean(str(rating)))
        except ValueError:
            raise InvalidInput(_("Please rate the session with a number from 1 to 5.")) from None
        if not 1 <= stars <= 5:
            raise InvalidInput(_("Please rate the session with a number from 1 to 5."))
        text = optional_text(comment, field="comment", max_len=1500, multiline=True)
        row = await load_row(session, session_id)
        if row.start_utc > now:
            raise InvalidInput(_("Feedback opens once the session has started."))
        attended = await session.scalar(select(SessionAttendance.attended).where(
            SessionAttendance.session_id == row.id, SessionAttendance.user_id == user_id))
        if not attended:
            raise NotAllowed(_("Feedback is for members who attended this session."))
        stored = await session.scalar(insert_ignore(session, SessionFeedback, {
            "session_id": row.id, "user_id": user_id, "rating": stars, "comment": text, "created_at": now,
        }, keys=("session_id", "user_id")).returning(SessionFeedback.id))
        if stored is None:
            raise InvalidInput(_("You already sent feedback for this session. Thank you!"))
        return (await load_infos(session, [row]))[0]

    async def feedback_summary(self, session: AsyncSession, actor: Actor, session_id: int | str) -> tuple[int, float]:
        facilitators_only(actor, self.guild.current, _("Only facilitators can see feedback."))
        row = await load_row(session, session_id)
        n, avg = (await session.execute(select(func.count(), func.avg(SessionFeedback.rating)).where(
            SessionFeedback.session_id == row.id))).one()
        return int(n or 0), float(avg or 0.0)

