"""The Q&A post lifecycle and recognition of helpers (never imports discord).

- ``/close`` and ``/reopen``: the asker or a facilitator, checked here whatever the entry point;
- the nudge: a post with replies but no accepted answer after ``qa.nudge_after_days`` reminds its
  asker once how to mark one;
- the auto-close: a post silent for ``qa.close_after_days`` is closed with a note;
- ``/helpers`` and the digest's thank-you line: members whose answers were accepted, per month.

The nudge and the auto-close are claimed with a conditional UPDATE in the transaction that
enqueues their outbox row (cogs/qa/jobs.py), so each happens once, even with two instances or after
a restart. Every step is recorded in ``qa_post_events`` with who took it and when."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _, format_number, format_when, ngettext
from bot.config import Config
from bot.digest import DigestContext, DigestItem, DigestSection
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.guild import GuildSettings
from bot.permissions import Actor, is_facilitator
from bot.text import safe_echo
from cogs.profiles.models import MemberProfile
from cogs.qa.models import AUTO_CLOSE, CLOSE, NUDGE, REOPEN, PostEvent, Question
from cogs.search.models import ArchivedMessage

RESOLVED, UNRESOLVED, INACTIVE = "resolved", "unresolved", "inactive"
HELPERS_PER_PAGE = 20
DIGEST_TOP_HELPERS = 3
BATCH = 50  # posts claimed per run of the job; the next run takes the rest
MONTH = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*$")


@dataclass(frozen=True)
class PostState:
    thread_id: int
    guild_id: int
    author_id: int
    title: str
    reason: str | None  # why it was closed; None when open


@dataclass(frozen=True)
class Nudge:
    thread_id: int
    guild_id: int
    author_id: int
    title: str


@dataclass(frozen=True)
class AutoClose:
    thread_id: int
    guild_id: int
    title: str
    event_id: int  # the auto_close event: one outbox row per closing


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """The month's first instant and the next month's, in ``zone``."""
        tz = ZoneInfo(zone)
        start = datetime(self.year, self.month, 1, tzinfo=tz)
        end = datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=tz)
        return start, end

    def label(self, zone: str) -> str:
        """The month in the reader's language ("December 2026", "ธันวาคม 2026")."""
        return format_when(self.bounds(zone)[0] + timedelta(days=1), zone, date="yMMMM", time=None)


@dataclass(frozen=True)
class Helper:
    user_id: int
    accepted: int  # answers of theirs the asker (or a facilitator) accepted in the month


@dataclass(frozen=True)
class HelpersPage:
    month: Month
    helpers: tuple[Helper, ...]
    page: int
    pages: int
    total: int  # members counted in the month


def month_of(now: datetime, zone: str) -> Month:
    local = now.astimezone(ZoneInfo(zone))
    return Month(local.year, local.month)


def parse_month(text: str | None, zone: str, now: datetime) -> Month:
    """``2026-11`` (also ``2026/11``, ``2026.11``); empty: this month in the community's zone."""
    if text is None or not text.strip():
        return month_of(now, zone)
    found = MONTH.match(text)
    if found and 1 <= int(found[2]) <= 12 and 2000 <= int(found[1]) <= 2100:
        return Month(int(found[1]), int(found[2]))
    raise InvalidInput(_("I couldn't read the month “{typed}”. Please write it as year-month, for example "
                         "{example}.").format(typed=safe_echo(text, 40), example=month_of(now, zone).key))


