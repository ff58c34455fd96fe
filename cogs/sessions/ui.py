"""Rendering for sessions: announcements, lists, times, reminders, the digest.

Times are Discord timestamps (``<t:…:F>``, ``<t:…:R>``) so every member reads their own local
time, with the date written out by Babel in the reader's locale beside them where a zone is known
(cogs/sessions/wording.py); user text is made inert with ``safe_echo``. Every string is in the
language of the moment (bot/catalogues.py): the member's in a reply, the recipient's in a DM, the
server's in a public post."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.catalogues import N_, _, format_number, format_when, ngettext
from bot.text import safe_echo, truncate
from bot.timezones import utc_offset_label
from bot.ui.common import COLOUR
from cogs.sessions.info import LocalTime, Preview, SessionPage, TrainingSessionInfo
from cogs.sessions.parsing import RSVP_STATUSES
from cogs.sessions.reminders import DueReminder
from cogs.sessions.waitlist import places
from cogs.sessions.wording import (
    both_local,
    countries_text,
    duration_text,
    languages_text,
    local_when,
    read_back,
)

CANCELLED_COLOUR = discord.Colour(0x7F8C8D)
# The fields /session edit can change, as a change notice names them (keys: ChangeResult.changed_fields).
FIELD_NAMES = {"title": N_("title"), "description": N_("description"), "start": N_("start"),
               "duration": N_("duration"), "timezone": N_("time zone"), "format": N_("format"),
               "languages": N_("languages"), "countries": N_("countries"), "join_url": N_("join link"),
               "capacity": N_("capacity")}


def when(dt: datetime) -> str:
    return f"{discord.utils.format_dt(dt, 'F')} ({discord.utils.format_dt(dt, 'R')})"


def changed_names(fields: Sequence[str]) -> str:
    """The changed fields in the reader's language ("start, time zone")."""
    return ", ".join(_(FIELD_NAMES[f]) if f in FIELD_NAMES else f for f in fields)


def title_of(training_session: TrainingSessionInfo, limit: int = 256) -> str:
    if training_session.cancelled:
        return truncate(_("Cancelled: {title}").format(title=training_session.title), limit)
    return truncate(training_session.title, limit)


def going_line(training_session: TrainingSessionInfo) -> str:
    """"Going 12", or with a capacity "Going 50/50 (full) · waitlist 7"."""
    going = format_number(training_session.rsvp.going)
    if not training_session.capacity:
        return _("Going {count}").format(count=going)
    capacity, waiting = format_number(training_session.capacity), format_number(training_session.waitlist)
    if training_session.full:
        return _("Going {count}/{capacity} (full) · waitlist {waiting}").format(
            count=going, capacity=capacity, waiting=waiting)
    if training_session.waitlist:
        return _("Going {count}/{capacity} · waitlist {waiting}").format(count=going, capacity=capacity,
                                                                           waiting=waiting)
    return _("Going {count}/{capacity}").format(count=going, capacity=capacity)


def announcement_embed(training_session: TrainingSessionInfo) -> discord.Embed:
    embed = discord.Embed(
        title=title_of(training_session), colour=CANCELLED_COLOUR if training_session.cancelled else COLOUR,
        description=(truncate(safe_echo(training_session.description, 1000, multiline=True), 4096)
                     if training_session.description else None),
    )
    organisers = _("{duration} · organiser's time: {time}").format(
        duration=duration_text(training_session.duration_minutes),
        time=local_when(training_session.start_utc, training_session.timezone))
    embed.add_field(name=_("When"), value=f"{when(training_session.start_utc)}\n{organisers}", inline=False)
    embed.add_field(name=_("Format"), value=training_session.format_text, inline=True)
    embed.add_field(name=_("Languages"), value=languages_text(training_session.languages), inline=True)
    embed.add_field(name=_("For"), value=truncate(countries_text(training_session.countries), 1024), inline=True)
    if training_session.series_label:
        embed.add_field(name=_("Series"), value=training_session.series_label, inline=True)
    rsvps = _("{going} · {count} interested").format(going=going_line(training_session),
                                                     count=format_number(training_session.rsvp.interested))
    embed.add_field(name=_("RSVPs"), value=rsvps, inline=True)
    if training_session.join_url and not training_session.cancelled:
        embed.add_field(name=_("Join"), value=truncate(training_session.join_url, 1024), inline=False)
    # (outside the f-strings, where pybabel extract finds them)
    recording, slides = _("Recording"), _("Slides")
    materials = [f"[{recording}]({training_session.recording_url})" if training_session.recording_url else "",
                 f"[{slides}]({training_session.slides_url})" if training_session.slides_url else ""]
    if any(materials):
        embed.add_field(name=_("Materials"), value=" · ".join(m for m in materials if m), inline=False)
    if training_session.cancelled:
        embed.add_field(name=_("Cancelled"), value=safe_echo(
            training_session.cancel_reason or _("This session will not take place."), 1000), inline=False)
    embed.set_footer(text=_("Session #{id} · times are shown in your own time zone").format(id=training_session.id))
    return embed


