"""Rendering of availability polls. Slot times are Discord timestamps (``<t:…:F>``: every member
reads their own local time), with the facilitator's zone written out as well, by Babel in the
reader's locale. The public poll is rendered in the server's language, replies in the member's
(bot/catalogues.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.catalogues import N_, _, format_number, ngettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.polls.service import PollInfo, PollResults, SlotInfo
from cogs.sessions.wording import countries_text, duration_text, local_when

CLOSED_COLOUR = discord.Colour(0x7F8C8D)
PER_COUNTRY_NOTE = N_("The bot does not store members' countries, so votes are counted per slot only; "
                      "each slot's local time in the audience countries is shown instead.")


def slot_when(slot: SlotInfo, zone: str) -> str:
    return (f"{discord.utils.format_dt(slot.start_utc, 'F')} ({discord.utils.format_dt(slot.start_utc, 'R')})\n"
            + _("facilitator's time: {time}").format(time=local_when(slot.start_utc, zone)))


def slot_title(slot: SlotInfo) -> str:
    """"Slot 2 — 3 votes"."""
    return ngettext("Slot {number} — {count} vote", "Slot {number} — {count} votes", slot.votes).format(
        number=slot.position, count=format_number(slot.votes))


def poll_embed(poll: PollInfo) -> discord.Embed:
    title = (_("When suits you? {title}") if poll.open else _("Closed poll: {title}")).format(title=poll.title)
    embed = discord.Embed(title=truncate(title, 256), colour=COLOUR if poll.open else CLOSED_COLOUR)
    if poll.open:
        embed.description = _("Press every slot that works for you; press again to take a vote back. "
                              "Times are shown in your own time zone.")
    elif poll.session_id:
        embed.description = _("Thank you for voting! The session is planned as #{id}: see /session info.").format(
            id=poll.session_id)
    else:
        embed.description = _("This poll is closed. Thank you for voting!")
    for slot in poll.slots:
        embed.add_field(name=slot_title(slot), value=slot_when(slot, poll.timezone), inline=False)
    embed.add_field(name=_("For"), value=truncate(countries_text(poll.countries), 1024), inline=True)
    embed.add_field(name=_("Voters"), value=format_number(poll.voters), inline=True)
    embed.set_footer(text=_("Poll #{id} · {duration} · times are shown in your own time zone").format(
        id=poll.id, duration=duration_text(poll.duration_minutes)))
    return embed


def results_embed(results: PollResults, outside: Mapping[int, Sequence[str]]) -> discord.Embed:
    """For facilitators: votes and voters per slot, and where each slot is outside working hours."""
    poll = results.poll
    embed = discord.Embed(title=truncate(_("Results: {title}").format(title=poll.title), 256), colour=COLOUR)
    leading = poll.leading
    lines = [ngettext("{count} member voted.", "{count} members voted.", poll.voters).format(
        count=format_number(poll.voters))]
    lines.append(_("Leading: slot {number}.").format(number=leading.position) if leading else _("No votes yet."))
    if not poll.open:
        lines.append(_("The poll is closed."))
    embed.description = " ".join(lines)
    for slot in poll.slots:
        voters = results.voters_by_slot.get(slot.id, ())
        lines = [slot_when(slot, poll.timezone),
                 _("Voters: {voters}").format(voters=" ".join(f"<@{u}>" for u in voters) or _("nobody yet"))]
        if outside.get(slot.id):
            lines.append("⚠️ " + _("Outside working hours in: {countries}").format(countries=", ".join(outside[slot.id])))
        embed.add_field(name=slot_title(slot), value=truncate("\n".join(lines), 1024), inline=False)
    embed.set_footer(text=_(PER_COUNTRY_NOTE))
    return embed


def created_text(poll: PollInfo, problems: Sequence[str]) -> str:
    lines = [ngettext("Poll #{id} **{title}** is open with {count} slot, read in {zone} as:",
                      "Poll #{id} **{title}** is open with {count} slots, read in {zone} as:", len(poll.slots))
             .format(id=poll.id, title=safe_echo(poll.title), count=len(poll.slots), zone=poll.timezone)]
    lines += [f"{s.position}. {local_when(s.start_utc, poll.timezone)}" for s in poll.slots]
    lines.append(_("Press **Results (facilitators)** on the poll to see the votes and plan the winning slot."))
    lines += [f"⚠️ {p}" for p in problems]
    return truncate("\n".join(lines), 2000)