class LifecycleService:
    def __init__(self, config: Config, guild: GuildSettings | None = None):
        self.config = config
        self.guild = guild or GuildSettings(config)

    @property
    def zone(self) -> str:
        return self.guild.current.timezone

    async def _own_post(self, session: AsyncSession, actor: Actor, thread_id: int, refusal: str) -> Question:
        question = await session.get(Question, thread_id)
        if question is None:
            raise NotFound(_("This command works inside a question post of the Q&A forum."))
        if actor.user_id != question.author_id and not is_facilitator(actor, self.guild.current):
            raise NotAllowed(refusal)
        return question

    async def close_post(self, session: AsyncSession, actor: Actor, thread_id: int, resolved: bool | None,
                    now: datetime) -> PostState:
        """The asker or a facilitator closes a post; ``resolved`` None: resolved when an answer was accepted."""
        question = await self._own_post(session, actor, thread_id,
                                        _("Only the person who asked, or a facilitator, can close this post."))
        reason = RESOLVED if (question.solved_at is not None if resolved is None else resolved) else UNRESOLVED
        closed = await session.execute(update(Question).where(
            Question.thread_id == thread_id, Question.closed_at.is_(None)).values(closed_at=now, close_reason=reason))
        if getattr(closed, "rowcount", 1) != 1:  # closed already (or by someone else a moment ago)
            raise InvalidInput(_("This post is already closed. Use /reopen here to open it again."))
        session.add(PostEvent(thread_id=thread_id, action=CLOSE, by_user_id=actor.user_id, reason=reason, at=now))
        await session.flush()
        return PostState(thread_id, question.guild_id, question.author_id, question.title, reason)

    async def reopen_post(self, session: AsyncSession, actor: Actor, thread_id: int, now: datetime) -> PostState:
        question = await self._own_post(session, actor, thread_id,
                                        _("Only the person who asked, or a facilitator, can reopen this post."))
        opened = await session.execute(update(Question).where(
            Question.thread_id == thread_id, Question.closed_at.is_not(None),
        ).values(closed_at=None, close_reason=None, reopened_at=now))
        if getattr(opened, "rowcount", 1) != 1:
            raise InvalidInput(_("This post is open already."))
        session.add(PostEvent(thread_id=thread_id, action=REOPEN, by_user_id=actor.user_id, at=now))
        await session.flush()
        return PostState(question.thread_id, question.guild_id, question.author_id, question.title, None)

    async def reply_arrived(self, session: AsyncSession, thread_id: int, author_id: int, at: datetime) -> bool:
        """A member wrote in a closed post (Discord unarchives it then): the post is open again."""
        opened = await session.execute(update(Question).where(
            Question.thread_id == thread_id, Question.closed_at.is_not(None), Question.closed_at < at,
        ).values(closed_at=None, close_reason=None, reopened_at=at))
        if getattr(opened, "rowcount", 0) != 1:
            return False
        session.add(PostEvent(thread_id=thread_id, action=REOPEN, by_user_id=author_id, reason="reply", at=at))
        return True

    async def state(self, session: AsyncSession, thread_id: int) -> Question | None:
        return await session.get(Question, thread_id)

    async def events(self, session: AsyncSession, thread_id: int) -> list[tuple[str, int | None, str | None]]:
        """(action, by whom, reason) of a post's steps, oldest first."""
        rows = await session.execute(select(PostEvent.action, PostEvent.by_user_id, PostEvent.reason)
                                     .where(PostEvent.thread_id == thread_id).order_by(PostEvent.at, PostEvent.id))
        return [(a, b, r) for a, b, r in rows.all()]

    # ------------------------------------------------------------------ on its own
    async def due_nudges(self, session: AsyncSession, now: datetime) -> list[Nudge]:
        """Posts with a reply at least ``qa.nudge_after_days`` old, no accepted answer, open, never
        nudged: each claimed (nudged_at set) before it is returned, so it is reminded once."""
        days = self.config.qa.nudge_after_days
        if not days:
            return []
        rows = (await session.execute(select(Question).where(
            Question.first_reply_at.is_not(None), Question.first_reply_at <= now - timedelta(days=days),
            Question.solved_at.is_(None), Question.closed_at.is_(None), Question.nudged_at.is_(None),
            Question.author_id != 0,
        ).order_by(Question.first_reply_at).limit(BATCH))).scalars().all()
        out = []
        for q in rows:
            claimed = await session.execute(update(Question).where(
                Question.thread_id == q.thread_id, Question.nudged_at.is_(None)).values(nudged_at=now))
            if getattr(claimed, "rowcount", 1) == 1:
                session.add(PostEvent(thread_id=q.thread_id, action=NUDGE, at=now))
                out.append(Nudge(q.thread_id, q.guild_id, q.author_id, q.title))
        return out

    async def due_closes(self, session: AsyncSession, now: datetime) -> list[AutoClose]:
        """Open posts with no message (and no reopening) for ``qa.close_after_days``, claimed closed."""
        days = self.config.qa.close_after_days
        if not days:
            return []
        cutoff = now - timedelta(days=days)
        recent = exists().where(ArchivedMessage.thread_id == Question.thread_id, ArchivedMessage.created_at > cutoff)
        rows = (await session.execute(select(Question).where(
            Question.closed_at.is_(None), func.coalesce(Question.reopened_at, Question.created_at) <= cutoff, ~recent,
        ).order_by(Question.created_at).limit(BATCH))).scalars().all()
        out = []
        for q in rows:
            claimed = await session.execute(update(Question).where(
                Question.thread_id == q.thread_id, Question.closed_at.is_(None),
            ).values(closed_at=now, close_reason=INACTIVE))
            if getattr(claimed, "rowcount", 1) != 1:
                continue
            event = PostEvent(thread_id=q.thread_id, action=AUTO_CLOSE, reason=INACTIVE, at=now)
            session.add(event)
            await session.flush()
            out.append(AutoClose(q.thread_id, q.guild_id, q.title, event.id))
        return out

    async def still_to_nudge(self, session: AsyncSession, thread_id: int) -> bool:
        """Still worth the reminder when the outbox sends it: open, no accepted answer, asker known."""
        q = await session.get(Question, thread_id)
        return q is not None and q.solved_at is None and q.closed_at is None and q.author_id != 0

    async def still_auto_closed(self, session: AsyncSession, thread_id: int, event_id: int) -> bool:
        """The post is still closed by that very auto-close (nobody reopened it meanwhile)."""
        later = exists().where(PostEvent.thread_id == thread_id, PostEvent.id > event_id,
                               PostEvent.action == REOPEN)
        q = await session.get(Question, thread_id)
        return (q is not None and q.close_reason == INACTIVE
                and not (await session.execute(select(later))).scalar())

    # ------------------------------------------------------------------ recognition
    def _accepted(self, month: Month) -> Any:
        start, end = month.bounds(self.zone)
        return and_(Question.solved_at >= start, Question.solved_at < end,
                    ArchivedMessage.author_id != Question.author_id, ArchivedMessage.author_id != 0)

    async def helpers(self, session: AsyncSession, month: Month, page: int = 1,
                      per_page: int = HELPERS_PER_PAGE) -> HelpersPage:
        """Members whose answers were accepted in ``month`` (counted by when they were accepted),
        most accepted first. Answering one's own question does not count."""
        counted = (select(ArchivedMessage.author_id.label("user_id"), func.count().label("n"))
                   .select_from(Question).join(ArchivedMessage, ArchivedMessage.id == Question.answer_id)
                   .where(self._accepted(month)).group_by(ArchivedMessage.author_id))
        total = int((await session.execute(select(func.count()).select_from(counted.subquery()))).scalar_one())
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        rows = await session.execute(counted.order_by(func.count().desc(), ArchivedMessage.author_id)
                                     .limit(per_page).offset((page - 1) * per_page))
        return HelpersPage(month, tuple(Helper(int(u), int(n)) for u, n in rows.all()), page, pages, total)

    async def top_helpers(self, session: AsyncSession, month: Month, limit: int = DIGEST_TOP_HELPERS
                          ) -> list[Helper]:
        """The month's top helpers who have a member profile (removing it takes a member out)."""
        rows = await session.execute(
            select(ArchivedMessage.author_id, func.count()).select_from(Question)
            .join(ArchivedMessage, ArchivedMessage.id == Question.answer_id)
            .join(MemberProfile, MemberProfile.user_id == ArchivedMessage.author_id)
            .where(self._accepted(month)).group_by(ArchivedMessage.author_id)
            .order_by(func.count().desc(), ArchivedMessage.author_id).limit(limit))
        return [Helper(int(u), int(n)) for u, n in rows.all()]


