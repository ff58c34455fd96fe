"""Time zones and local times for a region spanning UTC+6 (Kyrgyzstan) to UTC+9 (Japan, Korea).

Plain values only: services, cogs and the CLI share these."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalogues import _, format_when
from bot.errors import InvalidInput
from bot.text import clean, fold

# The community's zones first, west to east, then every other IANA zone.
REGION_ZONES: tuple[str, ...] = (
    "Asia/Bishkek", "Asia/Almaty", "Asia/Dhaka", "Asia/Yangon", "Asia/Bangkok", "Asia/Phnom_Penh",
    "Asia/Vientiane", "Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura",
    "Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Manila", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei",
    "Asia/Ulaanbaatar", "Asia/Hovd", "Asia/Tokyo", "Asia/Seoul",
)

# One representative zone per member country (Indonesia spans three; its capital's is shown).
COUNTRY_ZONES: dict[str, str] = {
    "KG": "Asia/Bishkek", "TH": "Asia/Bangkok", "KH": "Asia/Phnom_Penh", "LA": "Asia/Vientiane",
    "VN": "Asia/Ho_Chi_Minh", "ID": "Asia/Jakarta", "MY": "Asia/Kuala_Lumpur", "PH": "Asia/Manila",
    "CN": "Asia/Shanghai", "MN": "Asia/Ulaanbaatar", "JP": "Asia/Tokyo", "KR": "Asia/Seoul",
}

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H.%M", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M")


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    others = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return REGION_ZONES + tuple(z for z in others if z not in REGION_ZONES)


# Cities of the region that members name but that no zone is named after (the zone they are in).
# Accents are folded before matching, so "Hà Nội" finds "ha noi"; other scripts are listed as written.
CITIES: dict[str, str] = {
    "hanoi": "Asia/Ho_Chi_Minh", "ha noi": "Asia/Ho_Chi_Minh", "saigon": "Asia/Ho_Chi_Minh",
    "da nang": "Asia/Ho_Chi_Minh", "hai phong": "Asia/Ho_Chi_Minh", "hue": "Asia/Ho_Chi_Minh",
    "beijing": "Asia/Shanghai", "peking": "Asia/Shanghai", "guangzhou": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai", "chengdu": "Asia/Shanghai", "kunming": "Asia/Shanghai", "北京": "Asia/Shanghai",
    "上海": "Asia/Shanghai", "ulan bator": "Asia/Ulaanbaatar", "ulaan baatar": "Asia/Ulaanbaatar",
    "улаанбаатар": "Asia/Ulaanbaatar", "ховд": "Asia/Hovd", "бишкек": "Asia/Bishkek", "osh": "Asia/Bishkek",
    "ош": "Asia/Bishkek", "chiang mai": "Asia/Bangkok", "krung thep": "Asia/Bangkok", "กรุงเทพ": "Asia/Bangkok",
    "กรุงเทพฯ": "Asia/Bangkok", "ភ្នំពេញ": "Asia/Phnom_Penh", "siem reap": "Asia/Phnom_Penh",
    "ວຽງຈັນ": "Asia/Vientiane", "luang prabang": "Asia/Vientiane", "surabaya": "Asia/Jakarta",
    "bandung": "Asia/Jakarta", "yogyakarta": "Asia/Jakarta", "bali": "Asia/Makassar", "denpasar": "Asia/Makassar",
    "penang": "Asia/Kuala_Lumpur", "kota kinabalu": "Asia/Kuching", "quezon city": "Asia/Manila",
    "cebu": "Asia/Manila", "davao": "Asia/Manila", "busan": "Asia/Seoul", "서울": "Asia/Seoul",
    "osaka": "Asia/Tokyo", "kyoto": "Asia/Tokyo", "東京": "Asia/Tokyo", "rangoon": "Asia/Yangon",
    "calcutta": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
}


def _zone_aliases() -> dict[str, str]:
    out = {}
    for z in all_zones():
        out[fold(z)] = z
        out[fold(z.rsplit("/", 1)[-1].replace("_", " "))] = z
    out.update({fold(city): zone for city, zone in CITIES.items()})  # the cities /timezone knows
    out.update({"utc": "UTC", "gmt": "UTC"})
    return out


_ALIASES: dict[str, str] | None = None


def parse_zone(text: str | None) -> str:
    """An IANA zone name from what a person typed ("Asia/Bangkok", "bangkok", "Ho Chi Minh")."""
    global _ALIASES
    name = clean(text)
    if not name:
        raise InvalidInput(_("Please give a time zone, e.g. **Asia/Bangkok**."))
    if len(name) > 64:
        raise InvalidInput(_("That is not a time zone I know. Please pick one from the list, e.g. **Asia/Bangkok**."))
    if _ALIASES is None:
        _ALIASES = _zone_aliases()
    found = _ALIASES.get(fold(name).replace("_", " ")) or _ALIASES.get(fold(name))
    if found:
        return found
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    from bot.zonefinder import find_zones, zone_for  # it builds on this module

    if (one := zone_for(name)) is not None:  # "Hanoi", "Thailand"
        return one
    suggestions = [c.zone for c in find_zones(name)[:8]]  # "Mongolia", "UTC+7": the member picks one
    if suggestions and fold(suggestions[0]) != fold(name):
        raise InvalidInput(_("“{typed}” can mean more than one time zone. Please pick yours from the list "
                             "(or type its name, e.g. **Asia/Ulaanbaatar**).").format(typed=name[:64]),
                           suggestions=suggestions)
    raise InvalidInput(_("I don't know the time zone “{typed}”. Please pick one from the list, e.g. "
                         "**Asia/Bangkok**.").format(typed=name[:64]), suggestions=suggestions)


def complete_zones(current: str | None, limit: int = 25) -> list[str]:
    """Zones for autocomplete: the region's first; matches by any part of the name."""
    text = fold(current or "").replace(" ", "_")
    if not text:
        return list(REGION_ZONES[:limit])
    starts = [z for z in all_zones() if fold(z.rsplit("/", 1)[-1]).startswith(text) or fold(z).startswith(text)]
    contains = [z for z in all_zones() if text in fold(z) and z not in starts]
    return (starts + contains)[:limit]


