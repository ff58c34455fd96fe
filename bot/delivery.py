"""The one place the bot posts to Discord on its own (reminders, announcements, scheduled
events, change notices, routing notices, the digest), as opposed to answering an interaction.

Capabilities decide in the database what is due and enqueue it in the outbox (bot/outbox.py);
this object leases due rows, hands each to its capability's ``DeliveryKind`` handler, and
records the outcome of each send on its own: sent, released with backoff (5xx, 429, network
errors, timeouts), parked (403/404, with one clear log line naming the channel and what the bot
lacks there) or dropped. It paces DMs (Discord flags bots that mass-DM) in a lane of their own,
so a long run of DMs never holds up a channel reminder, and never pings unless asked."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Coroutine, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord

from bot.capability import DeliveryDropped, DeliveryKind
from bot.catalogues import use_language
from bot.i18n import resolve_language
from bot.outbox import DROPPED, PARKED, SENT, Outbox, Outgoing
from bot.ui.common import NO_MENTIONS
from db.preferences import get_preferences

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)
T = TypeVar("T")


class RateLimiter:
    """At most ``per_second`` acquisitions per second, in order."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            delay = self._next - now
            if delay > 0:
                await asyncio.sleep(delay)
                now = loop.time()
            self._next = max(now, self._next) + self.interval


SWEEP_JOB = "outbox:sweep"  # picks up released rows whose backoff is over, and expired leases
NEXT_JOB = "outbox:next"  # one timer at the next due row
PRUNE_JOB = "outbox:prune"  # old sent and dropped rows go
PRUNE_SECONDS = 6 * 3600
RETRYABLE = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
SEND_TIMEOUT = 60  # seconds; a send still hanging then is treated as a network failure
CHANNEL_LANE, DM_LANE = "channel", "dm"


