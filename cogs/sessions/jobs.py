"""Session side effects on Discord: announcements, scheduled events, reminders, DMs.

The database decides; sending goes through the bot's one ``DirectReminder``. The reminder timer is
rebuilt from the reminder rows at start (one timer, armed at the earliest unsent reminder);
each fire claims rows, sends each (with a nonce Discord uses to drop a resend) and marks it sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot.text import truncate
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.reminders import CHANNEL, FOLLOWUP_DM, DirectReminder, DueReminder, ReminderService
from cogs.sessions.ui import announcement_embed, change_text, followup_text, jump_url, reminder_text
from db.models import utcnow

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)

TICK_JOB = "sessions:reminders"  # one timer, armed at the next due reminder (RoboDanny's pattern)
SWEEP_SECONDS = 60  # the sweep job in cogs/sessions/capability.py runs this often
T = TypeVar("T")
ViewFactory = Callable[[TrainingSessionInfo], discord.ui.View | None]


def event_payload(training_session: TrainingSessionInfo, fallback_location: str) -> dict[str, Any]:
    location = training_session.join_url if training_session.join_url and len(training_session.join_url) <= 100 else fallback_location
    return {
        "name": truncate(training_session.title, 100),
        "description": truncate(training_session.description or f"{training_session.format_label} of the SSE community of practice.", 1000),
        "scheduled_start_time": training_session.start_utc.isoformat(),
        "scheduled_end_time": training_session.end_utc.isoformat(),
        "privacy_level": 2,  # guild only
        "entity_type": 3,  # external: a link rather than a voice channel
        "entity_metadata": {"location": truncate(location, 100)},
    }


class SessionJobs:
    """The sessions capability's side on Discord, one per bot (``bot.runtime(SessionJobs)``)."""

    def __init__(self, bot: SSEBot):
        from cogs.sessions.components import followup_view, rsvp_view  # the components import this module

        self.bot = bot
        self.app = bot.app
        self.delivery = bot.delivery
        self.rsvp_view: ViewFactory = rsvp_view
        self.followup_view: ViewFactory = followup_view
        self._ticking = asyncio.Lock()  # one tick at a time; a tick asked for meanwhile runs right after
        self._tick_again = False

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        return self.delivery.spawn(coro, name)

    def stop(self) -> None:
        """The cog is unloading: no more reminder timer."""
        self.app.scheduler.cancel(TICK_JOB)

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.app.config

    # ---- scheduling ------------------------------------------------------------------
    async def rebuild(self) -> datetime | None:
        """Rebuild the timer from the database: armed at the earliest unsent reminder (past ones at once:
        they are sent late with a note inside the grace window, else skipped and logged)."""
        async with self.app.db.begin() as session:
            due = await self.app.service(ReminderService).next_due_after(session, None)
        self._arm(due)
        return due

    def _arm(self, due: datetime | None) -> None:
        if due is None:
            self.app.scheduler.cancel(TICK_JOB)
        else:
            self.app.scheduler.at(TICK_JOB, due, self.on_timer)

    async def on_timer(self) -> None:
        # The job returns at once and the work runs as a task, so the tick can re-arm the same
        # job id while it is still sending (APScheduler would skip a second running instance).
        self.spawn(self.tick(), "sessions-tick")

    async def arm(self) -> datetime | None:
        """Point the timer at the earliest unsent reminder (after sessions are planned, moved or cancelled)."""
        async with self.app.db.begin() as session:
            due = await self.app.service(ReminderService).next_due_after(session, None)
        self._arm(due)
        return due

    # ---- firing ----------------------------------------------------------------------
    async def tick(self, *, now: datetime | None = None) -> int:
        """Send everything that is due, then re-arm the timer for the next reminder."""
        if self._ticking.locked():
            self._tick_again = True  # the running tick picks the new rows up when it finishes
            return 0
        sent = 0
        async with self._ticking:
            while True:
                self._tick_again = False
                moment = now or utcnow()
                try:
                    sent += await self.deliver_due(moment)
                except Exception:
                    log.exception("sending due reminders failed; the sweep retries in %s s", SWEEP_SECONDS)
                async with self.app.db.begin() as session:
                    self._arm(await self.app.service(ReminderService).next_due_after(session, moment))
                if not self._tick_again or now is not None:
                    break
        return sent

    async def fire(self, session_id: int, *, now: datetime | None = None) -> int:
        """Send what is due for one session (and wait for its DMs); returns how many messages went out."""
        sent = await self.deliver_due(now or utcnow(), session_id=session_id, wait_for_dms=True)
        await self.arm()
        return sent

    async def deliver_due(self, now: datetime, *, session_id: int | None = None, wait_for_dms: bool = False) -> int:
        """Claim every due reminder in one transaction, post the channel ones concurrently, mark them
        sent in one transaction, then send the DMs at the bounded rate in the background."""
        await self.bot.wait_until_ready()
        reminders = self.app.service(ReminderService)
        async with self.app.db.begin_write() as session:
            due = await reminders.take_due(session, session_id, now=now)
            claimed = await reminders.claim_many(session, [d.id for d in due], now=utcnow(),
                                                 stale_before=self.app.scheduler.started_at)
            training_sessions = await self.app.service(TrainingSessionService).get_many(session, {d.session_id for d in due})
        to_post = [d for d in due if d.id in claimed and d.kind == CHANNEL and training_sessions[d.session_id].channel_id]
        results = await asyncio.gather(*(self._post(training_sessions[d.session_id], d) for d in to_post))
        failed = {d.id for d, ok in zip(to_post, results, strict=True) if not ok}
        done = [d.id for d in due if d.id in claimed and d.id not in failed]
        async with self.app.db.begin_write() as session:
            await reminders.mark_sent_many(session, done, now=utcnow())
            await reminders.release_many(session, sorted(failed))
            deliveries = await reminders.expand_many(session, [d for d in due if d.id not in failed])
        for d in due:
            if d.id in claimed and d.id not in failed:
                log.info("reminder %s (%s, %s min) of session %s sent%s", d.id, d.kind, d.offset_minutes,
                         d.session_id, " late" if d.late else "")
        work = [(training_sessions[d.session_id], d, delivery) for d in due for delivery in deliveries.get(d.id, [])]
        sent = len(to_post) - len(failed)
        if work:
            task = self.spawn(self._send_directs(work), "sessions-reminder-dms")
            if wait_for_dms:
                sent += await task
        return sent

    async def _post(self, training_session: TrainingSessionInfo, due: DueReminder) -> bool:
        try:
            assert training_session.channel_id is not None
            await self.delivery.post(
                training_session.channel_id, content=reminder_text(training_session, due, direct=False, guild_id=self.config.guild_id),
                nonce=f"sse-r{due.id}",
            )
            return True
        except discord.HTTPException as exc:
            log.warning("reminder %s for session %s not posted: %s", due.id, training_session.id, exc)
            return False

    async def _send_directs(self, work: list[tuple[TrainingSessionInfo, DueReminder, DirectReminder]]) -> int:
        sent = 0
        for training_session, due, delivery in work:
            sent += await self._direct(training_session, due, delivery)
        return sent

    async def _direct(self, training_session: TrainingSessionInfo, due: DueReminder, delivery: DirectReminder) -> int:
        async with self.app.db.begin_write() as session:
            if not await self.app.service(ReminderService).claim(session, delivery.id, now=utcnow(),
                                                  stale_before=self.app.scheduler.started_at):
                return 0
        if delivery.kind == FOLLOWUP_DM:
            kwargs: dict[str, Any] = {"content": followup_text(training_session)}
            v = self.followup_view(training_session)
            if v is not None:
                kwargs["view"] = v
        else:
            kwargs = {"content": reminder_text(training_session, due, direct=True, guild_id=self.config.guild_id)}
        note = None
        try:
            await self.delivery.dm(delivery.user_id, nonce=f"sse-r{delivery.id}", **kwargs)
        except discord.Forbidden:
            note = "member does not accept DMs"  # retrying would not help
        except discord.HTTPException as exc:
            log.warning("DM %s to %s failed: %s", delivery.id, delivery.user_id, exc)
            async with self.app.db.begin() as session:
                await self.app.service(ReminderService).release(session, delivery.id)
            return 0
        async with self.app.db.begin_write() as session:
            await self.app.service(ReminderService).mark_sent(session, delivery.id, now=utcnow(), note=note)
        return 0 if note else 1

    # ---- announcements and events ----------------------------------------------------------
    async def publish(self, training_session: TrainingSessionInfo) -> list[str]:
        """Post the announcement and create the scheduled event; returns problems worth telling the facilitator."""
        problems: list[str] = []
        channel_id = self.config.channels.announcements
        if channel_id and not training_session.message_id:
            try:
                message = await self.delivery.post(
                    channel_id, embed=announcement_embed(training_session), view=self.rsvp_view(training_session) or discord.utils.MISSING,
                    nonce=f"sse-a{training_session.id}",
                )
                async with self.app.db.begin() as session:
                    await self.app.service(TrainingSessionService).mark_announced(session, training_session.id, channel_id, message.id)
            except discord.HTTPException as exc:
                log.warning("announcement of session %s failed: %s", training_session.id, exc)
                problems.append("I couldn't post the announcement (check my permissions in the announcements channel).")
        elif not channel_id:
            problems.append("No announcements channel is configured, so nothing was posted.")
        if self.config.sessions.create_events and self.config.guild_id and not training_session.event_id:
            try:
                event_id = await self.delivery.create_event(
                    self.config.guild_id, reason=f"Session #{training_session.id}", **event_payload(training_session, self._location()))
                async with self.app.db.begin() as session:
                    await self.app.service(TrainingSessionService).mark_event(session, training_session.id, event_id)
            except discord.HTTPException as exc:
                log.warning("scheduled event for session %s failed: %s", training_session.id, exc)
                problems.append("I couldn't create the Discord event (I need the Manage Events permission).")
        return problems

    def _location(self) -> str:
        return "Online — link in the announcement"

    async def publish_pending(self) -> int:
        """Announce sessions planned while the bot was away (CLI import) or whose posting failed."""
        await self.bot.wait_until_ready()
        async with self.app.db.begin() as session:
            pending = await self.app.service(TrainingSessionService).unannounced(session)
        for training_session in pending:
            await self.publish(training_session)
        return len(pending)

    async def refresh(self, training_session: TrainingSessionInfo) -> None:
        """Bring the announcement and the scheduled event in line with the database."""
        if training_session.channel_id and training_session.message_id:
            try:
                await self.delivery.edit(training_session.channel_id, training_session.message_id, embed=announcement_embed(training_session),
                                         view=self.rsvp_view(training_session))
            except discord.NotFound:
                log.warning("announcement of session %s was deleted; posting it again", training_session.id)
                async with self.app.db.begin() as session:
                    await self.app.service(TrainingSessionService).mark_announced(session, training_session.id, 0, 0)
                await self.publish(replace(training_session, channel_id=None, message_id=None))
            except discord.HTTPException as exc:
                log.warning("could not update the announcement of session %s: %s", training_session.id, exc)
        if training_session.event_id and self.config.guild_id:
            try:
                if training_session.cancelled:
                    await self.delivery.edit_event(self.config.guild_id, training_session.event_id, status=4,
                                                   reason=f"Session #{training_session.id} cancelled")
                else:
                    await self.delivery.edit_event(self.config.guild_id, training_session.event_id,
                                                   reason=f"Session #{training_session.id} edited",
                                                   **event_payload(training_session, self._location()))
            except discord.HTTPException as exc:
                log.warning("could not update the scheduled event of session %s: %s", training_session.id, exc)

    def notify(self, user_ids: Sequence[int], training_session: TrainingSessionInfo, changed: Sequence[str]) -> None:
        """Tell members who RSVPed about a change, in the background at the bounded DM rate."""
        if not user_ids:
            return
        text = change_text(training_session, changed)
        link = jump_url(training_session, self.config.guild_id)
        if link:
            text = truncate(f"{text}\nDetails: {link}", 2000)
        self.spawn(self._notify(list(user_ids), text), f"sessions-notify-{training_session.id}")

    async def _notify(self, user_ids: list[int], text: str) -> None:
        for uid in user_ids:
            try:
                await self.delivery.dm(uid, content=text)
            except discord.HTTPException as exc:
                log.info("change notice to %s not delivered: %s", uid, exc)


async def sweep(bot: SSEBot) -> None:
    """The record's sweep job: rows released after a failed send are picked up again."""
    await bot.runtime(SessionJobs).on_timer()


async def announce_pending(bot: SSEBot) -> None:
    """The record's announce job: the next occurrence of a series, sessions imported by the CLI."""
    await bot.runtime(SessionJobs).publish_pending()
