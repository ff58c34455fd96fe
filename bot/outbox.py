"""The outbox: every delivery the bot makes on its own is a row here first (never imports discord).

Enqueue with a ``key`` (idempotent: the same key is never stored twice), inside the same
transaction that decided the delivery is due. A sender then ``claim``s due rows: each gets a
lease (owner + expiry), so an overlapping instance (rolling deploy) or one started after a crash
takes a row over only once the lease has expired. Each row is marked sent right after its own
send; a failure worth retrying releases it with backoff; a refusal that will not fix itself
(403, 404) parks it; ``python -m bot status`` lists parked rows and ``python -m bot outbox retry``
puts them back in line."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from db.models import OutboxDelivery, utcnow
from db.upsert import insert_ignore

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

PENDING, SENT, PARKED, DROPPED = "pending", "sent", "parked", "dropped"
# Sent and dropped rows are kept this long (for `status` and support), then deleted: by then every
# key they guard belongs to a past week, session or reminder that nothing enqueues again.
KEEP_DONE = timedelta(days=30)


@dataclass(frozen=True)
class Outgoing:
    """A leased delivery, handed to its capability's handler."""

    id: int
    key: str
    kind: str
    channel_id: int | None
    user_id: int | None
    params: dict[str, Any]
    due_at: datetime
    attempts: int

    @property
    def nonce(self) -> str:
        """Stable across retries: Discord drops a message whose nonce it saw moments ago."""
        return f"sse-o{self.id}"


@dataclass(frozen=True)
class OutboxRow:
    """A delivery as ``python -m bot outbox`` shows it."""

    id: int
    key: str
    kind: str
    channel_id: int | None
    user_id: int | None
    status: str
    attempts: int
    due_at: datetime
    last_error: str | None


