"""What the public web site shows of sessions: past ones (newest first, with their materials) beside
``TrainingSessionService.upcoming``. Plain values and a database session in, frozen values out;
never imports discord."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.sessions.info import SessionPage, load_infos
from cogs.sessions.models import TrainingSession
from db.models import utcnow


async def past_sessions(session: AsyncSession, *, now: datetime | None = None, page: int = 1,
                        page_size: int = 20) -> SessionPage:
    """Sessions that have ended, the most recent first; cancelled ones (which never took place) are
    left out."""
    now = now or utcnow()
    conditions = [TrainingSession.end_utc <= now, TrainingSession.status == "scheduled"]
    total = await session.scalar(select(func.count()).select_from(TrainingSession).where(*conditions)) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = (await session.scalars(select(TrainingSession).where(*conditions)
                                  .order_by(TrainingSession.start_utc.desc(), TrainingSession.id.desc())
                                  .offset((page - 1) * page_size).limit(page_size))).all()
    return SessionPage(tuple(await load_infos(session, rows)), total, page, pages)