class Delivery:
    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.app = bot.app
        self.dm_limiter = RateLimiter(bot.app.config.reminders.dm_per_second)
        self._tasks: set[asyncio.Task[Any]] = set()
        # who holds a lease: unique per process, so an instance started alongside never takes over
        # a row this one is sending
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.kinds: dict[str, DeliveryKind] = {
            kind: spec for capability in bot.app.capabilities for kind, spec in capability.deliveries.items()}
        self._lanes = {CHANNEL_LANE: asyncio.Lock(), DM_LANE: asyncio.Lock()}
        self._again = {CHANNEL_LANE: False, DM_LANE: False}
        self._warned: set[tuple[int | None, int]] = set()  # (channel, HTTP status) already logged at WARNING

    @property
    def outbox(self) -> Outbox:
        return self.app.outbox

    # ---- the outbox ------------------------------------------------------------------
    def start(self) -> None:
        """Called from setup_hook: the sweep job, and a first run for anything already due."""
        self.app.scheduler.interval(SWEEP_JOB, self.app.config.outbox.check_seconds, self._on_timer)
        self.app.scheduler.interval(PRUNE_JOB, PRUNE_SECONDS, self.prune)
        self.kick()

    async def prune(self) -> int:
        async with self.app.db.begin_write() as session:
            return await self.outbox.prune(session)

    async def _on_timer(self) -> None:
        self.kick()

    def kick(self, *, channel: bool = True, dm: bool = True) -> None:
        """Send whatever is due now, in the background (after enqueueing, or when a timer fires).
        A caller that knows it enqueued only one lane's rows wakes only that lane."""
        for lane, wanted in ((CHANNEL_LANE, channel), (DM_LANE, dm)):
            if wanted:
                self.spawn(self.run_due(lane), f"outbox-{lane}")

    async def run_due(self, lane: str = CHANNEL_LANE, *, now: datetime | None = None) -> int:
        """Send every due row of one lane; returns how many went out. One run per lane at a time: a
        run asked for meanwhile happens right after, so nothing enqueued during a run waits."""
        lock = self._lanes[lane]
        if lock.locked():
            self._again[lane] = True
            return 0
        sent = 0
        async with lock:
            await self.bot.wait_until_ready()
            while True:
                self._again[lane] = False
                async with self.app.db.begin_write() as session:
                    batch = await self.outbox.claim(session, self.owner, now=now, limit=16, dm=lane == DM_LANE)
                if batch:
                    # One send at a time: a crash leaves at most the send in flight unmarked (it
                    # goes out again once its lease expires, with the same nonce), and Discord
                    # rate-limits posts per channel anyway.
                    sent += await self._send_batch(batch)
                    continue
                if not self._again[lane]:
                    break
            await self._arm()
        return sent

    async def deliver_now(self, keys: Sequence[str], *, now: datetime | None = None) -> dict[str, str]:
        """Send these rows right away (e.g. an announcement the facilitator waits for); returns each
        key's outcome, so the command can say what went wrong. Rows another process holds, or not
        yet due, are left to it ("pending")."""
        async with self.app.db.begin_write() as session:
            batch = await self.outbox.claim(session, self.owner, keys=keys, limit=len(keys), now=now)
        found: dict[str, str] = {}
        await self._send_batch(batch, outcomes=found)
        await self._arm()  # a row released for a retry is due again at its backoff
        return {key: found.get(key, "pending") for key in keys}

    async def _send_batch(self, batch: list[Outgoing], outcomes: dict[str, str] | None = None) -> int:
        """Send leased rows one after another, but only while the lease is safely ours: rows not
        started before it runs low are handed back, so no other process can take over a row this
        one is still about to send (a slow Discord, a long DM queue)."""
        started = asyncio.get_running_loop().time()
        safe_for = self.outbox.lease.total_seconds() * 0.5
        sent = 0
        for i, row in enumerate(batch):
            if asyncio.get_running_loop().time() - started > safe_for:
                async with self.app.db.begin_write() as session:
                    await self.outbox.unlease(session, [r.id for r in batch[i:]], self.owner)
                break
            outcome = await self._deliver(row)
            sent += outcome == SENT
            if outcomes is not None:
                outcomes[row.key] = outcome
        return sent

    async def _arm(self) -> None:
        async with self.app.db.begin() as session:
            due = await self.outbox.next_due(session)
        if due is None:
            self.app.scheduler.cancel(NEXT_JOB)
        else:
            self.app.scheduler.at(NEXT_JOB, due, self._on_timer)

    async def _language_for(self, row: Outgoing) -> str:
        """A DM reads in its recipient's language (/language, else the Discord locale of their latest
        interaction, else the server's); a channel post in the server's."""
        default = self.app.guild.current.language
        if row.user_id is None:
            return default
        async with self.app.db.begin() as session:
            prefs = await get_preferences(session, row.user_id)
        return resolve_language(None, prefs.language, prefs.discord_locale, default=default)

    async def _deliver(self, row: Outgoing) -> str:
        """Send one row and record what happened to it, in its own transaction, right away."""
        outcome = await self._deliver_one(row)
        self.app.metrics.delivered("retried" if outcome == "retry" else outcome)
        return outcome

    async def _deliver_one(self, row: Outgoing) -> str:
        spec = self.kinds.get(row.kind)
        if spec is None:
            log.error("delivery %s has kind %r, which no capability handles; parked", row.key, row.kind)
            await self._record(row, PARKED, f"no handler for kind {row.kind!r}")
            return PARKED
        try:
            with use_language(await self._language_for(row)):
                result_id = await asyncio.wait_for(spec.send(self.bot, row), SEND_TIMEOUT)
        except DeliveryDropped as exc:
            log.info("delivery %s dropped: %s", row.key, exc)
            await self._record(row, DROPPED, str(exc) or "no longer wanted")
            return DROPPED
        except (discord.Forbidden, discord.NotFound) as exc:
            if row.user_id is not None and isinstance(exc, discord.Forbidden):
                # the member closed their DMs: retrying would only add failed requests
                log.info("DM %s not delivered: the member does not accept DMs from the bot", row.key)
                await self._record(row, DROPPED, "member does not accept DMs")
                return DROPPED
            self._warn_refused(row, spec, exc)
            await self._record(row, PARKED, f"{exc.status} {exc.text or exc}")
            return PARKED
        except discord.HTTPException as exc:
            if exc.status >= 500 or exc.status == 429:
                return await self._retry(row, f"HTTP {exc.status} {exc.text or exc}")
            log.warning("delivery %s refused by Discord (HTTP %s: %s); parked", row.key, exc.status, exc.text)
            await self._record(row, PARKED, f"{exc.status} {exc.text or exc}")
            return PARKED
        except RETRYABLE as exc:
            return await self._retry(row, f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly; it will be retried", row.key)
            return await self._retry(row, f"{type(exc).__name__}: {exc}")
        async with self.app.db.begin_write() as session:
            await self.outbox.mark_sent(session, row.id, result_id=result_id)
        return SENT

    async def _retry(self, row: Outgoing, error: str) -> str:
        async with self.app.db.begin_write() as session:
            again = await self.outbox.release(session, row.id, error)
        log.info("delivery %s failed (%s); trying again at %s", row.key, error, f"{again:%H:%M:%S} UTC")
        return "retry"

    async def _record(self, row: Outgoing, status: str, error: str) -> None:
        async with self.app.db.begin_write() as session:
            if status == PARKED:
                await self.outbox.park(session, row.id, error)
            else:
                await self.outbox.drop(session, row.id, error)

    def _warn_refused(self, row: Outgoing, spec: DeliveryKind, exc: discord.HTTPException) -> None:
        where = row.channel_id
        if (where, exc.status) in self._warned:
            log.info("delivery %s parked too (same refusal)", row.key)
            return
        self._warned.add((where, exc.status))
        what = "missing permission" if exc.status == 403 else "unknown channel or message"
        place = f"channel {where}" if where else "the server"
        log.warning(
            "cannot deliver to %s (%s: HTTP %s %s): the bot needs %s there. Deliveries to it are parked, "
            "not retried; after fixing it run `python -m bot outbox retry`.",
            place, what, exc.status, exc.text or "", spec.needs,
        )

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """A background task kept referenced until done (asyncio only keeps weak references)."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def busy(self) -> bool:
        """Background sends still running (DM batches, change notices)."""
        return bool(self._tasks)

    def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def post(self, channel_id: int, **kwargs: Any) -> discord.Message:
        """Post in a channel or thread; a ``nonce`` (sent with enforce_nonce by discord.py) lets
        Discord drop an accidental resend."""
        kwargs.setdefault("allowed_mentions", NO_MENTIONS)
        return await self.bot.get_partial_messageable(channel_id).send(**kwargs)

    async def edit(self, channel_id: int, message_id: int, **kwargs: Any) -> discord.Message:
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        return await message.edit(**kwargs)

    async def dm(self, user_id: int, **kwargs: Any) -> discord.Message:
        await self.dm_limiter.wait()
        channel = await self.bot.create_dm(discord.Object(user_id))
        kwargs.setdefault("allowed_mentions", NO_MENTIONS)
        return await channel.send(**kwargs)

    async def create_event(self, guild_id: int, *, reason: str, **payload: Any) -> int:
        event = await self.bot.http.create_guild_scheduled_event(guild_id, reason=reason, **payload)
        return int(event["id"])

    async def edit_event(self, guild_id: int, event_id: int, *, reason: str, **payload: Any) -> None:
        await self.bot.http.edit_scheduled_event(guild_id, event_id, reason=reason, **payload)
