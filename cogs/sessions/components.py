"""The buttons and forms of capacity-building sessions, and the actions they share with commands.

Buttons are ``DynamicItem`` templates (they work after a restart, from any message); their ids
carry only a session id, so whoever may press them is checked by the services, never trusted
from the id. Forms are classes whose ``on_submit`` calls the services through
``interaction.client.app``, and each form's custom id is unique to the interaction that opened it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from babel.numbers import format_decimal

from bot.bot import SSEBot
from bot.catalogues import N_, _, babel_locale, draft_note, format_number, ngettext, use_language
from bot.errors import NotAllowed
from bot.text import safe_echo, truncate
from bot.ui.common import (
    COLOUR,
    FORM_TIMEOUT,
    DynamicView,
    actor_of,
    form_id,
    guarded,
    member_language,
    reply,
)
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.calendar import ics_for
from cogs.sessions.feeds import FeedScope, FeedService, feed_path, personal_path, webcal
from cogs.sessions.info import TrainingSessionInfo
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.parsing import RSVP_STATUSES
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.rsvp import RsvpService
from cogs.sessions.ui import announcement_embed, info_embed
from cogs.sessions.waitlist import WaitlistService
from cogs.sessions.waitlist import position as waitlist_position
from db.preferences import get_preferences

# A Discord locale that points to one zone of the region (used when a member set no /timezone).
LOCALE_ZONES = {"ja": "Asia/Tokyo", "ko": "Asia/Seoul", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh",
                "id": "Asia/Jakarta", "zh-CN": "Asia/Shanghai", "zh-TW": "Asia/Taipei"}


async def member_zone(interaction: discord.Interaction[SSEBot]) -> str:
    """The member's /timezone, else the zone their Discord language points to, else the server default."""
    async with interaction.client.app.db.begin() as session:
        prefs = await get_preferences(session, interaction.user.id)
    return prefs.timezone or LOCALE_ZONES.get(str(interaction.locale)) or interaction.client.app.guild.current.timezone


async def series_of(interaction: discord.Interaction[SSEBot],
                    training_session: TrainingSessionInfo) -> list[TrainingSessionInfo]:
    """Every occurrence of the session's series (none for a one-off)."""
    if training_session.series_id is None:
        return []
    app = interaction.client.app
    async with app.db.begin() as session:
        return await app.service(TrainingSessionService).series(session, training_session.series_id)


def server_language(bot: SSEBot) -> str:
    """The language of public posts (announcements, their buttons): the server's default."""
    return bot.app.guild.current.language


def rsvp_view(training_session: TrainingSessionInfo) -> discord.ui.View | None:
    """The RSVP buttons, labelled in the language of the moment (the server's on an announcement)."""
    if training_session.cancelled:
        return None
    view = DynamicView()
    counts = training_session.rsvp.as_dict()
    for status, label in RSVP_STATUSES.items():
        view.add_item(RsvpButton(training_session.id, status, f"{_(label)} ({format_number(counts[status])})"))
    view.add_item(CalendarButton(training_session.id))
    view.add_item(ManageButton(training_session.id))
    if training_session.full or training_session.waitlist:
        view.add_item(WaitlistButton(training_session.id, "join", _("Join waitlist ({count})").format(
            count=format_number(training_session.waitlist))))
        view.add_item(WaitlistButton(training_session.id, "leave"))
    return view


def followup_view(training_session: TrainingSessionInfo) -> discord.ui.View | None:
    view = DynamicView()
    view.add_item(AttendedButton(training_session.id, True))
    view.add_item(AttendedButton(training_session.id, False))
    return view


_STYLES = {"going": discord.ButtonStyle.success, "interested": discord.ButtonStyle.primary,
           "declined": discord.ButtonStyle.secondary}
_RSVP_NOTES = {"going": N_("I'll remind you before it starts (turn DMs off with /reminders)."),
               "interested": N_("I'll remind you before it starts (turn DMs off with /reminders)."),
               "declined": N_("Thanks for letting the facilitators know.")}