async def helpers_digest(ctx: DigestContext) -> DigestSection | None:
    """Weekly digest: thanks to this month's top helpers (only members with a profile), each named
    by the digest (a mention in an embed shows the name and pings no one)."""
    service: LifecycleService = ctx.get(LifecycleService)
    month = month_of(ctx.now, service.zone)
    top = await service.top_helpers(ctx.session, month)
    if not top:
        return None
    items = tuple(DigestItem(ngettext("{count} accepted answer this month", "{count} accepted answers this month",
                                      h.accepted).format(count=format_number(h.accepted)), member_id=h.user_id)
                  for h in top)
    return DigestSection(_("Thank you to this month's top helpers!"), items)


# --------------------------------------------------------------------------- privacy
async def events_count(session: AsyncSession, user_id: int) -> int:
    return int((await session.execute(select(func.count()).select_from(PostEvent)
                                      .where(PostEvent.by_user_id == user_id))).scalar_one())


async def events_export(session: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    rows = (await session.execute(select(PostEvent).where(PostEvent.by_user_id == user_id)
                                  .order_by(PostEvent.at, PostEvent.id))).scalars().all()
    return [{"thread_id": str(e.thread_id), "action": e.action, "reason": e.reason, "at": e.at.isoformat()}
            for e in rows]


async def events_forget(session: AsyncSession, user_id: int) -> int:
    """What happened to the post stays; who did it goes."""
    result = await session.execute(update(PostEvent).where(PostEvent.by_user_id == user_id).values(by_user_id=None))
    return int(getattr(result, "rowcount", 0) or 0)
