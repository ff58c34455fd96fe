"""/session, /sessions, /timezone, /language, /reminders: capacity-building sessions.

Thin: convert inputs, call one service, render (bot/ui/sessions.py), respond. Side effects on
Discord (announcements, events, reminders, DMs) go through bot/session_jobs.py."""

from __future__ import annotations

import io
import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bot import SSEBot
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, language_for_locale, parse_language
from bot.permissions import Actor
from bot.text import optional_text, safe_echo, truncate
from bot.timezones import complete_zones, parse_zone
from bot.ui.common import COLOUR, clip_choices, guarded, reply
from bot.ui.pager import page_view
from cogs.resources.service import ResourceService
from cogs.sessions.calendar import ics_for
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.service import (
    FORMATS,
    FREQUENCIES,
    RSVP_STATUSES,
    SessionChanges,
    SessionDraft,
    SessionView,
    TrainingSessionService,
)
from cogs.sessions.ui import announcement_embed, info_embed, session_list_embed, times_embed
from db.models import utcnow
from db.preferences import get_preferences, update_preferences
from db.queries import StoredQuery, save_query

log = logging.getLogger(__name__)

KIND = "sessions"
PAGE_SIZE = 8
# A Discord locale that points to one zone of the region (used when a member set no /timezone).
LOCALE_ZONES = {"ja": "Asia/Tokyo", "ko": "Asia/Seoul", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh",
                "id": "Asia/Jakarta", "zh-CN": "Asia/Shanghai", "zh-TW": "Asia/Taipei"}


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    roles = getattr(interaction.user, "roles", None) or []
    return Actor(user_id=interaction.user.id, role_ids=frozenset(r.id for r in roles))


async def member_zone(interaction: discord.Interaction[SSEBot]) -> str:
    """The member's /timezone, else the zone their Discord language points to, else the server default."""
    async with interaction.client.app.db.begin() as session:
        prefs = await get_preferences(session, interaction.user.id)
    return prefs.timezone or LOCALE_ZONES.get(str(interaction.locale)) or interaction.client.app.config.timezone


# --------------------------------------------------------------------------- components
def rsvp_view(view: SessionView) -> discord.ui.View | None:
    if view.cancelled:
        return None
    v = discord.ui.View(timeout=None)
    counts = view.rsvp.as_dict()
    for status, label in RSVP_STATUSES.items():
        v.add_item(RsvpButton(view.id, status, f"{label} ({counts[status]})"))
    v.add_item(CalendarButton(view.id))
    v.add_item(ManageButton(view.id))
    return v


def followup_view(view: SessionView) -> discord.ui.View | None:
    v = discord.ui.View(timeout=None)
    v.add_item(AttendedButton(view.id, True))
    v.add_item(AttendedButton(view.id, False))
    return v


_STYLES = {"going": discord.ButtonStyle.success, "interested": discord.ButtonStyle.primary,
           "declined": discord.ButtonStyle.secondary}


class RsvpButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"sse:sessions:rsvp:(?P<status>going|interested|declined):(?P<id>\d+)"):
    def __init__(self, session_id: int, status: str, label: str | None = None):
        super().__init__(discord.ui.Button(label=label or RSVP_STATUSES[status], style=_STYLES[status],
                                           custom_id=f"sse:sessions:rsvp:{status}:{session_id}"))
        self.session_id = session_id
        self.status = status

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> RsvpButton:
        return cls(int(match["id"]), match["status"])

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def answer() -> None:
            app = interaction.client.app
            async with app.db.begin_write() as session:
                result = await app.service(TrainingSessionService).rsvp(session, self.session_id, interaction.user.id, self.status)
            label = RSVP_STATUSES[result.status]
            if not result.changed:
                await interaction.response.send_message(f"You're already marked as **{label}** — nothing changed.",
                                                        ephemeral=True)
                return
            view = result.view
            on_announcement = interaction.message is not None and interaction.message.id == view.message_id
            if interaction.message is not None and interaction.message.embeds:
                await interaction.response.edit_message(embed=announcement_embed(view), view=rsvp_view(view))
            else:
                await interaction.response.defer()
            if not on_announcement:
                await interaction.client.runtime(SessionJobs).refresh(view)
            note = {"going": "I'll remind you before it starts (turn DMs off with /reminders).",
                    "interested": "I'll remind you before it starts (turn DMs off with /reminders).",
                    "declined": "Thanks for letting the facilitators know."}[result.status]
            await interaction.followup.send(f"You're marked as **{label}** for **{safe_echo(view.title)}**. {note}",
                                            ephemeral=True)

        await guarded(interaction, answer)


class CalendarButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:ics:(?P<id>\d+)"):
    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label="Add to calendar", emoji="📅", style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:sessions:ics:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CalendarButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: send_ics(interaction, str(self.session_id), True))


class ManageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:manage:(?P<id>\d+)"):
    """Facilitators only: RSVPs, attendance, feedback, and a cancel button (checked server-side)."""

    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label="Facilitators", emoji="⚙️", style=discord.ButtonStyle.secondary,
                                           custom_id=f"sse:sessions:manage:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ManageButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def manage() -> None:
            app = interaction.client.app
            actor = actor_of(interaction)
            async with app.db.begin() as session:
                attended = await app.service(TrainingSessionService).attendance(session, actor, self.session_id)  # facilitators only
                rated, average = await app.service(TrainingSessionService).feedback_summary(session, actor, self.session_id)
                view = await app.service(TrainingSessionService).get(session, self.session_id)
                going = await app.service(TrainingSessionService).rsvp_user_ids(session, [view.id], ("going",))
            embed = discord.Embed(title=truncate(f"Manage: {view.title}", 256), colour=COLOUR)
            embed.add_field(name="Going", value=truncate(" ".join(f"<@{u}>" for u in going) or "nobody yet", 1024),
                            inline=False)
            embed.add_field(name="Attended", value=str(len(attended)), inline=True)
            embed.add_field(name="Feedback", value=f"{rated} rating(s), average {average:.1f}/5" if rated else "none yet",
                            inline=True)
            embed.set_footer(text="Edit with /session edit, add materials with /session materials")
            v = discord.ui.View(timeout=None)
            if not view.cancelled:
                v.add_item(CancelButton(view.id))
            await reply(interaction, embed=embed, view=v, ephemeral=True)

        await guarded(interaction, manage)


class CancelButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sse:sessions:cancel:(?P<id>\d+)"):
    def __init__(self, session_id: int):
        super().__init__(discord.ui.Button(label="Cancel this session", style=discord.ButtonStyle.danger,
                                           custom_id=f"sse:sessions:cancel:{session_id}"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CancelButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def ask() -> None:
            app = interaction.client.app
            actor = actor_of(interaction)
            if not app.service(TrainingSessionService).may_manage(actor):
                raise InvalidInput("Only facilitators can cancel sessions.")
            await interaction.response.send_modal(CancelModal(self.session_id))

        await guarded(interaction, ask)


class CancelModal(discord.ui.Modal, title="Cancel the session"):
    reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Reason (members who RSVPed are told)", style=discord.TextStyle.paragraph, required=False,
        max_length=500)

    def __init__(self, session_id: int):
        super().__init__(custom_id=f"sse:sessions:cancel-modal:{session_id}", timeout=600)
        self.session_id = session_id

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        await guarded(interaction, lambda: do_cancel(interaction, str(self.session_id), "one", self.reason.value))


class AttendedButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"sse:sessions:(?P<answer>attended|absent):(?P<id>\d+)"):
    def __init__(self, session_id: int, attended: bool):
        answer = "attended" if attended else "absent"
        super().__init__(discord.ui.Button(
            label="I attended — rate it" if attended else "I couldn't make it",
            style=discord.ButtonStyle.success if attended else discord.ButtonStyle.secondary,
            custom_id=f"sse:sessions:{answer}:{session_id}"))
        self.session_id = session_id
        self.attended = attended

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AttendedButton:
        return cls(int(match["id"]), match["answer"] == "attended")

    async def callback(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def answer() -> None:
            app = interaction.client.app
            async with app.db.begin() as session:
                await app.service(TrainingSessionService).record_attendance(session, Actor(interaction.user.id), self.session_id,
                                                     interaction.user.id, self.attended)
            if self.attended:
                await interaction.response.send_modal(FeedbackModal(self.session_id))
            else:
                await interaction.response.send_message("Thanks for telling us. Materials will appear in /resources.",
                                                        ephemeral=True)

        await guarded(interaction, answer)


class FeedbackModal(discord.ui.Modal, title="How was the session?"):
    rating: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Rating from 1 (poor) to 5 (excellent)",
                                                             max_length=1, min_length=1, placeholder="5")
    comment: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Comment (optional)", required=False,
                                                              style=discord.TextStyle.paragraph, max_length=1500)

    def __init__(self, session_id: int):
        super().__init__(custom_id=f"sse:sessions:feedback:{session_id}", timeout=1800)
        self.session_id = session_id

    async def on_submit(self, interaction: discord.Interaction[SSEBot]) -> None:  # type: ignore[override]
        async def save() -> None:
            await store_feedback(interaction, self.session_id, self.rating.value, self.comment.value)

        await guarded(interaction, save)


