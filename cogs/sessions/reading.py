"""Reading capacity-building sessions: one, a series, the upcoming ones, autocomplete, what is due
an announcement, and their materials as resource catalogue entries. Never imports discord."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.content import Resource
from bot.digest import DigestContext, DigestItem, DigestSection
from bot.text import clean, optional_text, truncate
from cogs.sessions.info import SessionPage, TrainingSessionInfo, load_infos, load_row
from cogs.sessions.models import TrainingSession
from cogs.sessions.parsing import parse_countries, parse_languages
from cogs.sessions.wording import both_local
from db.models import utcnow


def filter_conditions(*, country: str | None = None, language: str | None = None,
                      series_id: int | None = None) -> list[Any]:
    """SQL conditions for sessions of a country (or for every country: none named), in a language, of
    a series: the same rule as the calendar feeds (cogs/sessions/feeds.py). The JSON lists are matched
    as their text ('["TH", "VN"]'): the same SQL on SQLite and PostgreSQL, and codes are fixed-format,
    so '"TH"' cannot match inside another value. ``country``/``language`` are codes already checked."""
    conditions: list[Any] = []
    if country:
        countries = cast(TrainingSession.countries, String)
        conditions.append(or_(countries == "[]", countries.like(f'%"{country}"%')))
    if language:
        conditions.append(cast(TrainingSession.languages, String).like(f'%"{language}"%'))
    if series_id is not None:
        conditions.append(TrainingSession.series_id == series_id)
    return conditions


class TrainingSessionService:
    async def get(self, session: AsyncSession, session_id: int | str) -> TrainingSessionInfo:
        return (await load_infos(session, [await load_row(session, session_id)]))[0]

    async def get_many(self, session: AsyncSession, session_ids: Iterable[int]) -> dict[int, TrainingSessionInfo]:
        ids = sorted(set(session_ids))
        if not ids:
            return {}
        rows = (await session.scalars(select(TrainingSession).where(TrainingSession.id.in_(ids)))).all()
        return {v.id: v for v in await load_infos(session, rows)}

    async def series(self, session: AsyncSession, series_id: int) -> list[TrainingSessionInfo]:
        rows = (await session.scalars(
            select(TrainingSession).where(TrainingSession.series_id == series_id).order_by(TrainingSession.occurrence)
        )).all()
        return await load_infos(session, rows)

    async def upcoming(
        self, session: AsyncSession, *, now: datetime | None = None, country: str | None = None,
        language: str | None = None, series_id: int | None = None, page: int = 1, page_size: int = 10,
        include_cancelled: bool = False, group_series: bool = False,
    ) -> SessionPage:
        """Upcoming sessions, soonest first. With ``group_series`` a series counts once, as its next
        occurrence, and ``SessionPage.more`` says how many more of it follow."""
        now = now or utcnow()
        country_code = parse_countries(country)[0] if optional_text(country, field="country", max_len=60) else None
        language_code = parse_languages(language)[0] if optional_text(language, field="language", max_len=60) else None
        conditions = [TrainingSession.end_utc > now,
                      *filter_conditions(country=country_code, language=language_code, series_id=series_id)]
        if not include_cancelled:
            conditions.append(TrainingSession.status == "scheduled")
        if group_series:
            return await self._grouped(session, conditions, page, page_size)
        total = await session.scalar(select(func.count()).select_from(TrainingSession).where(*conditions)) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        rows = (await session.scalars(select(TrainingSession).where(*conditions)
                                      .order_by(TrainingSession.start_utc, TrainingSession.id)
                                      .offset((page - 1) * page_size).limit(page_size))).all()
        return SessionPage(tuple(await load_infos(session, rows)), total, page, pages)

    async def _grouped(self, session: AsyncSession, conditions: list[Any], page: int, page_size: int) -> SessionPage:
        rows = (await session.execute(select(TrainingSession.id, TrainingSession.series_id).where(*conditions)
                                      .order_by(TrainingSession.start_utc, TrainingSession.id))).all()
        firsts: list[int] = []
        more: dict[int, int] = {}  # first id shown -> how many more of its series follow
        shown: dict[int, int] = {}  # series id -> the id shown for it
        for sid, series_id in rows:
            if series_id is None:
                firsts.append(sid)
            elif series_id in shown:
                more[shown[series_id]] += 1
            else:
                shown[series_id] = sid
                more[sid] = 0
                firsts.append(sid)
        total = len(firsts)
        pages = max(1, -(-total // page_size))
        page = min(max(page, 1), pages)
        ids = firsts[(page - 1) * page_size: page * page_size]
        loaded = await self.get_many(session, ids)
        items = tuple(loaded[i] for i in ids)
        return SessionPage(items, total, page, pages, tuple(more.get(i, 0) for i in ids))

    async def complete(self, session: AsyncSession, current: str, *, now: datetime | None = None,
                       include_past: bool = False, member_zone: str | None = None) -> list[tuple[str, str]]:
        """(label, id) pairs for autocomplete of a session option: each start in the session's own
        time and the member's (UTC when the member's zone is unknown), ≤ 100 characters."""
        now = now or utcnow()
        text = clean(current).lstrip("#").casefold()
        query = select(TrainingSession.id, TrainingSession.title, TrainingSession.start_utc, TrainingSession.status,
                       TrainingSession.timezone)
        if include_past:
            query = query.where(TrainingSession.start_utc > now - timedelta(days=60)).order_by(TrainingSession.start_utc.desc())
        else:
            query = query.where(TrainingSession.end_utc > now).order_by(TrainingSession.start_utc)
        out = []
        for sid, title, start, status, zone in (await session.execute(query.limit(500))).all():
            if text and text not in title.casefold() and text != str(sid):
                continue
            head = f"#{sid} {both_local(start, zone, member_zone)} · "
            name = _("{title} (cancelled)").format(title=title) if status == "cancelled" else title
            out.append((truncate(head + truncate(name, max(20, 100 - len(head))), 100), str(sid)))
            if len(out) == 25:
                break
        return out

    # ---- announcements and scheduled events: where each session was posted
    async def mark_announced(self, session: AsyncSession, session_id: int, channel_id: int, message_id: int) -> None:
        await session.execute(update(TrainingSession).where(TrainingSession.id == session_id)
                              .values(channel_id=channel_id, message_id=message_id))

    async def mark_event(self, session: AsyncSession, session_id: int, event_id: int | None) -> None:
        await session.execute(update(TrainingSession).where(TrainingSession.id == session_id).values(event_id=event_id))

    async def unannounced(self, session: AsyncSession, *, now: datetime | None = None) -> list[TrainingSessionInfo]:
        """Sessions due an announcement: upcoming, not announced yet (planned from the CLI, or posting
        failed), and for a series only its next occurrence, so the channel gets one post at a time."""
        now = now or utcnow()
        rows = (await session.scalars(
            select(TrainingSession).where(TrainingSession.status == "scheduled", TrainingSession.start_utc > now,
                                          TrainingSession.message_id.is_(None)).order_by(TrainingSession.start_utc)
        )).all()
        series_ids = {r.series_id for r in rows if r.series_id is not None}
        next_of: dict[int, int] = {}
        if series_ids:
            for sid, first in (await session.execute(
                    select(TrainingSession.series_id, func.min(TrainingSession.occurrence)).where(
                        TrainingSession.series_id.in_(series_ids), TrainingSession.status == "scheduled",
                        TrainingSession.end_utc > now).group_by(TrainingSession.series_id))).all():
                if sid is not None:
                    next_of[sid] = first
        due = [r for r in rows if r.series_id is None or next_of.get(r.series_id) == r.occurrence]
        return await load_infos(session, due)


    async def all_material_resources(self, session: AsyncSession) -> list[Resource]:
        rows = (await session.scalars(select(TrainingSession).where(
            (TrainingSession.recording_url.is_not(None)) | (TrainingSession.slides_url.is_not(None))))).all()
        return [res for v in await load_infos(session, rows) for res in material_resources(v)]



def material_resources(info: TrainingSessionInfo) -> list[Resource]:
    """Session materials as entries of the resource catalogue (so /resources finds them). In English,
    like every entry of the catalogue: it is built once, for everyone, not for one reader."""
    out = []
    summary = (info.description or f"{info.format_label} of the SSE community of practice.")[:380]
    languages = [lang for lang in info.languages if len(lang) in (2, 3)] or ["en"]
    for kind, url, label in (("recording", info.recording_url, "Recording"), ("slides", info.slides_url, "Slides")):
        if not url:
            continue
        out.append(Resource(
            id=f"session-{info.id}-{kind}", title=f"{label}: {info.title}"[:200], type=kind,  # type: ignore[arg-type]
            status="published",
            publisher="SSE community of practice", year=info.start_utc.year,
            countries=list(info.countries),  # type: ignore[arg-type]
            topics=["capacity-building"], languages=languages, url=url, summary=summary,
        ))
    return out



# --------------------------------------------------------------------------- weekly digest
async def upcoming_digest(ctx: DigestContext) -> DigestSection:
    """Weekly digest section: sessions starting in the next 7 days."""
    sessions: TrainingSessionService = ctx.get(TrainingSessionService)
    page = await sessions.upcoming(ctx.session, now=ctx.now, page_size=25)
    soon = [v for v in page.items if v.start_utc <= ctx.now + timedelta(days=7)]
    items = tuple(DigestItem(f"#{v.id} {v.title}", when=v.start_utc, when_style="f") for v in soon)
    # built when the digest is sent, in the server's language (the outbox delivery sets it)
    return DigestSection(_("Upcoming sessions"), items, _("No sessions planned in the next 7 days."))
