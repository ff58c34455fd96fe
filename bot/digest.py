"""The weekly digest: sections contributed by the capabilities' records, in the list's order.

A provider is an async function of a ``DigestContext`` returning a ``DigestSection`` or None
(sessions: what is coming up; Q&A: newly solved, still unanswered). Never imports discord."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str | None = None
    when: datetime | None = None  # shown as a Discord timestamp when set
    when_style: Literal["R", "f"] = "R"  # relative ("in 3 days") or full date and time
    # a member the item is about, shown by name before the text (a mention in an embed pings no one)
    member_id: int | None = None


@dataclass(frozen=True)
class DigestSection:
    """One section; providers build it inside the delivery, so ``_()`` there is the digest's language."""

    title: str
    items: tuple[DigestItem, ...]
    empty_text: str = ""  # said when there are no items ("" : "Nothing this week.", in the digest's language)


@dataclass(frozen=True)
class Digest:
    since: datetime
    until: datetime
    sections: tuple[DigestSection, ...]


@dataclass(frozen=True)
class DigestContext:
    session: AsyncSession
    since: datetime  # the week the digest looks back on
    now: datetime
    get: Callable[[type[Any]], Any]  # a service by type (App.service)


DigestProvider = Callable[[DigestContext], Awaitable[DigestSection | None]]


async def build_digest(
    session: AsyncSession, providers: Sequence[DigestProvider], get: Callable[[type[Any]], Any], *, now: datetime,
) -> Digest:
    since = now - timedelta(days=7)
    context = DigestContext(session, since, now, get)
    sections = []
    for provider in providers:
        try:
            section = await provider(context)
        except Exception:
            log.exception("digest provider %r failed; the digest goes out without its section", provider)
            continue
        if section is not None:
            sections.append(section)
    return Digest(since, now, tuple(sections))


def week_key(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
