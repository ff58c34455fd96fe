"""The weekly digest: upcoming sessions, plus sections other capabilities contribute.

Other capabilities (e.g. Q&A: "newly solved", "still unanswered") plug in by appending a
provider to ``App.digest_providers``: an async function (db session, since, now) returning
a ``DigestSection`` or None. Never imports discord."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cogs.sessions.service import SessionView, TrainingSessionService
from db.models import BotState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str | None = None
    when: datetime | None = None  # shown as a Discord timestamp when set


@dataclass(frozen=True)
class DigestSection:
    title: str
    items: tuple[DigestItem, ...]
    empty_text: str = "Nothing this week."


@dataclass(frozen=True)
class Digest:
    since: datetime
    until: datetime
    sessions: tuple[SessionView, ...]
    sections: tuple[DigestSection, ...]


DigestProvider = Callable[[AsyncSession, datetime, datetime], Awaitable[DigestSection | None]]


async def build_digest(
    session: AsyncSession, sessions: TrainingSessionService, providers: Sequence[DigestProvider], *, now: datetime,
    days_ahead: int = 7,
) -> Digest:
    page = await sessions.upcoming(session, now=now, page_size=25)
    soon = tuple(v for v in page.items if v.start_utc <= now + timedelta(days=days_ahead))
    since = now - timedelta(days=7)
    sections = []
    for provider in providers:
        try:
            section = await provider(session, since, now)
        except Exception:
            log.exception("digest provider %r failed; the digest goes out without its section", provider)
            continue
        if section is not None:
            sections.append(section)
    return Digest(since, now, soon, tuple(sections))


async def claim_digest(session: AsyncSession, week_key: str) -> bool:
    """True once per week key: a restart or a second scheduler fire does not post it twice."""
    key = f"digest:{week_key}"
    if await session.get(BotState, key) is not None:
        return False
    session.add(BotState(key=key, value="posted"))
    await session.flush()
    return True


async def release_digest(session: AsyncSession, week_key: str) -> None:
    row = await session.get(BotState, f"digest:{week_key}")
    if row is not None:
        await session.delete(row)


def week_key(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