JOIN_WAITLIST, LEAVE_WAITLIST = N_("Join waitlist"), N_("Leave waitlist")
ADD_TO_CALENDAR, FACILITATORS, CANCEL_SESSION = N_("Add to calendar"), N_("Facilitators"), N_("Cancel this session")
ATTENDED, ABSENT = N_("I attended — rate it"), N_("I couldn't make it")
REASON = N_("Reason (members who RSVPed are told)")
RATING, COMMENT = N_("Rating from 1 (poor) to 5 (excellent)"), N_("Comment (optional)")


class RsvpButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"sse:sessions:rsvp:(?P<status>going|interested|declined):(?P<id>\d+)"):
    def __init__(self, session_id: int, status: str, label: str | None = None):
        super().__init__(discord.ui.Button(label=label or _(RSVP_STATUSES[status]), style=_STYLES[status],
                                           custom_id=f"sse:sessions:rsvp:{status}:{session_id}"))
        self.session_id = session_id
        self.status = status

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> RsvpButton:
        return cls(int(match["id"]), match["status"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.answer(interaction))

    async def answer(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        async with app.db.begin_write() as session:
            result = await app.service(RsvpService).rsvp(session, self.session_id, interaction.user.id, self.status)
        label = _(RSVP_STATUSES[result.status])
        if not result.changed:
            await reply(interaction, content=_("You're already marked as **{answer}** — nothing changed.").format(
                answer=label), ephemeral=True)
            return
        training_session = result.info
        await show_answer(interaction, training_session, result.status)
        if result.deliveries:  # the members moved up from the waitlist are told by DM, through the outbox
            await interaction.client.delivery.deliver_now(result.deliveries)
        text = _("You're marked as **{answer}** for **{title}**.").format(answer=label,
                                                                            title=safe_echo(training_session.title))
        await reply(interaction, content=f"{text} {_(_RSVP_NOTES[result.status])}", ephemeral=True)


async def show_answer(interaction: discord.Interaction[SSEBot], training_session: TrainingSessionInfo,
                      my_status: str | None) -> None:
    """The clicked message shows the new counts (the private /session info stays private, in the
    member's time and language, with their answer), and so does the public announcement (in the
    server's language, whoever clicked)."""
    message = interaction.message
    on_announcement = message is not None and message.id == training_session.message_id
    if message is not None and message.flags.ephemeral:
        zone = await member_zone(interaction)
        async with interaction.client.app.db.begin() as session:
            waiting = await waitlist_position(session, training_session.id, interaction.user.id)
        await interaction.response.edit_message(
            embed=info_embed(training_session, zone, my_status, await series_of(interaction, training_session), waiting),
            view=rsvp_view(training_session))
    elif message is not None and message.embeds:
        with use_language(server_language(interaction.client)):
            embed, view = announcement_embed(training_session), rsvp_view(training_session)
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.defer()
    if not on_announcement:
        await interaction.client.runtime(SessionJobs).show_counts(training_session)


class WaitlistButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"sse:sessions:waitlist:(?P<action>join|leave):(?P<id>\d+)"):
    """Shown while a session is full (or has a waitlist): join it, or leave it."""

    def __init__(self, session_id: int, action: str, label: str | None = None):
        super().__init__(discord.ui.Button(
            label=label or _(JOIN_WAITLIST if action == "join" else LEAVE_WAITLIST), emoji="⏳" if action == "join"
            else None, style=discord.ButtonStyle.primary if action == "join" else discord.ButtonStyle.secondary,
            custom_id=f"sse:sessions:waitlist:{action}:{session_id}"))
        self.session_id = session_id
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> WaitlistButton:
        return cls(int(match["id"]), match["action"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.answer(interaction))

    async def answer(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        waitlist = app.service(WaitlistService)
        async with app.db.begin_write() as session:
            if self.action == "join":
                result = await waitlist.join(session, self.session_id, interaction.user.id)
            else:
                result = await waitlist.leave(session, self.session_id, interaction.user.id)
            mine = await app.service(RsvpService).my_rsvp(session, self.session_id, interaction.user.id)
        title = safe_echo(result.info.title)
        if self.action == "join" and not result.changed:
            await reply(interaction, content=_("You are already on the waitlist, number {number} — nothing changed.")
                        .format(number=result.position), ephemeral=True)
            return
        if self.action == "leave" and not result.changed:
            await reply(interaction, content=_("You are not on the waitlist of this session."), ephemeral=True)
            return
        await show_answer(interaction, result.info, mine)
        text = (_("You are on the waitlist for **{title}**, number {number}. If a place frees up, it is yours and "
                  "I'll tell you by DM.").format(title=title, number=result.position) if self.action == "join"
                else _("You left the waitlist for **{title}**.").format(title=title))
        await reply(interaction, content=text, ephemeral=True)


class CalendarButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:ics:(?P<id>\d+)"):
    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label=_(ADD_TO_CALENDAR), emoji="📅", style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:sessions:ics:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CalendarButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: send_ics(interaction, str(self.session_id), True))


class ManageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:manage:(?P<id>\d+)"):
    """Facilitators only: RSVPs, attendance, feedback, and a cancel button (checked by the services)."""

    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label=_(FACILITATORS), emoji="⚙️", style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:sessions:manage:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ManageButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.manage(interaction))

    async def manage(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        actor = actor_of(interaction)
        attendance = app.service(AttendanceService)
        async with app.db.begin() as session:
            attended = await attendance.attended(session, actor, self.session_id)  # facilitators only
            rated, average = await attendance.feedback_summary(session, actor, self.session_id)
            training_session = await app.service(TrainingSessionService).get(session, self.session_id)
            going = await app.service(RsvpService).user_ids(session, [training_session.id], ("going",))
            waiting = await app.service(WaitlistService).user_ids(session, training_session.id)
        embed = discord.Embed(title=truncate(_("Manage: {title}").format(title=training_session.title), 256),
                              colour=COLOUR)
        embed.add_field(name=_("Going"), value=truncate(" ".join(f"<@{u}>" for u in going) or _("nobody yet"), 1024),
                        inline=False)
        if waiting:
            embed.add_field(name=_("Waitlist ({count}), in order").format(count=format_number(len(waiting))),
                            value=truncate(" ".join(f"<@{u}>" for u in waiting), 1024), inline=False)
        embed.add_field(name=_("Attended"), value=format_number(len(attended)), inline=True)
        feedback = ngettext("{count} rating, average {average}/5", "{count} ratings, average {average}/5", rated).format(
            count=format_number(rated), average=format_decimal(average, format="0.0", locale=babel_locale()))
        embed.add_field(name=_("Feedback"), value=feedback if rated else _("none yet"), inline=True)
        embed.set_footer(text=_("Edit with /session edit, add materials with /session materials"))
        view = DynamicView()
        if not training_session.cancelled:
            view.add_item(CancelButton(training_session.id))
        await reply(interaction, embed=embed, view=view, ephemeral=True)


class CancelButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:cancel:(?P<id>\d+)"):
    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label=_(CANCEL_SESSION), style=discord.ButtonStyle.danger,
                                           custom_id=f"sse:sessions:cancel:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CancelButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.ask(interaction))

    async def ask(self, interaction: discord.Interaction[SSEBot]) -> None:
        # Asked before the form opens so a member does not type a reason for nothing; the
        # service checks again when the form is sent.
        if not interaction.client.app.service(PlanningService).may_manage(actor_of(interaction)):
            raise NotAllowed(_("Only facilitators can cancel sessions."))
        await interaction.response.send_modal(CancelModal(self.session_id, interaction))


class CancelModal(discord.ui.Modal):
    """Opened inside the facilitator's interaction, so its title and label are in their language."""

    reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label=REASON, style=discord.TextStyle.paragraph, required=False,
        max_length=500)

    def __init__(self, session_id: int, opened_by: discord.Interaction[Any]):
        super().__init__(title=_("Cancel the session"), timeout=FORM_TIMEOUT,
                         custom_id=form_id(f"sse:sessions:cancel-form:{session_id}", opened_by))
        self.reason.label = _(REASON)
        self.session_id = session_id

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: cancel_sessions(interaction, str(self.session_id), "one", self.reason.value))


class AttendedButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"sse:sessions:(?P<answer>attended|absent):(?P<id>\d+)"):
    """In the follow-up DM. Anyone can forge this id for any session: the service records
    attendance only for members the session expected."""

    def __init__(self, session_id: int, attended: bool):
        answer = "attended" if attended else "absent"
        super().__init__(discord.ui.Button(
            label=_(ATTENDED if attended else ABSENT),
            style=discord.ButtonStyle.success if attended else discord.ButtonStyle.secondary,
            custom_id=f"sse:sessions:{answer}:{session_id}"))
        self.session_id = session_id
        self.attended = attended

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AttendedButton:
        return cls(int(match["id"]), match["answer"] == "attended")

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: self.answer(interaction))

    async def answer(self, interaction: discord.Interaction[SSEBot]) -> None:
        app = interaction.client.app
        async with app.db.begin() as session:
            await app.service(AttendanceService).record_attendance(
                session, actor_of(interaction), self.session_id, interaction.user.id, self.attended)
        if self.attended:
            await interaction.response.send_modal(FeedbackModal(self.session_id, interaction))
        else:
            await reply(interaction, content=_("Thanks for telling us. Materials will appear in /resources."),
                        ephemeral=True)


class FeedbackModal(discord.ui.Modal):
    """Opened inside the member's interaction, so its title and labels are in their language."""

    rating: discord.ui.TextInput[Any] = discord.ui.TextInput(label=RATING,
                                                             max_length=1, min_length=1, placeholder="5")
    comment: discord.ui.TextInput[Any] = discord.ui.TextInput(label=COMMENT, required=False,
                                                              style=discord.TextStyle.paragraph, max_length=1500)

    def __init__(self, session_id: int, opened_by: discord.Interaction[Any]):
        super().__init__(title=_("How was the session?"), timeout=FORM_TIMEOUT,
                         custom_id=form_id(f"sse:sessions:feedback:{session_id}", opened_by))
        self.rating.label, self.comment.label = _(RATING), _(COMMENT)
        self.session_id = session_id

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: store_feedback(interaction, self.session_id, self.rating.value,
                                                          self.comment.value))


