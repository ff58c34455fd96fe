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

from bot.countries import directory
from bot.text import fold
from bot.timezones import REGION_ZONES, all_zones, utc_offset_label

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
    # only zones of tzdata's zone.tab: old alias names (Asia/Saigon, Asia/Ulan_Bator) would list one place twice
    canonical = set(zone_country()) | set(REGION_ZONES)
    return [z for z in all_zones() if z in canonical and now.astimezone(ZoneInfo(z)).utcoffset() == wanted]


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
        found["UTC"] = "Coordinated Universal Time"
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


def zone_for(text: str, *, now: datetime | None = None) -> str | None:
    """The one zone a city or a single-zone country names ("Hanoi", "Thailand"), else None."""
    key = fold(text).replace("_", " ")
    if key in {fold(c) for c in CITIES}:
        return next(z for c, z in CITIES.items() if fold(c) == key)
    code = directory().parse(text) or next((c for c, n in country_names().items() if fold(n) == key), None)
    if code and len(zones := country_zones().get(code, ())) == 1:
        return zones[0]
    return None