class Outbox:
    def __init__(self, config: Config, metrics: Metrics | None = None):
        self.metrics = metrics
        self.lease = timedelta(seconds=config.outbox.lease_seconds)
        self.retry = timedelta(seconds=config.outbox.retry_seconds)
        self.max_retry = timedelta(seconds=config.outbox.max_retry_seconds)

    async def enqueue(
        self, session: AsyncSession, key: str, kind: str, *, channel_id: int | None = None,
        user_id: int | None = None, params: dict[str, Any] | None = None, due_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> bool:
        """Store a delivery unless one with this key exists; True when it was new."""
        result = await session.execute(insert_ignore(session, OutboxDelivery, {
            "key": key, "kind": kind, "channel_id": channel_id, "user_id": user_id, "params": params or {},
            "due_at": due_at or utcnow(), "expires_at": expires_at, "status": PENDING, "attempts": 0,
            "created_at": utcnow(),
        }, keys=("key",)))
        return bool(getattr(result, "rowcount", 0))

    async def claim(
        self, session: AsyncSession, owner: str, *, now: datetime | None = None, limit: int = 20,
        keys: Sequence[str] | None = None, dm: bool | None = None,
    ) -> list[Outgoing]:
        """Lease up to ``limit`` due rows for ``owner`` (only DMs, only channel posts, or both).
        Rows leased by another owner whose lease has not expired are left alone; rows past their
        ``expires_at`` are dropped."""
        now = now or utcnow()
        free = or_(OutboxDelivery.lease_until.is_(None), OutboxDelivery.lease_until < now)
        due = [OutboxDelivery.status == PENDING, OutboxDelivery.due_at <= now, free]
        if keys is not None:
            due.append(OutboxDelivery.key.in_(list(keys)))
        if dm is not None:
            due.append(OutboxDelivery.user_id.is_not(None) if dm else OutboxDelivery.user_id.is_(None))
        expired = await session.execute(update(OutboxDelivery).where(
            *due, OutboxDelivery.expires_at.is_not(None), OutboxDelivery.expires_at < now,
        ).values(status=DROPPED, last_error="expired before it could be sent", lease_owner=None, lease_until=None)
         .returning(OutboxDelivery.key))
        for key in expired.scalars():
            log.warning("delivery %s dropped: its time had passed before it could be sent", key)
            if self.metrics is not None:
                self.metrics.delivered("dropped")
        # SKIP LOCKED (PostgreSQL; SQLite has one writer and ignores it): a second sender claiming at
        # the same moment takes the next rows instead of waiting for, then losing, the same ones.
        candidates = (select(OutboxDelivery.id).where(*due)
                      .order_by(OutboxDelivery.due_at, OutboxDelivery.id).limit(limit)
                      .with_for_update(skip_locked=True).scalar_subquery())
        # The conditions are repeated on the UPDATE itself: PostgreSQL re-checks them on a row another
        # transaction changed meanwhile, and SQLite runs one writer at a time, so a row is leased once.
        leased = await session.execute(
            update(OutboxDelivery).where(OutboxDelivery.id.in_(candidates), *due)
            .values(lease_owner=owner, lease_until=now + self.lease)
            .returning(OutboxDelivery.id, OutboxDelivery.key, OutboxDelivery.kind, OutboxDelivery.channel_id,
                       OutboxDelivery.user_id, OutboxDelivery.params, OutboxDelivery.due_at, OutboxDelivery.attempts)
        )
        rows = [Outgoing(*row) for row in leased.all()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    async def unlease(self, session: AsyncSession, delivery_ids: Sequence[int], owner: str) -> None:
        """Hand back rows this owner leased but did not start: free for the next claim at once."""
        if delivery_ids:
            await session.execute(update(OutboxDelivery).where(
                OutboxDelivery.id.in_(list(delivery_ids)), OutboxDelivery.lease_owner == owner,
                OutboxDelivery.status == PENDING).values(lease_owner=None, lease_until=None))

    async def mark_sent(self, session: AsyncSession, delivery_id: int, *, result_id: int | None = None,
                        now: datetime | None = None) -> None:
        await session.execute(update(OutboxDelivery).where(OutboxDelivery.id == delivery_id).values(
            status=SENT, sent_at=now or utcnow(), result_id=result_id, lease_owner=None, lease_until=None,
            last_error=None))

    async def release(self, session: AsyncSession, delivery_id: int, error: str, *, now: datetime | None = None
                      ) -> datetime:
        """A failure worth retrying: due again after a backoff that doubles per attempt."""
        now = now or utcnow()
        attempts = await session.scalar(select(OutboxDelivery.attempts).where(OutboxDelivery.id == delivery_id)) or 0
        wait = min(self.retry * (2 ** min(attempts, 16)), self.max_retry)
        await session.execute(update(OutboxDelivery).where(OutboxDelivery.id == delivery_id).values(
            attempts=attempts + 1, due_at=now + wait, lease_owner=None, lease_until=None, last_error=error[:500]))
        return now + wait

    async def park(self, session: AsyncSession, delivery_id: int, error: str) -> None:
        """Discord refused in a way retrying will not fix: kept, not retried, until someone does."""
        await session.execute(update(OutboxDelivery).where(OutboxDelivery.id == delivery_id).values(
            status=PARKED, attempts=OutboxDelivery.attempts + 1, lease_owner=None, lease_until=None,
            last_error=error[:500]))

    async def drop(self, session: AsyncSession, delivery_id: int, reason: str) -> None:
        """Nothing to send any more (the session was cancelled, the member does not take DMs)."""
        await session.execute(update(OutboxDelivery).where(OutboxDelivery.id == delivery_id).values(
            status=DROPPED, lease_owner=None, lease_until=None, last_error=reason[:500]))

    async def cancel(self, session: AsyncSession, key_prefix: str, reason: str) -> int:
        """Drop pending deliveries whose key starts with ``key_prefix`` (e.g. one session's notices)."""
        result = await session.execute(update(OutboxDelivery).where(
            OutboxDelivery.status == PENDING, OutboxDelivery.key.startswith(key_prefix, autoescape=True),
        ).values(status=DROPPED, last_error=reason[:500]))
        return int(getattr(result, "rowcount", 0) or 0)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        """When the next pending row can be sent (its due time, or when its lease runs out)."""
        free_due = await session.scalar(select(func.min(OutboxDelivery.due_at)).where(
            OutboxDelivery.status == PENDING, OutboxDelivery.lease_until.is_(None)))
        leased_until = await session.scalar(select(func.min(OutboxDelivery.lease_until)).where(
            OutboxDelivery.status == PENDING, OutboxDelivery.lease_until.is_not(None)))
        times = [t for t in (free_due, leased_until) if t is not None]
        return min(times) if times else None

    async def rows(self, session: AsyncSession, *, statuses: Sequence[str] = (PARKED,), limit: int = 200
                   ) -> list[OutboxRow]:
        found = await session.scalars(select(OutboxDelivery).where(OutboxDelivery.status.in_(list(statuses)))
                                      .order_by(OutboxDelivery.id).limit(limit))
        return [OutboxRow(r.id, r.key, r.kind, r.channel_id, r.user_id, r.status, r.attempts, r.due_at, r.last_error)
                for r in found]

    async def counts(self, session: AsyncSession) -> dict[str, int]:
        found = await session.execute(select(OutboxDelivery.status, func.count()).group_by(OutboxDelivery.status))
        return {status: int(n) for status, n in found.all()}

    async def retry_parked(self, session: AsyncSession, ids: Sequence[int] | None = None,
                           now: datetime | None = None) -> int:
        """Put parked rows back in line (after the permission or channel was fixed)."""
        where = [OutboxDelivery.status == PARKED]
        if ids is not None:
            where.append(OutboxDelivery.id.in_(list(ids)))
        result = await session.execute(update(OutboxDelivery).where(and_(*where)).values(
            status=PENDING, due_at=now or utcnow(), lease_owner=None, lease_until=None))
        return int(getattr(result, "rowcount", 0) or 0)

    async def prune(self, session: AsyncSession, *, now: datetime | None = None) -> int:
        """Delete sent and dropped rows older than ``KEEP_DONE`` (parked ones wait for a person)."""
        result = await session.execute(delete(OutboxDelivery).where(
            OutboxDelivery.status.in_((SENT, DROPPED)), OutboxDelivery.created_at < (now or utcnow()) - KEEP_DONE))
        return int(getattr(result, "rowcount", 0) or 0)