def session_list_embed(page: SessionPage, describe: str, member_zone: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=truncate(_("Upcoming sessions") + describe, 256), colour=COLOUR)
    if not page.items:
        embed.description = _("No upcoming sessions match. Try without filters, or check back soon.")
        return embed
    total = format_number(page.total)
    if page.pages > 1:
        embed.description = ngettext("{count} upcoming — page {page} of {pages}",
                                     "{count} upcoming — page {page} of {pages}", page.total).format(
            count=total, page=page.page, pages=page.pages)
    else:
        embed.description = ngettext("{count} upcoming", "{count} upcoming", page.total).format(count=total)
    if member_zone is None:
        embed.description += "\n" + _("Your own time zone is unknown (set it with /timezone): times below are the "
                                      "session's and UTC.")
    more = page.more or (0,) * len(page.items)
    for v, later in zip(page.items, more, strict=True):
        value = (f"{when(v.start_utc)}\n{both_local(v.start_utc, v.timezone, member_zone)}\n"
                 f"{v.format_text} · {languages_text(v.languages)} · {going_line(v)}")
        if v.series_label:
            value += f"\n{v.series_label}"
            if later:
                value += " · " + ngettext("next of this series, **{count} more** after it",
                                          "next of this series, **{count} more** after it", later).format(count=later)
        embed.add_field(name=truncate(f"#{v.id} {v.title}", 256), value=truncate(value, 1024), inline=False)
    embed.set_footer(text=_("/session info <number> for details, RSVP and calendar file"))
    return embed


SERIES_LINES = 12


def info_embed(training_session: TrainingSessionInfo, zone: str, my_status: str | None,
               series: Sequence[TrainingSessionInfo] = (), waiting: int | None = None) -> discord.Embed:
    embed = announcement_embed(training_session)
    embed.insert_field_at(1, name=_("In your time zone"), value=local_when(training_session.start_utc, zone) + "\n"
                          + _("(change it with /timezone)"), inline=False)
    if len(series) > 1:
        lines = []
        for v in series[:SERIES_LINES]:
            line = f"#{v.id} {format_when(v.start_utc, zone)}"
            if v.cancelled:
                line = _("{session} (cancelled)").format(session=line)
            if v.id == training_session.id:
                line = _("{session} ← this one").format(session=line)
            lines.append(line)
        if len(series) > SERIES_LINES:
            rest = len(series) - SERIES_LINES
            lines.append(ngettext("… and {count} more (/session ics with series: true has them all)",
                                  "… and {count} more (/session ics with series: true has them all)", rest)
                         .format(count=rest))
        name = ngettext("All {count} dates, in your time ({zone})", "All {count} dates, in your time ({zone})",
                        len(series)).format(count=len(series), zone=zone)
        embed.add_field(name=name, value=truncate("\n".join(lines), 1024), inline=False)
    if my_status:
        embed.add_field(name=_("Your answer"), value=_(RSVP_STATUSES[my_status]), inline=True)
    if waiting is not None:
        embed.add_field(name=_("Your place"), value=_("waitlist number {number}").format(number=waiting), inline=True)
    return embed


def working_hours(hours: Sequence[int]) -> str:
    return f"{hours[0]:02d}:00–{hours[1]:02d}:00"


def times_embed(start: datetime, zone: str, times: Sequence[LocalTime], hours: Sequence[int]) -> discord.Embed:
    embed = discord.Embed(title=_("Proposed start in each country"), colour=COLOUR)
    lines = []
    for t in times:
        line = f"**{t.country_name}** — {format_when(t.local, t.zone, date='MMMEd')} ({utc_offset_label(start, t.zone)})"
        lines.append(_("{time} ⚠️ outside working hours").format(time=line) if t.outside_working_hours else line)
    proposed = _("Proposed: {local} = {timestamp} for you.").format(local=local_when(start, zone),
                                                                  timestamp=discord.utils.format_dt(start, "F"))
    embed.description = truncate(proposed + "\n\n" + "\n".join(lines), 4096)
    outside = sum(t.outside_working_hours for t in times)
    embed.set_footer(text=ngettext(
        "Working hours: {hours} local, Monday to Friday. {outside} of {count} country outside them.",
        "Working hours: {hours} local, Monday to Friday. {outside} of {count} countries outside them.", len(times))
        .format(hours=working_hours(hours), outside=outside, count=len(times)))
    return embed


def jump_url(training_session: TrainingSessionInfo, guild_id: int) -> str | None:
    if not (training_session.channel_id and training_session.message_id and guild_id):
        return None
    return f"https://discord.com/channels/{guild_id}/{training_session.channel_id}/{training_session.message_id}"


