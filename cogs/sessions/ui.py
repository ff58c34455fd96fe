"""Rendering for sessions: announcements, lists, times, reminders, the digest.

Times are Discord timestamps (``<t:…:F>``, ``<t:…:R>``) so every member reads their own
local time; user text is made inert with ``safe_echo``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.dates import confirmation
from bot.i18n import LANGUAGES, country_name
from bot.text import safe_echo, truncate
from bot.timezones import both_times, local_label, utc_offset_label
from bot.ui.common import COLOUR
from cogs.sessions.info import LocalTime, Preview, SessionPage, TrainingSessionInfo
from cogs.sessions.parsing import RSVP_STATUSES
from cogs.sessions.reminders import DueReminder

CANCELLED_COLOUR = discord.Colour(0x7F8C8D)


def when(dt: datetime) -> str:
    return f"{discord.utils.format_dt(dt, 'F')} ({discord.utils.format_dt(dt, 'R')})"


def _languages(codes: Sequence[str]) -> str:
    return ", ".join(LANGUAGES[c].english if c in LANGUAGES else c for c in codes) or "English"


def _countries(codes: Sequence[str]) -> str:
    return ", ".join(country_name(c) for c in codes) or "All member countries"


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p)


def title_of(training_session: TrainingSessionInfo, limit: int = 256) -> str:
    prefix = "Cancelled: " if training_session.cancelled else ""
    return truncate(prefix + training_session.title, limit)


def going_line(training_session: TrainingSessionInfo) -> str:
    """"Going 12", or with a capacity "Going 50/50 (full) · waitlist 7"."""
    if not training_session.capacity:
        return f"Going {training_session.rsvp.going}"
    line = f"Going {training_session.rsvp.going}/{training_session.capacity}" + (" (full)" if training_session.full else "")
    if training_session.waitlist or training_session.full:
        line += f" · waitlist {training_session.waitlist}"
    return line


def announcement_embed(training_session: TrainingSessionInfo) -> discord.Embed:
    embed = discord.Embed(
        title=title_of(training_session), colour=CANCELLED_COLOUR if training_session.cancelled else COLOUR,
        description=(truncate(safe_echo(training_session.description, 1000, multiline=True), 4096)
                     if training_session.description else None),
    )
    embed.add_field(name="When", value=f"{when(training_session.start_utc)}\n{_duration(training_session.duration_minutes)}"
                    f" · organiser's time: {local_label(training_session.start_utc, training_session.timezone)}", inline=False)
    embed.add_field(name="Format", value=training_session.format_label, inline=True)
    embed.add_field(name="Languages", value=_languages(training_session.languages), inline=True)
    embed.add_field(name="For", value=truncate(_countries(training_session.countries), 1024), inline=True)
    if training_session.series_label:
        embed.add_field(name="Series", value=training_session.series_label, inline=True)
    embed.add_field(name="RSVPs", value=f"{going_line(training_session)} · {training_session.rsvp.interested} interested",
                    inline=True)
    if training_session.join_url and not training_session.cancelled:
        embed.add_field(name="Join", value=truncate(training_session.join_url, 1024), inline=False)
    materials = [f"[Recording]({training_session.recording_url})" if training_session.recording_url else "",
                 f"[Slides]({training_session.slides_url})" if training_session.slides_url else ""]
    if any(materials):
        embed.add_field(name="Materials", value=" · ".join(m for m in materials if m), inline=False)
    if training_session.cancelled:
        embed.add_field(name="Cancelled", value=safe_echo(training_session.cancel_reason or "This session will not take place.", 1000),
                        inline=False)
    embed.set_footer(text=f"Session #{training_session.id} · times are shown in your own time zone")
    return embed


def session_list_embed(page: SessionPage, describe: str, member_zone: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=truncate(f"Upcoming sessions{describe}", 256), colour=COLOUR)
    if not page.items:
        embed.description = "No upcoming sessions match. Try without filters, or check back soon."
        return embed
    embed.description = f"{page.total} upcoming" + (f" — page {page.page} of {page.pages}" if page.pages > 1 else "")
    if member_zone is None:
        embed.description += "\nYour own time zone is unknown (set it with /timezone): times below are the session's and UTC."
    more = page.more or (0,) * len(page.items)
    for v, later in zip(page.items, more, strict=True):
        places = f" · {going_line(v)}"
        value = (f"{when(v.start_utc)}\n{both_times(v.start_utc, v.timezone, member_zone)}\n"
                 f"{v.format_label} · {_languages(v.languages)}{places}")
        if v.series_label:
            value += f"\n{v.series_label}" + (f" · next of this series, **{later} more** after it" if later else "")
        embed.add_field(name=truncate(f"#{v.id} {v.title}", 256), value=truncate(value, 1024), inline=False)
    embed.set_footer(text="/session info <number> for details, RSVP and calendar file")
    return embed


SERIES_LINES = 12


def info_embed(training_session: TrainingSessionInfo, zone: str, my_status: str | None,
               series: Sequence[TrainingSessionInfo] = (), waiting: int | None = None) -> discord.Embed:
    embed = announcement_embed(training_session)
    embed.insert_field_at(1, name="In your time zone", value=f"{local_label(training_session.start_utc, zone)}\n"
                          "(change it with /timezone)", inline=False)
    if len(series) > 1:
        lines = []
        for v in series[:SERIES_LINES]:
            mark = " ← this one" if v.id == training_session.id else ""
            gone = " (cancelled)" if v.cancelled else ""
            lines.append(f"#{v.id} {local_label(v.start_utc, zone).split(' (')[0]}{gone}{mark}")
        if len(series) > SERIES_LINES:
            lines.append(f"… and {len(series) - SERIES_LINES} more (/session ics with series: true has them all)")
        embed.add_field(name=f"All {len(series)} dates, in your time ({zone})", value=truncate("\n".join(lines), 1024),
                        inline=False)
    if my_status:
        embed.add_field(name="Your answer", value=RSVP_STATUSES[my_status], inline=True)
    if waiting is not None:
        embed.add_field(name="Your place", value=f"waitlist number {waiting}", inline=True)
    return embed


def times_embed(start: datetime, zone: str, times: Sequence[LocalTime], hours: Sequence[int]) -> discord.Embed:
    embed = discord.Embed(title="Proposed start in each country", colour=COLOUR)
    lines = []
    for t in times:
        flag = " ⚠️ outside working hours" if t.outside_working_hours else ""
        lines.append(f"**{t.country_name}** — {t.local:%a %d %b, %H:%M} ({utc_offset_label(start, t.zone)}){flag}")
    embed.description = truncate(
        f"Proposed: {local_label(start, zone)} = {discord.utils.format_dt(start, 'F')} for you.\n\n" + "\n".join(lines),
        4096)
    outside = sum(t.outside_working_hours for t in times)
    embed.set_footer(text=f"Working hours: {hours[0]:02d}:00–{hours[1]:02d}:00 local, Monday to Friday. "
                          f"{outside} of {len(times)} countries outside them.")
    return embed


def jump_url(training_session: TrainingSessionInfo, guild_id: int) -> str | None:
    if not (training_session.channel_id and training_session.message_id and guild_id):
        return None
    return f"https://discord.com/channels/{guild_id}/{training_session.channel_id}/{training_session.message_id}"


def reminder_text(training_session: TrainingSessionInfo, due: DueReminder, *, direct: bool, guild_id: int = 0) -> str:
    offset = due.offset_minutes
    if offset <= 0:
        lead = f"🔴 Starting now: **{safe_echo(training_session.title)}**"
    else:
        hours, minutes = divmod(offset, 60)
        span = (f"{hours} hour{'s' if hours != 1 else ''}" if not minutes and hours
                else f"{offset} minutes")
        lead = f"{'⏰' if offset <= 120 else '📅'} In {span}: **{safe_echo(training_session.title)}**"
    lines = [lead, when(training_session.start_utc)]
    if training_session.join_url:
        lines.append(f"Join: {training_session.join_url}")
    if (link := jump_url(training_session, guild_id)) is not None:
        lines.append(f"Details and RSVP: {link}")
    if due.late:
        lines.append("*(Sent late: the bot was offline when this reminder was due.)*")
    if direct:
        lines.append("-# You get this because you answered Going or Interested. Turn reminder DMs off with /reminders.")
    return truncate("\n".join(line for line in lines if line), 2000)


def followup_text(training_session: TrainingSessionInfo) -> str:
    return truncate(f"Thank you for joining **{safe_echo(training_session.title)}**! Did you attend? "
                    "If you did, I'd love a quick rating (it takes ten seconds).", 2000)


def copied_text(source: TrainingSessionInfo, title: str) -> str:
    """What "plan another like this" copied, said back to the facilitator."""
    capacity = f"{source.capacity} place{'s' if source.capacity != 1 else ''}" if source.capacity else "no limit on places"
    parts = [f"“{safe_echo(title, 100)}”", _duration(source.duration_minutes), source.format_label,
             _languages(source.languages), _countries(source.countries), capacity,
             f"join link {source.join_url}" if source.join_url else "no join link",
             "its description" if source.description else "no description"]
    return truncate(f"Copied from #{source.id} {safe_echo(source.title, 100)}: " + " · ".join(parts) + ".", 1000)


def promoted_text(training_session: TrainingSessionInfo, link: str | None) -> str:
    lines = [f"🎟️ A place freed up: you are now **Going** to **{safe_echo(training_session.title)}**, "
             f"{when(training_session.start_utc)}. You were first on the waitlist.",
             f"Join: {training_session.join_url}" if training_session.join_url else "",
             f"Details: {link}" if link else "",
             "-# Can't make it after all? Press Can't go on the announcement so the next member gets the place."]
    return truncate("\n".join(line for line in lines if line), 2000)


def change_text(training_session: TrainingSessionInfo, changed: Sequence[str]) -> str:
    if training_session.cancelled:
        reason = f"\nReason: {safe_echo(training_session.cancel_reason, 500)}" if training_session.cancel_reason else ""
        return truncate(f"❌ **{safe_echo(training_session.title)}** ({discord.utils.format_dt(training_session.start_utc, 'F')}) "
                        f"has been cancelled.{reason}", 2000)
    what = ", ".join(changed) or "details"
    return truncate(f"📝 **{safe_echo(training_session.title)}** was updated ({what}). It is now {when(training_session.start_utc)}."
                    + (f"\nJoin: {training_session.join_url}" if training_session.join_url else ""), 2000)


def your_time(when: datetime, member_zone: str | None) -> str:
    """The member's own time, or once, that it is unknown."""
    if member_zone is None:
        return "Your own time zone is unknown: set it with /timezone to see times there."
    return f"Your time: {local_label(when, member_zone)}."


def start_read_back(preview: Preview, member_zone: str | None) -> str:
    """How a typed start was read: in the session's zone, in UTC and in the member's time."""
    return (f"Start read as **{confirmation(preview.start_utc, preview.timezone)}**"
            + (f" (you typed “{safe_echo(preview.typed, 80)}”)" if not preview.exact else "") + ".\n"
            + your_time(preview.start_utc, member_zone))


def hours_warning(times: Sequence[LocalTime], hours: Sequence[int]) -> str:
    """A warning (never a refusal) naming the audience countries where a start is outside working hours."""
    if not times:
        return ""
    where = "; ".join(f"{t.country_name} {t.local:%a %H:%M}" for t in times)
    return truncate(f"⚠️ Outside working hours ({hours[0]:02d}:00–{hours[1]:02d}:00 local, Monday to Friday) "
                    f"in: {where}. You can still keep it; /session times shows every country.", 1000)