YES, NO = N_("Yes, that's right"), N_("No, I'll retype it")


class ConfirmView(discord.ui.View):
    """Asks a facilitator to confirm how a typed start was read, before anything is saved.

    Not a ``DynamicItem``: what waits for the answer is a whole validated form (title, description,
    links...), which does not fit a custom id, so it is held here for ``FORM_TIMEOUT`` and a restart
    forgets it (the facilitator runs the command again). Only the facilitator who asked can press."""

    def __init__(self, author_id: int, on_confirm: Callable[[discord.Interaction[SSEBot]], Awaitable[None]]):
        super().__init__(timeout=FORM_TIMEOUT)  # built in the facilitator's interaction: labels in their language
        self.author_id = author_id
        self.on_confirm = on_confirm
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.label in (YES, NO):
                item.label = _(item.label)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:  # type: ignore[override]
        if interaction.user.id == self.author_id:
            return True
        await member_language(interaction)  # the refusal in the presser's language
        await reply(interaction, content=_("Only the facilitator who typed this can confirm it."), ephemeral=True)
        return False

    @discord.ui.button(label=YES, style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction[SSEBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(view=None)
        await guarded(interaction, lambda: self.on_confirm(interaction))

    @discord.ui.button(label=NO, style=discord.ButtonStyle.secondary)
    async def no(self, interaction: discord.Interaction[SSEBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await guarded(interaction, lambda: self.nothing_saved(interaction))

    async def nothing_saved(self, interaction: discord.Interaction[SSEBot]) -> None:
        text = _("Nothing was saved. Run the command again with the start written another way, e.g. "
                 "**2026-12-03 14:00** (year-month-day, 24-hour clock).")
        note = draft_note()
        await interaction.response.edit_message(content=f"{text}\n{note}" if note else text, view=None)


COMPONENTS = (RsvpButton, CalendarButton, ManageButton, CancelButton, AttendedButton, WaitlistButton)


# --------------------------------------------------------------------------- shared with the commands
async def store_feedback(interaction: discord.Interaction[SSEBot], session_ref: int | str, rating: str,
                         comment: str | None) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        training_session = await app.service(AttendanceService).submit_feedback(
            session, session_ref, interaction.user.id, rating, comment)
    await reply(interaction, ephemeral=True, content=_("Thank you! Your feedback on **{title}** reaches the "
                                                       "facilitators.").format(title=safe_echo(training_session.title)))


async def send_ics(interaction: discord.Interaction[SSEBot], session_ref: str, whole_series: bool) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        info = await app.service(TrainingSessionService).get(session, session_ref)
        name, data = await ics_for(app.service(TrainingSessionService), session, info.id, whole_series=whole_series)
    # the file itself stays as it is: calendar apps show its dates in their own language
    text = _("Open the file to add it to your calendar. Importing a newer file updates the same entry.")
    if links := subscribe_links(app.service(FeedService), info.series_id):
        text += "\n" + links
    await reply(interaction, content=truncate(text, 2000), file=discord.File(io.BytesIO(data), filename=name),
                ephemeral=True)


def subscribe_links(feeds: FeedService, series_id: int | None) -> str | None:
    """webcal:// links to the public feeds a session is in (its series', and every session), or None
    when the web site has no public address. Discord does not make webcal:// clickable: they are code."""
    everything = feeds.url(feed_path(FeedScope()))
    if everything is None:
        return None
    if series_id is not None:
        series = feeds.url(feed_path(FeedScope("series", series_id))) or ""
        return _("Or subscribe once, and your calendar follows every change: this series `{series}`, every "
                 "session `{all}`.").format(series=webcal(series), all=webcal(everything))
    return _("Or subscribe once, and your calendar follows every change: every session `{all}`.").format(
        all=webcal(everything))


async def send_feed(interaction: discord.Interaction[SSEBot], reset: bool) -> None:
    """/session feed [reset]: the member's personal feed link, shown once; reset revokes the old one."""
    app = interaction.client.app
    feeds = app.service(FeedService)
    if feeds.url("/") is None:
        await reply(interaction, ephemeral=True, content=_(
            "Calendar feeds are not available yet: this server's web site has no public address "
            "(web.public_url in config.yaml). Please ask an administrator."))
        return
    async with app.db.begin() as session:
        if not reset and await feeds.has_token(session, interaction.user.id):
            token = None
        else:
            token = await feeds.issue_token(session, interaction.user.id)
    if token is None:
        await reply(interaction, ephemeral=True, content=_(
            "You already have a personal calendar feed. Its link is shown only once, when it is made. If you "
            "lost it, use /session feed reset: the old link stops working and you get a new one."))
        return
    url = feeds.url(personal_path(token)) or ""
    head = (_("Done: your old feed link no longer works. Here is the new one.") if reset else
            _("Your personal calendar feed: the sessions you RSVPed Going or Interested, with their join links."))
    body = _("Subscribe in your calendar app with `{webcal}`, or add it by URL: <{url}>\nKeep this link to yourself: "
             "anyone who has it sees your sessions. It is shown only this once; /session feed reset gives you "
             "a new one and stops this one.").format(webcal=webcal(url), url=url)
    await reply(interaction, ephemeral=True, content=truncate(f"{head}\n{body}", 2000))


async def cancel_sessions(interaction: discord.Interaction[SSEBot], session_ref: str, scope: str,
                          reason: str | None) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        result = await app.service(PlanningService).cancel(
            session, actor_of(interaction), session_ref, scope="series" if scope == "series" else "one", reason=reason)
    jobs = interaction.client.runtime(SessionJobs)
    await reply(interaction, content=cancelled_text(len(result.training_sessions), len(result.notify_user_ids)),
                ephemeral=True)
    await jobs.deliver(result.deliveries)
    await jobs.publish_pending()  # the next occurrence of a series takes the cancelled one's place


def told_text(count: int) -> str:
    """How many members who RSVPed are told of a change."""
    return ngettext("{count} member who RSVPed is being told.", "{count} members who RSVPed are being told.",
                    count).format(count=format_number(count))


def cancelled_text(sessions: int, told: int) -> str:
    return ngettext("Cancelled {count} session.", "Cancelled {count} sessions.", sessions).format(
        count=format_number(sessions)) + " " + told_text(told)