async def store_feedback(interaction: discord.Interaction[SSEBot], session_id: int | str, rating: str,
                         comment: str | None) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        view = await app.service(TrainingSessionService).submit_feedback(session, session_id, interaction.user.id, rating, comment)
    await reply(interaction, content=f"Thank you! Your feedback on **{safe_echo(view.title)}** reaches the facilitators.",
                ephemeral=True)


# --------------------------------------------------------------------------- shared actions
async def send_ics(interaction: discord.Interaction[SSEBot], session_ref: str, whole_series: bool) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        name, data = await ics_for(app.service(TrainingSessionService), session, session_ref, whole_series=whole_series)
    await reply(interaction, content="Open the file to add it to your calendar. Importing a newer file updates "
                "the same entry.", file=discord.File(io.BytesIO(data), filename=name), ephemeral=True)


async def do_cancel(interaction: discord.Interaction[SSEBot], session_ref: str, scope: str, reason: str | None) -> None:
    app = interaction.client.app
    async with app.db.begin() as session:
        result = await app.service(TrainingSessionService).cancel(session, actor_of(interaction), session_ref,
                                           scope="series" if scope == "series" else "one", reason=reason)
    jobs = interaction.client.runtime(SessionJobs)
    await reply(interaction, content=f"Cancelled {len(result.sessions)} session(s); {len(result.notify_user_ids)} "
                "member(s) who RSVPed are being told.", ephemeral=True)
    for view in result.sessions:
        await jobs.refresh(view)
    await jobs.arm()
    await jobs.publish_pending()  # the next occurrence of a series takes the cancelled one's place
    if result.sessions:
        jobs.notify(result.notify_user_ids, result.sessions[0], ())


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    params = stored.params
    async with bot.app.db.begin() as session:
        result = await bot.app.service(TrainingSessionService).upcoming(session, country=params.get("country"),
                                                 language=params.get("language"), page=page, page_size=PAGE_SIZE)
    return session_list_embed(result, params.get("describe", "")), result.page, result.pages


