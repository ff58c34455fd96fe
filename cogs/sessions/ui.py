"""Rendering for sessions: announcements, lists, times, reminders, the digest.

Times are Discord timestamps (``<t:…:F>``, ``<t:…:R>``) so every member reads their own
local time; user text is made inert with ``safe_echo``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.i18n import LANGUAGES, country_name
from bot.text import safe_echo, truncate
from bot.timezones import local_label, utc_offset_label
from bot.ui.common import COLOUR
from cogs.sessions.reminders import DueReminder
from cogs.sessions.service import RSVP_STATUSES, LocalTime, SessionPage, SessionView

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


def title_of(view: SessionView, limit: int = 256) -> str:
    prefix = "Cancelled: " if view.cancelled else ""
    return truncate(prefix + view.title, limit)


def announcement_embed(view: SessionView) -> discord.Embed:
    embed = discord.Embed(
        title=title_of(view), colour=CANCELLED_COLOUR if view.cancelled else COLOUR,
        description=truncate(safe_echo(view.description, 1000, multiline=True), 4096) if view.description else None,
    )
    embed.add_field(name="When", value=f"{when(view.start_utc)}\n{_duration(view.duration_minutes)}"
                    f" · organiser's time: {local_label(view.start_utc, view.timezone)}", inline=False)
    embed.add_field(name="Format", value=view.format_label, inline=True)
    embed.add_field(name="Languages", value=_languages(view.languages), inline=True)
    embed.add_field(name="For", value=truncate(_countries(view.countries), 1024), inline=True)
    if view.series_label:
        embed.add_field(name="Series", value=view.series_label, inline=True)
    places = f"{view.rsvp.going} going"
    if view.capacity:
        places = f"{view.rsvp.going} / {view.capacity} places taken" + (" — full" if view.full else "")
    embed.add_field(name="RSVPs", value=f"{places} · {view.rsvp.interested} interested", inline=True)
    if view.join_url and not view.cancelled:
        embed.add_field(name="Join", value=truncate(view.join_url, 1024), inline=False)
    materials = [f"[Recording]({view.recording_url})" if view.recording_url else "",
                 f"[Slides]({view.slides_url})" if view.slides_url else ""]
    if any(materials):
        embed.add_field(name="Materials", value=" · ".join(m for m in materials if m), inline=False)
    if view.cancelled:
        embed.add_field(name="Cancelled", value=safe_echo(view.cancel_reason or "This session will not take place.", 1000),
                        inline=False)
    embed.set_footer(text=f"Session #{view.id} · times are shown in your own time zone")
    return embed


def session_list_embed(page: SessionPage, describe: str) -> discord.Embed:
    embed = discord.Embed(title=truncate(f"Upcoming sessions{describe}", 256), colour=COLOUR)
    if not page.items:
        embed.description = "No upcoming sessions match. Try without filters, or check back soon."
        return embed
    embed.description = f"{page.total} upcoming" + (f" — page {page.page} of {page.pages}" if page.pages > 1 else "")
    for v in page.items:
        places = f" · {v.rsvp.going}/{v.capacity} places" if v.capacity else f" · {v.rsvp.going} going"
        value = f"{when(v.start_utc)}\n{v.format_label} · {_languages(v.languages)}{places}"
        if v.series_label:
            value += f"\n{v.series_label}"
        embed.add_field(name=truncate(f"#{v.id} {v.title}", 256), value=truncate(value, 1024), inline=False)
    embed.set_footer(text="/session info <number> for details, RSVP and calendar file")
    return embed


def info_embed(view: SessionView, zone: str, my_status: str | None) -> discord.Embed:
    embed = announcement_embed(view)
    embed.insert_field_at(1, name="In your time zone", value=f"{local_label(view.start_utc, zone)}\n"
                          "(change it with /timezone)", inline=False)
    if my_status:
        embed.add_field(name="Your answer", value=RSVP_STATUSES[my_status], inline=True)
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


def jump_url(view: SessionView, guild_id: int) -> str | None:
    if not (view.channel_id and view.message_id and guild_id):
        return None
    return f"https://discord.com/channels/{guild_id}/{view.channel_id}/{view.message_id}"


def reminder_text(view: SessionView, due: DueReminder, *, direct: bool, guild_id: int = 0) -> str:
    offset = due.offset_minutes
    if offset <= 0:
        lead = f"🔴 Starting now: **{safe_echo(view.title)}**"
    else:
        hours, minutes = divmod(offset, 60)
        span = (f"{hours} hour{'s' if hours != 1 else ''}" if not minutes and hours
                else f"{offset} minutes")
        lead = f"{'⏰' if offset <= 120 else '📅'} In {span}: **{safe_echo(view.title)}**"
    lines = [lead, when(view.start_utc)]
    if view.join_url:
        lines.append(f"Join: {view.join_url}")
    if (link := jump_url(view, guild_id)) is not None:
        lines.append(f"Details and RSVP: {link}")
    if due.late:
        lines.append("*(Sent late: the bot was offline when this reminder was due.)*")
    if direct:
        lines.append("-# You get this because you answered Going or Interested. Turn reminder DMs off with /reminders.")
    return truncate("\n".join(line for line in lines if line), 2000)


def followup_text(view: SessionView) -> str:
    return truncate(f"Thank you for joining **{safe_echo(view.title)}**! Did you attend? "
                    "If you did, I'd love a quick rating (it takes ten seconds).", 2000)


def change_text(view: SessionView, changed: Sequence[str]) -> str:
    if view.cancelled:
        reason = f"\nReason: {safe_echo(view.cancel_reason, 500)}" if view.cancel_reason else ""
        return truncate(f"❌ **{safe_echo(view.title)}** ({discord.utils.format_dt(view.start_utc, 'F')}) "
                        f"has been cancelled.{reason}", 2000)
    what = ", ".join(changed) or "details"
    return truncate(f"📝 **{safe_echo(view.title)}** was updated ({what}). It is now {when(view.start_utc)}."
                    + (f"\nJoin: {view.join_url}" if view.join_url else ""), 2000)
