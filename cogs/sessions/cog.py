"""/session, /sessions, /timezone, /language, /reminders: capacity-building sessions.

Thin: convert inputs, call one service, render (ui.py), respond. Buttons and forms are in
components.py. What a change means on Discord (announcements, events, notices) is enqueued by the
services in the same transaction; ``SessionJobs.deliver`` sends it and says what went wrong."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.bot import SSEBot
from bot.catalogues import _, format_number, ngettext, use_language
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES, language_for_locale, parse_language
from bot.text import optional_text, safe_echo, truncate
from bot.timezones import parse_zone
from bot.ui.common import actor_of, clip_choices, member_language, reply
from bot.ui.pager import page_view
from bot.zonefinder import find_zones
from cogs.resources.service import ResourceService
from cogs.sessions.attendance import AttendanceService
from cogs.sessions.components import (
    COMPONENTS,
    ConfirmView,
    cancel_sessions,
    member_zone,
    rsvp_view,
    send_feed,
    send_ics,
    series_of,
    store_feedback,
    told_text,
)
from cogs.sessions.info import Preview
from cogs.sessions.jobs import SessionJobs
from cogs.sessions.outgoing import announce_key, event_key
from cogs.sessions.parsing import FORMATS, FREQUENCIES, SessionChanges, SessionDraft
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.rsvp import RsvpService
from cogs.sessions.ui import (
    changed_names,
    copied_text,
    hours_warning,
    info_embed,
    session_list_embed,
    start_read_back,
    times_embed,
)
from cogs.sessions.waitlist import position as waitlist_position
from db.models import utcnow
from db.preferences import get_preferences, update_preferences
from db.queries import StoredQuery, save_query

log = logging.getLogger(__name__)

KIND = "sessions"
PAGE_SIZE = 8


async def known_zone(interaction: discord.Interaction[SSEBot]) -> str | None:
    """The member's own /timezone, or None when they never set one."""
    async with interaction.client.app.db.begin() as session:
        prefs = await get_preferences(session, interaction.user.id)
    return prefs.timezone


async def reading_languages(interaction: discord.Interaction[SSEBot]) -> tuple[str, ...]:
    """The languages a member's typed dates are read in (English is always understood too)."""
    return (await member_language(interaction, None),)


async def render_page(bot: SSEBot, stored: StoredQuery, page: int) -> tuple[discord.Embed, int, int]:
    params = stored.params
    async with bot.app.db.begin() as session:
        prefs = await get_preferences(session, stored.owner_id)
        result = await bot.app.service(TrainingSessionService).upcoming(
            session, country=params.get("country"), language=params.get("language"), page=page, page_size=PAGE_SIZE,
            group_series=True)
    return session_list_embed(result, params.get("describe", ""), prefs.timezone), result.page, result.pages


