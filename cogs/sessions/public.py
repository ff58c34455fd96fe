"""What the public web site shows of sessions: past ones (newest first, with their materials) beside
``TrainingSessionService.upcoming``. Plain values and a database session in, frozen values out;
never imports discord."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.sessions.info import SessionPage, load_infos
from cogs.sessions.models import TrainingSession
from cogs.sessions.reading import filter_conditions
from db.models import utcnow


async def past_sessions(session: AsyncSession, *, now: datetime | None = None, page: int = 1,
                        page_size: int = 20, country: str | None = None, language: str | None = None,
                        series_id: int | None = None) -> SessionPage:
    """Sessions that have ended, the most recent first; cancelled ones (which never took place) are
    left out. ``country``, ``language`` (codes) and ``series_id`` filter as the calendar feeds do."""
    now = now or utcnow()
    conditions = [TrainingSession.end_utc <= now, TrainingSession.status == "scheduled",
                  *filter_conditions(country=country, language=language, series_id=series_id)]
    total = await session.scalar(select(func.count()).select_from(TrainingSession).where(*conditions)) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = (await session.scalars(select(TrainingSession).where(*conditions)
                                  .order_by(TrainingSession.start_utc.desc(), TrainingSession.id.desc())
                                  .offset((page - 1) * page_size).limit(page_size))).all()
    return SessionPage(tuple(await load_infos(session, rows)), total, page, pages)



async def series_choices(session: AsyncSession) -> list[tuple[int, str, datetime]]:
    """Every series as (id, title of its first occurrence, its first start), the latest first: what
    the sessions page offers to filter by."""
    first = (select(TrainingSession.series_id, func.min(TrainingSession.occurrence).label("occurrence"))
             .where(TrainingSession.series_id.is_not(None)).group_by(TrainingSession.series_id).subquery())
    rows = (await session.execute(
        select(TrainingSession.series_id, TrainingSession.title, TrainingSession.start_utc)
        .join(first, (TrainingSession.series_id == first.c.series_id)
              & (TrainingSession.occurrence == first.c.occurrence))
        .order_by(TrainingSession.start_utc.desc(), TrainingSession.series_id))).all()
    return [(int(sid), title, start) for sid, title, start in rows if sid is not None]