def reminder_text(training_session: TrainingSessionInfo, due: DueReminder, *, direct: bool, guild_id: int = 0,
                  zone: str | None = None) -> str:
    """A reminder, in the language of the moment: the recipient's for a DM, the server's in the
    channel. The start is a Discord timestamp and, written out, in ``zone`` (the recipient's own
    time zone when known, else the session's)."""
    offset = due.offset_minutes
    title = safe_echo(training_session.title)
    if offset <= 0:
        lead = "🔴 " + _("Starting now: **{title}**").format(title=title)
    else:
        hours, minutes = divmod(offset, 60)
        icon = "⏰" if offset <= 120 else "📅"
        if not minutes and hours:
            lead = ngettext("In {count} hour: **{title}**", "In {count} hours: **{title}**", hours).format(
                count=hours, title=title)
        else:
            lead = ngettext("In {count} minute: **{title}**", "In {count} minutes: **{title}**", offset).format(
                count=offset, title=title)
        lead = f"{icon} {lead}"
    lines = [lead, when(training_session.start_utc),
             local_when(training_session.start_utc, zone or training_session.timezone)]
    if training_session.join_url:
        lines.append(_("Join: {url}").format(url=training_session.join_url))
    if (link := jump_url(training_session, guild_id)) is not None:
        lines.append(_("Details and RSVP: {link}").format(link=link))
    if due.late:
        lines.append("*" + _("(Sent late: the bot was offline when this reminder was due.)") + "*")
    if direct:
        lines.append("-# " + _("You get this because you answered Going or Interested. Turn reminder DMs off with "
                               "/reminders."))
    return truncate("\n".join(line for line in lines if line), 2000)


def followup_text(training_session: TrainingSessionInfo) -> str:
    return truncate(_("Thank you for joining **{title}**! Did you attend? If you did, I'd love a quick rating (it "
                      "takes ten seconds).").format(title=safe_echo(training_session.title)), 2000)


def copied_text(source: TrainingSessionInfo, title: str) -> str:
    """What "plan another like this" copied, said back to the facilitator."""
    capacity = places(source.capacity) if source.capacity else _("no limit on places")
    parts = [f"“{safe_echo(title, 100)}”", duration_text(source.duration_minutes), source.format_text,
             languages_text(source.languages), countries_text(source.countries), capacity,
             _("join link {url}").format(url=source.join_url) if source.join_url else _("no join link"),
             _("its description") if source.description else _("no description")]
    return truncate(_("Copied from #{id} {title}: {settings}.").format(
        id=source.id, title=safe_echo(source.title, 100), settings=" · ".join(parts)), 1000)


def promoted_text(training_session: TrainingSessionInfo, link: str | None) -> str:
    lines = ["🎟️ " + _("A place freed up: you are now **Going** to **{title}**, {when}. You were first on the "
                      "waitlist.").format(title=safe_echo(training_session.title),
                                          when=when(training_session.start_utc)),
             _("Join: {url}").format(url=training_session.join_url) if training_session.join_url else "",
             _("Details: {link}").format(link=link) if link else "",
             "-# " + _("Can't make it after all? Press Can't go on the announcement so the next member gets the "
                       "place.")]
    return truncate("\n".join(line for line in lines if line), 2000)


def change_text(training_session: TrainingSessionInfo, changed: Sequence[str]) -> str:
    title = safe_echo(training_session.title)
    if training_session.cancelled:
        text = "❌ " + _("**{title}** ({when}) has been cancelled.").format(
            title=title, when=discord.utils.format_dt(training_session.start_utc, "F"))
        if training_session.cancel_reason:
            text += "\n" + _("Reason: {reason}").format(reason=safe_echo(training_session.cancel_reason, 500))
        return truncate(text, 2000)
    what = changed_names(changed) or _("details")
    text = "📝 " + _("**{title}** was updated ({changed}). It is now {when}.").format(
        title=title, changed=what, when=when(training_session.start_utc))
    if training_session.join_url:
        text += "\n" + _("Join: {url}").format(url=training_session.join_url)
    return truncate(text, 2000)


def your_time(when: datetime, member_zone: str | None) -> str:
    """The member's own time, or once, that it is unknown."""
    if member_zone is None:
        return _("Your own time zone is unknown: set it with /timezone to see times there.")
    return _("Your time: {time}.").format(time=local_when(when, member_zone))


def start_read_back(preview: Preview, member_zone: str | None) -> str:
    """How a typed start was read: in the session's zone, in UTC and in the member's time."""
    read = read_back(preview.start_utc, preview.timezone)
    if preview.exact:
        line = _("Start read as **{start}**.").format(start=read)
    else:
        line = _("Start read as **{start}** (you typed “{typed}”).").format(start=read,
                                                                           typed=safe_echo(preview.typed, 80))
    return line + "\n" + your_time(preview.start_utc, member_zone)


def hours_warning(times: Sequence[LocalTime], hours: Sequence[int]) -> str:
    """A warning (never a refusal) naming the audience countries where a start is outside working hours."""
    if not times:
        return ""
    where = "; ".join(f"{t.country_name} {format_when(t.local, t.zone, date='EEE')}" for t in times)
    return truncate("⚠️ " + _("Outside working hours ({hours} local, Monday to Friday) in: {where}. You can still "
                              "keep it; /session times shows every country.").format(hours=working_hours(hours),
                                                                                      where=where), 1000)