FormatChoice = Literal["webinar", "workshop", "clinic", "course", "meeting", "study-visit", "talk"]
assert set(FormatChoice.__args__) == set(FORMATS)  # type: ignore[attr-defined]
RepeatChoice = Literal["weekly", "biweekly", "monthly"]
assert set(RepeatChoice.__args__) == set(FREQUENCIES)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the cog
class Sessions(commands.Cog):
    session_group = app_commands.Group(name=locale_str("session"), description=locale_str("Capacity-building sessions: plan, RSVP, calendars"))

    def __init__(self, bot: SSEBot):
        self.bot = bot
        self.jobs = bot.runtime(SessionJobs)

    async def cog_load(self) -> None:
        await self.jobs.rebuild()
        self.bot.delivery.spawn(self.jobs.publish_pending(), "sessions-publish-pending")

    async def cog_unload(self) -> None:
        self.jobs.stop()

    async def _session_choices(self, interaction: discord.Interaction[SSEBot], current: str,
                               include_past: bool = False) -> list[app_commands.Choice[str]]:
        async with self.bot.app.db.begin() as session:
            prefs = await get_preferences(session, interaction.user.id)
            pairs = await self.bot.app.service(TrainingSessionService).complete(
                session, current, include_past=include_past, member_zone=prefs.timezone)
        return [app_commands.Choice(name=label, value=value) for label, value in pairs]

    async def _zone_choices(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=c.label, value=c.zone) for c in find_zones(current)]

    # ---- facilitators ------------------------------------------------------------------
    @session_group.command(name=locale_str("create"), description=locale_str("Plan a session and announce it (facilitators)"))
    @app_commands.describe(
        title=locale_str("Title (up to 100 characters)"), start=locale_str("Start date and time, e.g. 2026-12-03 14:00"),
        timezone=locale_str("Time zone of that start time, e.g. Asia/Bangkok"), duration=locale_str("Length in minutes"),
        format=locale_str("Kind of session"), description=locale_str("What it is about (up to 1,000 characters)"),
        languages=locale_str("Languages, e.g. en, th"), countries=locale_str("Audience countries, e.g. TH, VN (empty = all)"),
        join_link=locale_str("https:// link to join"), capacity=locale_str("Number of places (0 = no limit)"),
        repeat=locale_str("Repeat as a series"), occurrences=locale_str("How many sessions in the series"),
    )
    async def create(
        self, interaction: discord.Interaction[SSEBot], title: str, start: str, timezone: str,
        duration: app_commands.Range[int, 1, 1440] = 60, format: FormatChoice = "webinar",
        description: str | None = None, languages: str | None = None, countries: str | None = None,
        join_link: str | None = None, capacity: app_commands.Range[int, 0, 100000] = 0,
        repeat: RepeatChoice | None = None, occurrences: app_commands.Range[int, 1, 52] | None = None,
    ) -> None:
        draft = SessionDraft(title=title, start=start, timezone=timezone, duration_minutes=duration, format=format,
                             description=description, languages=languages, countries=countries, join_url=join_link,
                             capacity=capacity, repeat=repeat, occurrences=occurrences)
        langs = await reading_languages(interaction)
        mine = await known_zone(interaction)
        preview = self.bot.app.service(PlanningService).preview_create(actor_of(interaction), draft, languages=langs)
        if preview.exact:
            await self._plan(interaction, draft, preview, mine)
            return
        # a start read from natural words is said back and saved only once confirmed, as the exact
        # local time it was read as (so "tomorrow" cannot drift while the facilitator decides)
        fixed = dataclasses.replace(draft, start=preview.local_text)
        await self._ask(interaction, preview, mine, _("Plan it with this start?"),
                        lambda i: self._plan(i, fixed, preview, mine))

    async def _ask(self, interaction: discord.Interaction[SSEBot], preview: Preview, mine: str | None, question: str,
                   then: Callable[[discord.Interaction[SSEBot]], Awaitable[None]]) -> None:
        warning = hours_warning(preview.outside_hours, self.bot.app.config.sessions.working_hours)
        await reply(interaction, ephemeral=True, view=ConfirmView(interaction.user.id, then), content=truncate(
            f"{start_read_back(preview, mine)}\n" + (f"{warning}\n" if warning else "") + question, 2000))

    async def _plan(self, interaction: discord.Interaction[SSEBot], draft: SessionDraft, preview: Preview,
                    mine: str | None, note: str = "") -> None:
        app = self.bot.app
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)  # a long series takes a moment
        async with app.db.begin() as session:
            planned = await app.service(PlanningService).create(session, actor_of(interaction), draft)
        problems = await self.jobs.deliver([announce_key(planned[0]), event_key(planned[0])])
        first, last = planned[0], planned[-1]
        title, starting = safe_echo(first.title), discord.utils.format_dt(first.start_utc, "F")
        if len(planned) > 1:
            more = len(planned) - 1
            text = ngettext(
                "Planned **{title}** (#{id}) and {count} more in the series (#{second}–#{last}), starting {when}.",
                "Planned **{title}** (#{id}) and {count} more in the series (#{second}–#{last}), starting {when}.",
                more).format(title=title, id=first.id, count=more, second=planned[1].id, last=last.id, when=starting)
        else:
            text = _("Planned **{title}** (#{id}), starting {when}.").format(title=title, id=first.id, when=starting)
        text += "\n" + start_read_back(preview, mine)
        if len(planned) > 1:
            text += "\n" + _("Later occurrences are announced one at a time, when the previous one has ended.")
        if note:
            text += "\n" + note
        if warning := hours_warning(preview.outside_hours, app.config.sessions.working_hours):
            text += "\n" + warning
        if problems:
            text += "\n" + "\n".join(f"⚠️ {p}" for p in dict.fromkeys(problems))
        await reply(interaction, content=truncate(text, 2000), ephemeral=True)

    @session_group.command(name=locale_str("copy"), description=locale_str("Plan another session like an existing one (facilitators)"))
    @app_commands.rename(session_ref=locale_str("like"))
    @app_commands.describe(
        session_ref=locale_str("The session to copy (past or upcoming)"), start=locale_str("Start of the new one, e.g. 2026-12-03 14:00"),
        timezone=locale_str("Time zone of that start (default: the copied session's)"), title=locale_str("New title (default: the same)"),
    )
    async def copy(self, interaction: discord.Interaction[SSEBot], session_ref: str, start: str,
                   timezone: str | None = None, title: str | None = None) -> None:
        app = self.bot.app
        planning = app.service(PlanningService)
        async with app.db.begin() as session:
            draft, source = await planning.draft_like(session, actor_of(interaction), session_ref, start, timezone, title)
        langs = await reading_languages(interaction)
        mine = await known_zone(interaction)
        preview = planning.preview_create(actor_of(interaction), draft, languages=langs)
        note = copied_text(source, draft.title or source.title)
        if preview.exact:
            await self._plan(interaction, draft, preview, mine, note)
            return
        fixed = dataclasses.replace(draft, start=preview.local_text)
        await self._ask(interaction, preview, mine, note + "\n" + _("Plan it with this start?"),
                        lambda i: self._plan(i, fixed, preview, mine, note))

    @copy.autocomplete("session_ref")
    async def _copy_from(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._session_choices(interaction, current, include_past=True)

    @copy.autocomplete("timezone")
    @create.autocomplete("timezone")
    async def _create_zone(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @create.autocomplete("languages")
    async def _create_languages(self, interaction: discord.Interaction[SSEBot],
                                current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    @session_group.command(name=locale_str("edit"), description=locale_str("Change a session or its whole series (facilitators)"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(
        session_ref=locale_str("The session"), scope=locale_str("Only this session, or it and the rest of its series"),
        title=locale_str("New title"), start=locale_str("New start date and time, e.g. 2026-12-03 14:00"),
        timezone=locale_str("Time zone of the new start"), duration=locale_str("New length in minutes"), format=locale_str("New kind"),
        description=locale_str("New description"), join_link=locale_str("New https:// join link"),
        capacity=locale_str("New number of places (0 = no limit)"), languages=locale_str("New languages, e.g. en, th"),
        countries=locale_str("New audience countries"),
    )
    async def edit(
        self, interaction: discord.Interaction[SSEBot], session_ref: str, scope: Literal["one", "series"] = "one",
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
        langs = await reading_languages(interaction)
        mine = await known_zone(interaction)
        async with app.db.begin() as session:
            preview = await app.service(PlanningService).preview_edit(session, actor_of(interaction), session_ref,
                                                                      changes, languages=langs)
        if preview is not None and not preview.exact:
            fixed = dataclasses.replace(changes, start=preview.local_text)
            await self._ask(interaction, preview, mine, _("Move the session to this start?"),
                            lambda i: self._edit(i, session_ref, fixed, scope, preview, mine))
            return
        await self._edit(interaction, session_ref, changes, scope, preview, mine)

    async def _edit(self, interaction: discord.Interaction[SSEBot], session_ref: str, changes: SessionChanges,
                    scope: Literal["one", "series"], preview: Preview | None, mine: str | None) -> None:
        app = self.bot.app
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        async with app.db.begin() as session:
            result = await app.service(PlanningService).edit(session, actor_of(interaction), session_ref, changes,
                                                             scope=scope)
        await self.jobs.deliver(result.deliveries)
        updated = len(result.training_sessions)
        text = ngettext("Updated {count} session ({changed}).", "Updated {count} sessions ({changed}).", updated).format(
            count=format_number(updated), changed=changed_names(result.changed_fields)) + " " + told_text(
            len(result.notify_user_ids))
        if preview is not None:
            text += "\n" + start_read_back(preview, mine)
            if warning := hours_warning(preview.outside_hours, app.config.sessions.working_hours):
                text += "\n" + warning
        await reply(interaction, ephemeral=True, content=truncate(text, 2000))

    @session_group.command(name=locale_str("cancel"), description=locale_str("Cancel a session or the rest of its series (facilitators)"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"), scope=locale_str("Only this session, or it and the rest of its series"),
                           reason=locale_str("Why (members who RSVPed are told)"))
    async def cancel(self, interaction: discord.Interaction[SSEBot], session_ref: str,
                     scope: Literal["one", "series"] = "one", reason: str | None = None) -> None:
        await cancel_sessions(interaction, session_ref, scope, reason)

    @session_group.command(name=locale_str("materials"), description=locale_str("Add the recording and slides of a session (facilitators)"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"), recording=locale_str("https:// link to the recording"),
                           slides=locale_str("https:// link to the slides"))
    async def materials(self, interaction: discord.Interaction[SSEBot], session_ref: str, recording: str | None = None,
                        slides: str | None = None) -> None:
        app = self.bot.app
        async with app.db.begin() as session:
            training_session, resources = await app.service(PlanningService).add_materials(
                session, actor_of(interaction), session_ref, recording=recording, slides=slides)
        for resource in resources:
            app.service(ResourceService).add(resource)
        await interaction.response.defer(ephemeral=True, thinking=True)
        self.bot.delivery.kick()  # the announcement shows the materials
        await reply(interaction, ephemeral=True, content=ngettext(
            "Materials added to **{title}** and to the resource catalogue ({count} entry; find them with /resources).",
            "Materials added to **{title}** and to the resource catalogue ({count} entries; find them with /resources).",
            len(resources)).format(title=safe_echo(training_session.title), count=len(resources)))

    @session_group.command(name=locale_str("attendance"), description=locale_str("Record that a member attended a session (facilitators)"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"), member=locale_str("The member"), attended=locale_str("Did they attend?"))
    async def attendance(self, interaction: discord.Interaction[SSEBot], session_ref: str, member: discord.User,
                         attended: bool = True) -> None:
        app = self.bot.app
        actor = actor_of(interaction)
        async with app.db.begin() as session:
            training_session = await app.service(AttendanceService).record_attendance(session, actor, session_ref,
                                                                                      member.id, attended)
            present = await app.service(AttendanceService).attended(session, actor, training_session.id)
        if attended:
            text = ngettext("Recorded: {member} attended **{title}** ({count} attended so far).",
                            "Recorded: {member} attended **{title}** ({count} attended so far).", len(present))
        else:
            text = ngettext("Recorded: {member} did not attend **{title}** ({count} attended so far).",
                            "Recorded: {member} did not attend **{title}** ({count} attended so far).", len(present))
        await reply(interaction, ephemeral=True, content=text.format(
            member=member.mention, title=safe_echo(training_session.title), count=format_number(len(present))))

    # ---- members -----------------------------------------------------------------------
    @session_group.command(name=locale_str("info"), description=locale_str("Details of a session in your time zone, with RSVP buttons"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"))
    async def info(self, interaction: discord.Interaction[SSEBot], session_ref: str) -> None:
        app = self.bot.app
        zone = await member_zone(interaction)
        async with app.db.begin() as session:
            training_session = await app.service(TrainingSessionService).get(session, session_ref)
            mine = await app.service(RsvpService).my_rsvp(session, training_session.id, interaction.user.id)
            waiting = await waitlist_position(session, training_session.id, interaction.user.id)
        series = await series_of(interaction, training_session)
        await reply(interaction, embed=info_embed(training_session, zone, mine, series, waiting),
                    view=rsvp_view(training_session) or discord.utils.MISSING,
                    ephemeral=True)

    @session_group.command(name=locale_str("times"), description=locale_str("See a proposed start in every audience country's local time"))
    @app_commands.describe(start=locale_str("Proposed start, e.g. 2026-12-03 14:00"), timezone=locale_str("Time zone of that start"),
                           countries=locale_str("Only these countries, e.g. TH, JP (default: all)"))
    async def times(self, interaction: discord.Interaction[SSEBot], start: str, timezone: str | None = None,
                    countries: str | None = None) -> None:
        zone = timezone or await member_zone(interaction)
        when, zone, rows = self.bot.app.service(PlanningService).proposed_times(
            start, zone, countries, languages=await reading_languages(interaction))
        await reply(interaction, embed=times_embed(when, zone, rows, self.bot.app.config.sessions.working_hours),
                    ephemeral=True)

    @session_group.command(name=locale_str("ics"), description=locale_str("Get a calendar file (.ics) for a session or its whole series"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"), series=locale_str("The whole series instead of one session"))
    async def ics(self, interaction: discord.Interaction[SSEBot], session_ref: str, series: bool = False) -> None:
        await send_ics(interaction, session_ref, series)

    @session_group.command(name=locale_str("feed"), description=locale_str("Your personal calendar feed: the sessions you RSVPed to, kept up to date"))
    @app_commands.describe(reset=locale_str("Stop the old link and get a new one"))
    async def feed(self, interaction: discord.Interaction[SSEBot], reset: bool = False) -> None:
        await send_feed(interaction, reset)

    @session_group.command(name=locale_str("feedback"), description=locale_str("Rate a session you attended (once)"))
    @app_commands.rename(session_ref=locale_str("session"))
    @app_commands.describe(session_ref=locale_str("The session"), rating=locale_str("From 1 (poor) to 5 (excellent)"),
                           comment=locale_str("Anything the facilitators should know"))
    async def feedback(self, interaction: discord.Interaction[SSEBot], session_ref: str,
                       rating: app_commands.Range[int, 1, 5], comment: str | None = None) -> None:
        await store_feedback(interaction, session_ref, str(rating), comment)

    @info.autocomplete("session_ref")
    @ics.autocomplete("session_ref")
    @edit.autocomplete("session_ref")
    @cancel.autocomplete("session_ref")
    async def _upcoming(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._session_choices(interaction, current)

    @materials.autocomplete("session_ref")
    @attendance.autocomplete("session_ref")
    @feedback.autocomplete("session_ref")
    async def _recent(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._session_choices(interaction, current, include_past=True)

    @edit.autocomplete("timezone")
    @times.autocomplete("timezone")
    async def _zones(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @app_commands.command(name=locale_str("sessions"), description=locale_str("Upcoming webinars and workshops"))
    @app_commands.describe(country=locale_str("Only sessions for this country"), language=locale_str("Only sessions in this language"))
    async def sessions(self, interaction: discord.Interaction[SSEBot], country: str | None = None,
                       language: str | None = None) -> None:
        app = self.bot.app
        async with app.db.begin() as session:
            prefs = await get_preferences(session, interaction.user.id)
            result = await app.service(TrainingSessionService).upcoming(session, country=country, language=language,
                                                                        page_size=PAGE_SIZE, group_series=True)
            describe = "".join(f" · {safe_echo(x, 40)}" for x in (country, language) if x and x.strip())
            pages = None
            if result.pages > 1:
                qid = await save_query(session, KIND, {"country": country, "language": language, "describe": describe},
                                       interaction.user.id, str(interaction.locale))
                pages = page_view(qid, result.page, result.pages)
        await reply(interaction, embed=session_list_embed(result, describe, prefs.timezone), view=pages or discord.utils.MISSING,
                    ephemeral=True)

    @sessions.autocomplete("country")
    async def _country(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_country(current))

    @sessions.autocomplete("language")
    async def _language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    # ---- preferences -------------------------------------------------------------------
    @app_commands.command(name=locale_str("timezone"), description=locale_str("Set your time zone for session times"))
    @app_commands.describe(zone=locale_str("Your time zone, e.g. Asia/Tokyo (leave empty to see the current one)"))
    async def timezone(self, interaction: discord.Interaction[SSEBot], zone: str | None = None) -> None:
        app = self.bot.app
        if zone is None:
            current = await member_zone(interaction)
            await reply(interaction, ephemeral=True, content=_(
                "Your time zone is **{zone}**. Change it with /timezone and pick yours from the list.").format(
                zone=current))
            return
        name = parse_zone(zone)
        async with app.db.begin() as session:
            await update_preferences(session, interaction.user.id, timezone=name)
        await reply(interaction, ephemeral=True, content=_(
            "Saved: your time zone is **{zone}**. /session info shows times there (it is now {time} for you).").format(
            zone=name, time=discord.utils.format_dt(utcnow(), "t")))

    @timezone.autocomplete("zone")
    async def _my_zone(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return await self._zone_choices(interaction, current)

    @app_commands.command(name=locale_str("language"), description=locale_str("Set the language the bot answers you in"))
    @app_commands.describe(language=locale_str("Your language (leave empty to see the current one)"))
    async def language(self, interaction: discord.Interaction[SSEBot], language: str | None = None) -> None:
        app = self.bot.app
        text = optional_text(language, field="language", max_len=100)
        if text is None:
            async with app.db.begin() as session:
                prefs = await get_preferences(session, interaction.user.id)
            code = prefs.language or language_for_locale(str(interaction.locale)) or "en"
            lang = LANGUAGES[code]
            answer = (_("I answer you in **{language}** ({native}): your choice. Change it with /language.")
                      if prefs.language else
                      _("I answer you in **{language}** ({native}), from your Discord language. Change it with "
                        "/language."))
            await reply(interaction, ephemeral=True, content=answer.format(language=lang.english, native=lang.native))
            return
        chosen = parse_language(text)
        if chosen is None:
            raise InvalidInput(_("I don't know that language."),
                               suggestions=[lang.english for lang in LANGUAGES.values()])
        async with app.db.begin() as session:
            await update_preferences(session, interaction.user.id, language=chosen)
        lang = LANGUAGES[chosen]
        with use_language(chosen):  # said in the language just chosen
            await reply(interaction, ephemeral=True, content=_(
                "Saved: I'll answer you in **{language}** ({native}) where a translation exists.").format(
                language=lang.english, native=lang.native))

    @language.autocomplete("language")
    async def _my_language(self, interaction: discord.Interaction[SSEBot], current: str) -> list[app_commands.Choice[str]]:
        return clip_choices(self.bot.app.service(ResourceService).complete_language(current))

    @app_commands.command(name=locale_str("reminders"), description=locale_str("Turn session reminder DMs on or off"))
    @app_commands.describe(dms=locale_str("Send me reminder DMs for sessions I RSVP to"))
    async def reminders(self, interaction: discord.Interaction[SSEBot], dms: bool) -> None:
        async with self.bot.app.db.begin() as session:
            await update_preferences(session, interaction.user.id, dm_reminders=dms)
        await reply(interaction, ephemeral=True, content=_("Reminder DMs are **on**.") if dms else
                    _("Reminder DMs are **off**. Reminders still appear in the announcements channel."))


async def setup(bot: SSEBot) -> None:
    bot.add_dynamic_items(*COMPONENTS)
    await bot.add_cog(Sessions(bot))
