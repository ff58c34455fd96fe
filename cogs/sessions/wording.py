"""How sessions are put into words for a member: local times, lengths, languages, audiences, in the
reader's language (bot/catalogues.py: the language of the interaction or of the delivery).

Dates and times are written by Babel in the reader's locale (``format_when``), beside Discord's
own ``<t:…>`` timestamps where a message has those. Shared by the rendering (ui.py) and the
services that build text (autocomplete labels), so it never imports discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.catalogues import _, format_when, language_name
from bot.errors import NotAllowed
from bot.i18n import country_name
from bot.permissions import Actor, HasFacilitators, is_facilitator
from bot.timezones import city, utc_offset_label


def local_when(when: datetime, zone: str) -> str:
    """A date and time in ``zone``, named: "Wed, Dec 3, 2026, 14:00 (Asia/Bangkok, UTC+7)"."""
    return f"{format_when(when, zone)} ({zone}, {utc_offset_label(when, zone)})"


def clock(when: datetime, zone: str) -> str:
    """The time of day alone, as the reader's locale writes it ("14:00", "14.00", "14:00 น.")."""
    return format_when(when, zone, date="Hm", time=None)


def short_when(when: datetime, zone: str) -> str:
    """A compact local time for lists and autocomplete: "Tue, Dec 9, 15:00 Ulaanbaatar"."""
    return f"{format_when(when, zone, date='MMMEd')} {city(zone)}"


def both_local(when: datetime, zone: str, member_zone: str | None) -> str:
    """The session's local time and the member's own (or UTC when the member's zone is unknown)."""
    there = short_when(when, zone)
    if member_zone is None:
        return _("{time} ({utc} UTC)").format(time=there, utc=clock(when, "UTC"))
    mine = when.astimezone(ZoneInfo(member_zone))
    local = when.astimezone(ZoneInfo(zone))
    if mine.utcoffset() == local.utcoffset():
        return _("{time} (your time too)").format(time=there)
    if mine.date() == local.date():
        return _("{time} ({clock} yours)").format(time=there, clock=clock(when, member_zone))
    return _("{time} ({day} {clock} yours)").format(
        time=there, day=format_when(when, member_zone, date="EEE", time=None), clock=clock(when, member_zone))


def utc_when(when: datetime) -> str:
    return f"{format_when(when, 'UTC')} UTC"


def read_back(when: datetime, zone: str) -> str:
    """How a read start is said back: in the session's zone and in UTC."""
    return f"{local_when(when, zone)} = {format_when(when.astimezone(UTC), 'UTC')} UTC"


def duration_text(minutes: int) -> str:
    """"1 h 30 min", "45 min", "2 h"."""
    h, m = divmod(minutes, 60)
    if h and m:
        return _("{hours} h {minutes} min").format(hours=h, minutes=m)
    if h:
        return _("{hours} h").format(hours=h)
    return _("{minutes} min").format(minutes=m)




def languages_text(codes: Sequence[str]) -> str:
    return ", ".join(language_name(c) for c in codes) or language_name("en")


def countries_text(codes: Sequence[str]) -> str:
    return ", ".join(country_name(c) for c in codes) or _("All member countries")


def facilitators_only(actor: Actor, settings: HasFacilitators, message: str) -> None:
    """Refuse ``actor`` unless a facilitator, with ``message`` (a whole translated sentence, e.g.
    ``_("Only facilitators can plan sessions.")``: "can" and the action move together in a translation)."""
    if not is_facilitator(actor, settings):
        raise NotAllowed(message)
