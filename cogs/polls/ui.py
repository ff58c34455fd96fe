"""Rendering of availability polls. Slot times are Discord timestamps (``<t:…:F>``: every member
reads their own local time), with the facilitator's zone written out as well."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.i18n import country_name
from bot.text import safe_echo, truncate
from bot.timezones import local_label
from bot.ui.common import COLOUR
from cogs.polls.service import PollInfo, PollResults, SlotInfo

CLOSED_COLOUR = discord.Colour(0x7F8C8D)
PER_COUNTRY_NOTE = ("The bot does not store members' countries, so votes are counted per slot only; "
                    "each slot's local time in the audience countries is shown instead.")


def slot_when(slot: SlotInfo, zone: str) -> str:
    return (f"{discord.utils.format_dt(slot.start_utc, 'F')} ({discord.utils.format_dt(slot.start_utc, 'R')})\n"
            f"facilitator's time: {local_label(slot.start_utc, zone)}")


def _votes(n: int) -> str:
    return f"{n} vote{'' if n == 1 else 's'}"


def poll_embed(poll: PollInfo) -> discord.Embed:
    embed = discord.Embed(title=truncate(("Closed poll: " if not poll.open else "When suits you? ") + poll.title, 256),
                          colour=COLOUR if poll.open else CLOSED_COLOUR)
    if poll.open:
        embed.description = ("Press every slot that works for you; press again to take a vote back. "
                             "Times are shown in your own time zone.")
    elif poll.session_id:
        embed.description = f"Thank you for voting! The session is planned as #{poll.session_id}: see /session info."
    else:
        embed.description = "This poll is closed. Thank you for voting!"
    for slot in poll.slots:
        embed.add_field(name=f"Slot {slot.position} — {_votes(slot.votes)}", value=slot_when(slot, poll.timezone),
                        inline=False)
    embed.add_field(name="For", value=truncate(", ".join(country_name(c) for c in poll.countries)
                                               or "All member countries", 1024), inline=True)
    embed.add_field(name="Voters", value=str(poll.voters), inline=True)
    embed.set_footer(text=f"Poll #{poll.id} · {poll.duration_minutes} min · times are shown in your own time zone")
    return embed


def results_embed(results: PollResults, outside: Mapping[int, Sequence[str]]) -> discord.Embed:
    """For facilitators: votes and voters per slot, and where each slot is outside working hours."""
    poll = results.poll
    embed = discord.Embed(title=truncate(f"Results: {poll.title}", 256), colour=COLOUR)
    leading = poll.leading
    embed.description = (f"{poll.voters} member(s) voted. " + (f"Leading: slot {leading.position}." if leading else
                         "No votes yet.") + ("" if poll.open else " The poll is closed."))
    for slot in poll.slots:
        voters = results.voters_by_slot.get(slot.id, ())
        lines = [slot_when(slot, poll.timezone), "Voters: " + (" ".join(f"<@{u}>" for u in voters) or "nobody yet")]
        if outside.get(slot.id):
            lines.append("⚠️ Outside working hours in: " + ", ".join(outside[slot.id]))
        embed.add_field(name=f"Slot {slot.position} — {_votes(slot.votes)}", value=truncate("\n".join(lines), 1024),
                        inline=False)
    embed.set_footer(text=PER_COUNTRY_NOTE)
    return embed


def created_text(poll: PollInfo, problems: Sequence[str]) -> str:
    lines = [f"Poll #{poll.id} **{safe_echo(poll.title)}** is open with {len(poll.slots)} slots, read in "
             f"{poll.timezone} as:"]
    lines += [f"{s.position}. {local_label(s.start_utc, poll.timezone)}" for s in poll.slots]
    lines.append("Press **Results (facilitators)** on the poll to see the votes and plan the winning slot.")
    lines += [f"⚠️ {p}" for p in problems]
    return truncate("\n".join(lines), 2000)
