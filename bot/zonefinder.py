"""Finding a time zone the way members ask for one: by city ("Hanoi", "Beijing", "Ulan Bator"), by
country in English or their own language ("Mongolia", "Монгол", "Việt Nam", "中国") and by UTC
offset ("UTC+7", "GMT+7", "+7", "+07:00"), the region's zones first.

Which zones a country has comes from the IANA database's own ``zone.tab`` and country names from
its ``iso3166.tab`` (both shipped in the ``tzdata`` package). ``zone.tab`` rather than
``zone1970.tab``: the latter merges zones alike since 1970, so Viet Nam, Cambodia and Lao PDR would
only be Asia/Bangkok, while ``zone.tab`` keeps each country's own zone (Asia/Ho_Chi_Minh,
Asia/Phnom_Penh, Asia/Vientiane), the names members recognise. Programme countries are named as
``bot.countries`` names them, in every script. Plain values only: never imports discord.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from bot.catalogues import DEFAULT, _, babel_locale, current_language
from bot.countries import directory
from bot.text import fold
from bot.timezones import CITIES, REGION_ZONES, all_zones, utc_offset_label

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?$")


@dataclass(frozen=True)
class ZoneChoice:
    zone: str
    label: str  # ≤ 100 characters: the zone, why it matched, its offset now


def _tab(name: str) -> list[list[str]]:
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return []
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country code -> its zones, from tzdata's zone.tab (in the file's order)."""
    out: dict[str, list[str]] = {}
    for row in _tab("zone.tab"):
        if len(row) >= 3:
            out.setdefault(row[0], []).append(row[2])
    return {code: tuple(zones) for code, zones in out.items()}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO country code -> English name, from tzdata's iso3166.tab."""
    return {row[0]: row[1] for row in _tab("iso3166.tab") if len(row) >= 2}


@lru_cache(maxsize=1)
def zone_country() -> dict[str, str]:
    return {zone: code for code, zones in country_zones().items() for zone in zones}


def _country_label(code: str) -> str:
    """A country as the reader calls it: in English the programme's shown name (else tzdata's), in
    another language CLDR's name for it in that language (Babel), when CLDR has one."""
    if current_language() != DEFAULT and (local := babel_locale().territories.get(code)):
        return str(local)
    programme = directory().get(code)
    return programme.name if programme else country_names().get(code, code)


def _label(zone: str, why: str, now: datetime) -> str:
    offset = utc_offset_label(now, zone) if zone in _known() else ""
    country = zone_country().get(zone)
    where = why or (_country_label(country) if country else "")
    text = " — ".join(p for p in (zone, where) if p)
    return (f"{text}, {offset}" if offset else text)[:100]


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(all_zones()) | {"UTC"}


def _by_offset(text: str, now: datetime) -> list[str] | None:
    match = _OFFSET.match(text)
    if match is None:
        return None
    sign = -1 if match[1] in "-−" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    if hours > 14 or minutes >= 60:
        return []
    wanted = sign * timedelta(hours=hours, minutes=minutes)
    return [z for z in all_zones() if z in _canonical() and now.astimezone(ZoneInfo(z)).utcoffset() == wanted]


@lru_cache(maxsize=1)
def _canonical() -> frozenset[str]:
    """Zones of tzdata's zone.tab (and the region's): old alias names (Asia/Saigon, Asia/Ulan_Bator)
    would list one place twice."""
    return frozenset(zone_country()) | frozenset(REGION_ZONES)


def _ranked(zones: list[str]) -> list[str]:
    """Region first (in its west-to-east order), then the rest as given; no repeats."""
    region = [z for z in REGION_ZONES if z in zones]
    return list(dict.fromkeys(region + zones))


def find_zones(current: str | None, *, now: datetime | None = None, limit: int = 25) -> list[ZoneChoice]:
    """Autocomplete for a time zone: by UTC offset, city, country (any script) or zone name."""
    now = now or datetime.now(UTC)
    raw = (current or "").strip()
    text = fold(raw)
    if not text:
        return [ZoneChoice(z, _label(z, "", now)) for z in REGION_ZONES[:limit]]
    offset = _by_offset(text, now)
    if offset is not None:
        return [ZoneChoice(z, _label(z, "", now)) for z in _ranked(offset)[:limit]]
    found: dict[str, str] = {}  # zone -> why it matched
    spaced = text.replace("_", " ")
    if spaced in ("utc", "gmt", "z"):
        found["UTC"] = _("Coordinated Universal Time")
    for city, zone in CITIES.items():
        key = fold(city)
        if key.startswith(spaced) or (len(spaced) >= 3 and spaced in key):
            found.setdefault(zone, f"{city.title() if city.isascii() else city} ({_country_label(zone_country().get(zone, ''))})")
    countries: list[tuple[str, str | None]] = [
        (choice.name, directory().parse(choice.value)) for choice in directory().complete(raw, limit=5)]
    if len(fold(raw)) >= 2:
        for code, name in country_names().items():
            if fold(name).startswith(spaced) and code not in {c for _, c in countries}:
                countries.append((name, code))
    for label, matched in countries:
        for zone in _ranked(list(country_zones().get(matched or "", ()))):
            found.setdefault(zone, label)
    underscored = spaced.replace(" ", "_")
    starts = [z for z in all_zones() if fold(z.rsplit("/", 1)[-1]).startswith(underscored) or fold(z).startswith(underscored)]
    inside = [z for z in all_zones() if underscored in fold(z) and z not in starts]
    for zone in starts + inside:
        found.setdefault(zone, "")
    return [ZoneChoice(z, _label(z, why, now)) for z, why in found.items()][:limit]


_CITY_KEYS = {fold(city): zone for city, zone in CITIES.items()}


def zone_for(text: str, *, now: datetime | None = None) -> str | None:
    """The one zone a city or a single-zone country names ("Hanoi", "Thailand"), else None."""
    key = fold(text).replace("_", " ")
    if key in _CITY_KEYS:
        return _CITY_KEYS[key]
    code = directory().parse(text) or next((c for c, n in country_names().items() if fold(n) == key), None)
    if code and len(zones := country_zones().get(code, ())) == 1:
        return zones[0]
    return None