def parse_local(text: str | None, zone: str) -> datetime:
    """Local wall time in ``zone`` -> aware UTC, refusing times that do not exist or are ambiguous."""
    raw = clean(text)
    if not raw:
        raise InvalidInput(_("Please give a start date and time, e.g. **2026-12-03 14:00**."))
    naive = exact_local(raw)
    if naive is None:
        raise InvalidInput(_("I couldn't read “{typed}” as a date and time. Please write it like **2026-12-03 14:00** "
                             "(year-month-day, 24-hour clock).").format(typed=raw[:40]))
    return localise(naive, zone)


def exact_local(raw: str) -> datetime | None:
    """A naive wall time from one of the exact formats (``2026-12-03 14:00``...), else None."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw[:40], fmt)  # noqa: DTZ007 - the caller localises it
        except ValueError:
            continue
    return None


def localise(naive: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Either the clocks jump over this time (gap) or they show it twice (overlap).
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        when = naive.strftime("%Y-%m-%d %H:%M")
        if round_trip != naive:
            raise InvalidInput(_("{when} does not exist in {zone}: the clocks skip that hour (daylight saving). "
                                 "Please choose another time.").format(when=when, zone=zone))
        raise InvalidInput(_("{when} happens twice in {zone} (the clocks go back that night). "
                             "Please choose a time outside that hour.").format(when=when, zone=zone))
    return first.astimezone(UTC)


def local_label(when: datetime, zone: str) -> str:
    """A moment in ``zone``, as the reader's locale writes it, with the zone and its offset:
    "Thu, Dec 3, 2026, 14:00 (Asia/Bangkok, UTC+7)"."""
    local = when.astimezone(ZoneInfo(zone))
    return f"{format_when(when, zone)} ({zone}, UTC{_offset(local)})"


def _offset(local: datetime) -> str:
    off = local.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}" + (f":{m:02d}" if m else "")


@cache
def zone_info(zone: str) -> ZoneInfo:
    """``ZoneInfo(zone)``, kept: ZoneInfo's own cache holds only the 8 most recent zones strongly, and a
    page listing the region's 22 zones would read them from disk on every request."""
    return ZoneInfo(zone)


def utc_offset_label(when: datetime, zone: str) -> str:
    return "UTC" + _offset(when.astimezone(zone_info(zone)))


def city(zone: str) -> str:
    """The place part of a zone name, as people say it ("Asia/Ho_Chi_Minh" -> "Ho Chi Minh")."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def short_local(when: datetime, zone: str) -> str:
    """A compact local time for lists and autocomplete, in the reader's locale: "Tue, Dec 9, 15:00 Ulaanbaatar"."""
    return f"{format_when(when, zone, date='MMMEd')} {city(zone)}"


def _clock(when: datetime, zone: str, *, weekday: bool = False) -> str:
    """The time of day in ``zone`` ("15:00"; "Wed 15:00" with the weekday), in the reader's locale."""
    return format_when(when, zone, date="EHm" if weekday else "Hm", time=None)


def both_times(when: datetime, zone: str, member_zone: str | None) -> str:
    """The session's local time and the member's own (or UTC when the member's zone is unknown)."""
    mine = when.astimezone(ZoneInfo(member_zone)) if member_zone else None
    there = short_local(when, zone)
    if mine is None or member_zone is None:
        return f"{there} ({_clock(when, 'UTC')} UTC)"
    if mine.utcoffset() == when.astimezone(ZoneInfo(zone)).utcoffset():
        # TRANSLATORS: {time} is a session's local time, e.g. "Tue, Dec 9, 15:00 Ulaanbaatar"
        return _("{time} (your time too)").format(time=there)
    same_day = mine.date() == when.astimezone(ZoneInfo(zone)).date()
    # TRANSLATORS: {time} is a session's local time; {mine} the member's own time of day ("14:00", "Wed 14:00")
    return _("{time} ({mine} yours)").format(time=there, mine=_clock(when, member_zone, weekday=not same_day))