FormatChoice = Literal["webinar", "workshop", "clinic", "course", "meeting", "study-visit", "talk"]
assert set(FormatChoice.__args__) == set(FORMATS)  # type: ignore[attr-defined]
RepeatChoice = Literal["weekly", "biweekly", "monthly"]
assert set(RepeatChoice.__args__) == set(FREQUENCIES)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the cog
class Sessions(commands.Cog):
    session = app_commands.Group(name=_("session"), description=_("Capacity-building sessions: plan, RSVP, calendars"))

    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.jobs = bot.runtime(SessionJobs)

    async def cog_load(self) -> None:
        self.bot.pagers[KIND] = render_page
        await self.jobs.rebuild()
        self.jobs.spawn(self.jobs.publish_pending(), "sessions-publish-pending")

    async def cog_unload(self) -> None:
        self.jobs.stop()

    async def _session_choices(self, interaction: discord.Interaction[SSEBot], current: str,
                               include_past: bool = False) -> list[app_commands.Choice[str]]:
        async with self.bot.app.db.begin() as session:
            pairs = await self.bot.app.service(TrainingSessionService).complete(session, current, include_past=include_past)
        return [app_commands.Choice(name=label, value=value) for label, value in pairs]

    async def _zone_choices(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in complete_zones(current)]

    # ---- facilitators ------------------------------------------------------------------
    @session.command(name=_("create"), description=_("Plan a session and announce it (facilitators)"))
    @app_commands.describe(
        title=_("Title (up to 100 characters)"), start=_("Start date and time, e.g. 2026-12-03 14:00"),
        timezone=_("Time zone of that start time, e.g. Asia/Bangkok"), duration=_("Length in minutes"),
        format=_("Kind of session"), description=_("What it is about (up to 1,000 characters)"),
        languages=_("Languages, e.g. en, th"), countries=_("Audience countries, e.g. TH, VN (empty = all)"),
        join_link=_("https:// link to join"), capacity=_("Number of places (0 = no limit)"),
        repeat=_("Repeat as a series"), occurrences=_("How many sessions in the series"),
    )
    async def create(
        self, interaction: discord.Interaction[SSEBot], title: str, start: str, timezone: str,
        duration: app_commands.Range[int, 1, 1440] = 60, format: FormatChoice = "webinar",
        description: str | None = None, languages: str | None = None, countries: str | None = None,
        join_link: str | None = None, capacity: app_commands.Range[int, 0, 100000] = 0,
        repeat: RepeatChoice | None = None, occurrences: app_commands.Range[int, 1, 52] | None = None,
    ) -> None:
        app = self.bot.app
        draft = SessionDraft(title=title, start=start, timezone=timezone, duration_minutes=duration, format=format,
                             description=description, languages=languages, countries=countries, join_url=join_link,
                             capacity=capacity, repeat=repeat, occurrences=occurrences)
        await interaction.response.defer(ephemeral=True, thinking=True)  # a long series takes a moment
        async with app.db.begin() as session:
            views = await app.service(TrainingSessionService).create(session, actor_of(interaction), draft)
        # A series is announced one occurrence at a time (the next one once the previous has ended),
        # so the channel and the server's event list are not flooded.
        problems = await self.jobs.publish(views[0])
        await self.jobs.arm()
        first = views[0]
        text = (f"Planned **{safe_echo(first.title)}** (#{first.id})" +
                (f" and {len(views) - 1} more in the series (#{views[1].id}–#{views[-1].id})" if len(views) > 1 else "")
                + f", starting {discord.utils.format_dt(first.start_utc, 'F')}."
                + ("\nLater occurrences are announced one at a time, when the previous one has ended."
                   if len(views) > 1 else ""))
        if problems:
            text += "\n" + "\n".join(f"⚠️ {p}" for p in dict.fromkeys(problems))
        await reply(interaction, content=truncate(text, 2000), ephemeral=True)

    @create.autocomplete("timezone")
    async def _create_zone(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @create.autocomplete("languages")
    async def _create_languages(self, interaction: discord.Interaction[SSEBot],
                                current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    @session.command(name=_("edit"), description=_("Change a session or its whole series (facilitators)"))
    @app_commands.describe(
        session=_("The session"), scope=_("Only this session, or it and the rest of its series"),
        title=_("New title"), start=_("New start date and time, e.g. 2026-12-03 14:00"),
        timezone=_("Time zone of the new start"), duration=_("New length in minutes"), format=_("New kind"),
        description=_("New description"), join_link=_("New https:// join link"),
        capacity=_("New number of places (0 = no limit)"), languages=_("New languages, e.g. en, th"),
        countries=_("New audience countries"),
    )
    async def edit(
        self, interaction: discord.Interaction[SSEBot], session: str, scope: Literal["one", "series"] = "one",
        title: str | None = None, start: str | None = None, timezone: str | None = None,
        duration: app_commands.Range[int, 1, 1440] | None = None, format: FormatChoice | None = None,
        description: str | None = None, join_link: str | None = None,
        capacity: app_commands.Range[int, 0, 100000] | None = None, languages: str | None = None,
        countries: str | None = None,
    ) -> None:
        app = self.bot.app
        changes = SessionChanges(title=title, description=description, start=start, timezone=timezone,
                                 duration_minutes=duration, format=format, join_url=join_link, capacity=capacity,
                                 languages=languages, countries=countries)
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with app.db.begin() as db:
            result = await app.service(TrainingSessionService).edit(db, actor_of(interaction), session, changes, scope=scope)
        for view in result.sessions:
            await self.jobs.refresh(view)
        await self.jobs.arm()
        self.jobs.notify(result.notify_user_ids, result.sessions[0], result.changed_fields)
        await reply(interaction, ephemeral=True, content=(
            f"Updated {len(result.sessions)} session(s) ({', '.join(result.changed_fields)}). "
            f"{len(result.notify_user_ids)} member(s) who RSVPed are being told."))

    @session.command(name=_("cancel"), description=_("Cancel a session or the rest of its series (facilitators)"))
    @app_commands.describe(session=_("The session"), scope=_("Only this session, or it and the rest of its series"),
                           reason=_("Why (members who RSVPed are told)"))
    async def cancel(self, interaction: discord.Interaction[SSEBot], session: str,
                     scope: Literal["one", "series"] = "one", reason: str | None = None) -> None:
        await do_cancel(interaction, session, scope, reason)

    @session.command(name=_("materials"), description=_("Add the recording and slides of a session (facilitators)"))
    @app_commands.describe(session=_("The session"), recording=_("https:// link to the recording"),
                           slides=_("https:// link to the slides"))
    async def materials(self, interaction: discord.Interaction[SSEBot], session: str, recording: str | None = None,
                        slides: str | None = None) -> None:
        app = self.bot.app
        async with app.db.begin() as db:
            view, resources = await app.service(TrainingSessionService).add_materials(db, actor_of(interaction), session,
                                                               recording=recording, slides=slides)
        for resource in resources:
            app.service(ResourceService).add(resource)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.jobs.refresh(view)
        await reply(interaction, ephemeral=True, content=f"Materials added to **{safe_echo(view.title)}** and to "
                    f"the resource catalogue ({len(resources)} entr{'y' if len(resources) == 1 else 'ies'}; "
                    "find them with /resources).")

    @session.command(name=_("attendance"), description=_("Record that a member attended a session (facilitators)"))
    @app_commands.describe(session=_("The session"), member=_("The member"), attended=_("Did they attend?"))
    async def attendance(self, interaction: discord.Interaction[SSEBot], session: str, member: discord.User,
                         attended: bool = True) -> None:
        app = self.bot.app
        actor = actor_of(interaction)
        async with app.db.begin() as db:
            view = await app.service(TrainingSessionService).record_attendance(db, actor, session, member.id, attended)
            present = await app.service(TrainingSessionService).attendance(db, actor, view.id)
        await reply(interaction, ephemeral=True, content=f"Recorded: {member.mention} "
                    f"{'attended' if attended else 'did not attend'} **{safe_echo(view.title)}** "
                    f"({len(present)} attended so far).")

    # ---- members -----------------------------------------------------------------------
    @session.command(name=_("info"), description=_("Details of a session in your time zone, with RSVP buttons"))
    @app_commands.describe(session=_("The session"))
    async def info(self, interaction: discord.Interaction[SSEBot], session: str) -> None:
        app = self.bot.app
        zone = await member_zone(interaction)
        async with app.db.begin() as db:
            view = await app.service(TrainingSessionService).get(db, session)
            mine = await app.service(TrainingSessionService).my_rsvp(db, view.id, interaction.user.id)
        await reply(interaction, embed=info_embed(view, zone, mine), view=rsvp_view(view) or discord.utils.MISSING,
                    ephemeral=True)

    @session.command(name=_("times"), description=_("See a proposed start in every audience country's local time"))
    @app_commands.describe(start=_("Proposed start, e.g. 2026-12-03 14:00"), timezone=_("Time zone of that start"),
                           countries=_("Only these countries, e.g. TH, JP (default: all)"))
    async def times(self, interaction: discord.Interaction[SSEBot], start: str, timezone: str | None = None,
                    countries: str | None = None) -> None:
        zone = timezone or await member_zone(interaction)
        when, zone, rows = self.bot.app.service(TrainingSessionService).proposed_times(start, zone, countries)
        await reply(interaction, embed=times_embed(when, zone, rows, self.bot.app.config.sessions.working_hours),
                    ephemeral=True)

    @session.command(name=_("ics"), description=_("Get a calendar file (.ics) for a session or its whole series"))
    @app_commands.describe(session=_("The session"), series=_("The whole series instead of one session"))
    async def ics(self, interaction: discord.Interaction[SSEBot], session: str, series: bool = False) -> None:
        await send_ics(interaction, session, series)

    @session.command(name=_("feedback"), description=_("Rate a session you attended (once)"))
    @app_commands.describe(session=_("The session"), rating=_("From 1 (poor) to 5 (excellent)"),
                           comment=_("Anything the facilitators should know"))
    async def feedback(self, interaction: discord.Interaction[SSEBot], session: str,
                       rating: app_commands.Range[int, 1, 5], comment: str | None = None) -> None:
        await store_feedback(interaction, session, str(rating), comment)

    @info.autocomplete("session")
    @ics.autocomplete("session")
    @edit.autocomplete("session")
    @cancel.autocomplete("session")
    async def _upcoming(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._session_choices(interaction, current)

    @materials.autocomplete("session")
    @attendance.autocomplete("session")
    @feedback.autocomplete("session")
    async def _recent(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._session_choices(interaction, current, include_past=True)

    @edit.autocomplete("timezone")
    @times.autocomplete("timezone")
    async def _zones(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @app_commands.command(name=_("sessions"), description=_("Upcoming webinars and workshops"))
    @app_commands.describe(country=_("Only sessions for this country"), language=_("Only sessions in this language"))
    async def sessions(self, interaction: discord.Interaction[SSEBot], country: str | None = None,
                       language: str | None = None) -> None:
        app = self.bot.app
        async with app.db.begin() as db:
            result = await app.service(TrainingSessionService).upcoming(db, country=country, language=language, page_size=PAGE_SIZE)
            describe = "".join(f" · {safe_echo(x, 40)}" for x in (country, language) if x and x.strip())
            view = None
            if result.pages > 1:
                qid = await save_query(db, KIND, {"country": country, "language": language, "describe": describe},
                                       interaction.user.id, str(interaction.locale))
                view = page_view(qid, result.page, result.pages)
        await reply(interaction, embed=session_list_embed(result, describe), view=view or discord.utils.MISSING,
                    ephemeral=True)

    @sessions.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_country(current))

    @sessions.autocomplete("language")
    async def _language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    # ---- preferences -------------------------------------------------------------------
    @app_commands.command(name=_("timezone"), description=_("Set your time zone for session times"))
    @app_commands.describe(zone=_("Your time zone, e.g. Asia/Tokyo (leave empty to see the current one)"))
    async def timezone(self, interaction: discord.Interaction[SSEBot], zone: str | None = None) -> None:
        app = self.bot.app
        if zone is None:
            current = await member_zone(interaction)
            await reply(interaction, ephemeral=True, content=f"Your time zone is **{current}**. Change it with "
                        "/timezone and pick yours from the list.")
            return
        name = parse_zone(zone)
        async with app.db.begin() as db:
            await update_preferences(db, interaction.user.id, timezone=name)
        await reply(interaction, ephemeral=True, content=f"Saved: your time zone is **{name}**. /session info "
                    f"shows times there (it is now {discord.utils.format_dt(utcnow(), 't')} for you).")

    @timezone.autocomplete("zone")
    async def _my_zone(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @app_commands.command(name=_("language"), description=_("Set the language the bot answers you in"))
    @app_commands.describe(language=_("Your language (leave empty to see the current one)"))
    async def language(self, interaction: discord.Interaction[SSEBot], language: str | None = None) -> None:
        app = self.bot.app
        text = optional_text(language, field="language", max_len=100)
        if text is None:
            async with app.db.begin() as db:
                prefs = await get_preferences(db, interaction.user.id)
            code = prefs.language or language_for_locale(str(interaction.locale)) or "en"
            source = "your choice" if prefs.language else "from your Discord language"
            await reply(interaction, ephemeral=True, content=f"I answer you in **{LANGUAGES[code].english}** "
                        f"({source}). Change it with /language.")
            return
        chosen = parse_language(text)
        if chosen is None:
            raise InvalidInput("I don't know that language.", suggestions=[lang.english for lang in LANGUAGES.values()])
        async with app.db.begin() as db:
            await update_preferences(db, interaction.user.id, language=chosen)
        lang = LANGUAGES[chosen]
        await reply(interaction, ephemeral=True, content=f"Saved: I'll answer you in **{lang.english}** "
                    f"({lang.native}) where a translation exists.")

    @language.autocomplete("language")
    async def _my_language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    @app_commands.command(name=_("reminders"), description=_("Turn session reminder DMs on or off"))
    @app_commands.describe(dms=_("Send me reminder DMs for sessions I RSVP to"))
    async def reminders(self, interaction: discord.Interaction[SSEBot], dms: bool) -> None:
        async with self.bot.app.db.begin() as db:
            await update_preferences(db, interaction.user.id, dm_reminders=dms)
        await reply(interaction, ephemeral=True, content="Reminder DMs are **on**." if dms else
                    "Reminder DMs are **off**. Reminders still appear in the announcements channel.")


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(RsvpButton, CalendarButton, ManageButton, CancelButton, AttendedButton)
    await bot.add_cog(Sessions(bot))
