"""The sessions capability on Discord: the reminder timer, and how each of its outbox kinds is sent.

The database decides what is due. The reminder timer (one scheduler job, armed at the earliest
reminder not yet handed over) hands due reminders to the outbox (cogs/sessions/reminders.py);
planning, editing and cancelling enqueue their announcements, event updates and notices in the
same transaction (cogs/sessions/outgoing.py). Everything is sent by ``bot.delivery``, which calls
the handlers below with the leased row; each renders from the database as it is now."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.capability import DeliveryDropped
from bot.catalogues import N_, _, use_language
from bot.outbox import PARKED, Outgoing
from bot.text import truncate
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.outgoing import SessionOutgoing
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.reminders import DueReminder, ReminderService
from cogs.sessions.ui import (
    announcement_embed,
    change_text,
    followup_text,
    jump_url,
    promoted_text,
    reminder_text,
)
from db.models import utcnow
from db.preferences import get_preferences

if TYPE_CHECKING:
    from bot.bot import SSEBot

log = logging.getLogger(__name__)

TICK_JOB = "sessions:reminders"  # one timer, armed at the next due reminder (RoboDanny's pattern)
LOCATION = N_("Online — link in the announcement")
PROBLEMS = {  # outbox key prefix -> what a facilitator is told when Discord refused that delivery
    "sessions:announce:": N_("I couldn't post the announcement (check my permissions in the announcements channel)."),
    "sessions:event:": N_("I couldn't create the Discord event (I need the Manage Events permission)."),
}


def event_payload(training_session: TrainingSessionInfo) -> dict[str, Any]:
    """The Discord scheduled event, in the language of the moment (the server's, in a delivery)."""
    join = training_session.join_url
    location = join if join and len(join) <= 100 else _(LOCATION)
    description = training_session.description or _("{format} of the SSE community of practice.").format(
        format=training_session.format_text)
    return {
        "name": truncate(training_session.title, 100),
        "description": truncate(description, 1000),
        "scheduled_start_time": training_session.start_utc.isoformat(),
        "scheduled_end_time": training_session.end_utc.isoformat(),
        "privacy_level": 2,  # guild only
        "entity_type": 3,  # external: a link rather than a voice channel
        "entity_metadata": {"location": truncate(location, 100)},
    }


class SessionJobs:
    """The reminder timer and the facilitator-facing side of deliveries, one per bot
    (``bot.runtime(SessionJobs)``)."""

    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.app = bot.app
        self._ticking = asyncio.Lock()  # one tick at a time; a tick asked for meanwhile runs right after
        self._tick_again = False

    def stop(self) -> None:
        """The cog is unloading: no more reminder timer."""
        self.app.scheduler.cancel(TICK_JOB)

    # ---- the reminder timer ------------------------------------------------------------
    async def rebuild(self) -> datetime | None:
        """Arm the timer at the earliest reminder not handed over (past ones at once: sent late with
        a note inside the grace window, else skipped and logged)."""
        async with self.app.db.begin() as session:
            due = await self.app.service(ReminderService).next_due_after(session, None)
        self._arm(due)
        return due

    arm = rebuild  # after sessions are planned, moved or cancelled

    def _arm(self, due: datetime | None) -> None:
        if due is None:
            self.app.scheduler.cancel(TICK_JOB)
        else:
            self.app.scheduler.at(TICK_JOB, due, self.on_timer)

    async def on_timer(self) -> None:
        # The job returns at once and the work runs as a task, so the tick can re-arm the same
        # job id while it is still running (APScheduler would skip a second running instance).
        self.bot.delivery.spawn(self.tick(), "sessions-tick")

    async def tick(self, *, now: datetime | None = None) -> int:
        """Hand everything due to the outbox, start sending it, re-arm the timer; returns how many
        deliveries were enqueued."""
        if self._ticking.locked():
            self._tick_again = True  # the running tick picks the new rows up when it finishes
            return 0
        keys: list[str] = []
        async with self._ticking:
            while True:
                self._tick_again = False
                moment = now or utcnow()
                keys += await self._hand_over(moment)
                async with self.app.db.begin() as session:
                    self._arm(await self.app.service(ReminderService).next_due_after(session, moment))
                if not self._tick_again or now is not None:
                    break
        if keys:
            direct = sum(1 for key in keys if key.startswith(("sessions:reminder-dm:", "sessions:followup:")))
            self.bot.delivery.kick(channel=direct < len(keys), dm=direct > 0)
        return len(keys)

    async def fire(self, session_id: int, *, now: datetime | None = None) -> int:
        """Send what is due for one session now, DMs included; returns how many messages went out."""
        moment = now or utcnow()
        keys = await self._hand_over(moment, session_id=session_id)
        sent = 0
        if keys:
            outcomes = await self.bot.delivery.deliver_now(keys, now=moment)
            sent = sum(1 for outcome in outcomes.values() if outcome == "sent")
        await self.arm()
        return sent

    async def _hand_over(self, now: datetime, *, session_id: int | None = None) -> list[str]:
        reminders = self.app.service(ReminderService)
        async with self.app.db.begin_write() as session:
            due = await reminders.take_due(session, session_id, now=now)
            return await reminders.hand_over(session, self.app.outbox, due, now=now)

    # ---- planning, editing, cancelling ---------------------------------------------------
    async def deliver(self, keys: Sequence[str]) -> list[str]:
        """Send a facilitator's change now and re-arm the timer; returns what to tell them."""
        await self.arm()
        if not keys:
            return []
        outcomes = await self.bot.delivery.deliver_now(keys)
        problems = [_(text) for key, outcome in outcomes.items() if outcome == PARKED
                    for prefix, text in PROBLEMS.items() if key.startswith(prefix)]
        if not self.app.guild.current.announcements:
            problems.append(_("No announcements channel is configured, so nothing was posted."))
        self.bot.delivery.kick()  # notices to members, at the DM pace
        return problems

    async def publish_pending(self) -> int:
        """Announce what has no announcement yet: the next occurrence of a series once the previous
        one has ended, and sessions planned from the CLI."""
        await self.bot.wait_until_ready()
        outgoing = self.app.service(SessionOutgoing)
        keys: list[str] = []
        async with self.app.db.begin_write() as session:
            pending = await self.app.service(TrainingSessionService).unannounced(session)
            for training_session in pending:
                keys += await outgoing.announce(session, training_session)
        if keys:
            await self.bot.delivery.deliver_now(keys)  # a cancelled occurrence's successor shows at once
        return len(pending)

    async def show_counts(self, training_session: TrainingSessionInfo) -> None:
        """Live RSVP counts on the announcement, right after a click. Not queued: an edit carries no
        news of its own, and the next click or change brings the counts up to date anyway."""
        if training_session.channel_id and training_session.message_id:
            from cogs.sessions.components import rsvp_view  # the components import this module

            try:
                with use_language(self.app.guild.current.language):  # a public post: the server's language
                    embed, view = announcement_embed(training_session), rsvp_view(training_session)
                await self.bot.delivery.edit(training_session.channel_id, training_session.message_id,
                                             embed=embed, view=view)
            except discord.HTTPException as exc:
                log.info("RSVP counts of session %s not shown on its announcement: %s", training_session.id, exc)


async def sweep(bot: SSEBot) -> None:
    """The record's sweep job: a reminder whose timer was missed is handed over anyway."""
    await bot.runtime(SessionJobs).tick()


async def announce_pending(bot: SSEBot) -> None:
    """The record's announce job."""
    await bot.runtime(SessionJobs).publish_pending()


# ---- the outbox handlers (declared in cogs/sessions/capability.py) -------------------------
async def _current(bot: SSEBot, row: Outgoing, *, unless_cancelled: bool = False) -> TrainingSessionInfo:
    """The session as it is now; with ``unless_cancelled``, a cancelled one drops the delivery."""
    async with bot.app.db.begin() as session:
        training_session = await bot.app.service(TrainingSessionService).get(session, int(row.params["session_id"]))
    if unless_cancelled and training_session.cancelled:
        raise DeliveryDropped(f"session {training_session.id} was cancelled")
    return training_session


async def send_announcement(bot: SSEBot, row: Outgoing) -> int | None:
    from cogs.sessions.components import rsvp_view

    training_session = await _current(bot, row, unless_cancelled=True)
    if training_session.message_id:
        return training_session.message_id  # posted already (a retry after a crash, or another instance)
    assert row.channel_id is not None
    message = await bot.delivery.post(row.channel_id, embed=announcement_embed(training_session),
                                      view=rsvp_view(training_session) or discord.utils.MISSING, nonce=row.nonce)
    async with bot.app.db.begin() as session:
        await bot.app.service(TrainingSessionService).mark_announced(session, training_session.id, row.channel_id,
                                                                     message.id)
    return message.id


async def create_event(bot: SSEBot, row: Outgoing) -> int | None:
    training_session = await _current(bot, row, unless_cancelled=True)
    if training_session.event_id:
        return training_session.event_id
    guild_id = bot.app.guild.current.guild_id
    event_id = await bot.delivery.create_event(guild_id, reason=f"Session #{training_session.id}",
                                               **event_payload(training_session))
    async with bot.app.db.begin() as session:
        await bot.app.service(TrainingSessionService).mark_event(session, training_session.id, event_id)
    return event_id


async def refresh_announcement(bot: SSEBot, row: Outgoing) -> int | None:
    from cogs.sessions.components import rsvp_view

    training_session = await _current(bot, row)
    if not (training_session.channel_id and training_session.message_id):
        return None  # not posted yet: the announcement is rendered from the database when it is
    try:
        await bot.delivery.edit(training_session.channel_id, training_session.message_id,
                                embed=announcement_embed(training_session), view=rsvp_view(training_session))
    except discord.NotFound:
        log.warning("announcement of session %s was deleted; posting it again", training_session.id)
        async with bot.app.db.begin_write() as session:
            await bot.app.service(TrainingSessionService).mark_announced(session, training_session.id, 0, 0)
            if not training_session.cancelled:
                await bot.app.service(SessionOutgoing).reannounce(session, training_session.id,
                                                                  training_session.message_id)
        bot.delivery.kick()
        return None
    return training_session.message_id


async def refresh_event(bot: SSEBot, row: Outgoing) -> int | None:
    training_session = await _current(bot, row)
    if not training_session.event_id:
        return None
    guild_id = bot.app.guild.current.guild_id
    if training_session.cancelled:
        await bot.delivery.edit_event(guild_id, training_session.event_id, status=4,
                                      reason=f"Session #{training_session.id} cancelled")
    else:
        await bot.delivery.edit_event(guild_id, training_session.event_id, reason=f"Session #{training_session.id} edited",
                                      **event_payload(training_session))
    return training_session.event_id


async def send_change_notice(bot: SSEBot, row: Outgoing) -> int:
    training_session = await _current(bot, row)
    text = change_text(training_session, row.params.get("changed", []))
    if link := jump_url(training_session, bot.app.guild.current.guild_id):
        text = truncate(text + "\n" + _("Details: {link}").format(link=link), 2000)
    assert row.user_id is not None
    return (await bot.delivery.dm(row.user_id, content=text, nonce=row.nonce)).id


async def send_waitlist_promotion(bot: SSEBot, row: Outgoing) -> int:
    training_session = await _current(bot, row, unless_cancelled=True)
    assert row.user_id is not None
    text = promoted_text(training_session, jump_url(training_session, bot.app.guild.current.guild_id))
    return (await bot.delivery.dm(row.user_id, content=text, nonce=row.nonce)).id


async def send_reminder(bot: SSEBot, row: Outgoing) -> int:
    training_session = await _current(bot, row, unless_cancelled=True)
    due = DueReminder.from_params(row.params, now=utcnow())
    zone = None  # a DM writes the start out in the recipient's own time zone, when they set one
    if row.user_id is not None:
        async with bot.app.db.begin() as session:
            zone = (await get_preferences(session, row.user_id)).timezone
    text = reminder_text(training_session, due, direct=row.user_id is not None,
                         guild_id=bot.app.guild.current.guild_id, zone=zone)
    if row.user_id is not None:
        return (await bot.delivery.dm(row.user_id, content=text, nonce=row.nonce)).id
    assert row.channel_id is not None
    return (await bot.delivery.post(row.channel_id, content=text, nonce=row.nonce)).id


async def send_followup(bot: SSEBot, row: Outgoing) -> int:
    from cogs.sessions.components import followup_view

    training_session = await _current(bot, row, unless_cancelled=True)
    kwargs: dict[str, Any] = {"content": followup_text(training_session)}
    if (view := followup_view(training_session)) is not None:
        kwargs["view"] = view
    assert row.user_id is not None
    return (await bot.delivery.dm(row.user_id, nonce=row.nonce, **kwargs)).id
