"""Calendar feeds people subscribe to once: every session, a country's, a language's, a series, one
session, and a member's own (the sessions they RSVPed Going or Interested), as one VCALENDAR.

Each event is the one ``calendar.py`` writes for the per-session and per-series ``.ics`` files,
copied into the feed as it is: the same UIDs (``session-<id>@sse-bot``, ``series-<id>@sse-bot``),
the SEQUENCE each change bumps, cancelled sessions as STATUS:CANCELLED and cancelled occurrences of
a series as EXDATEs. Sessions stay in a feed for 180 days after they end, so recordings and slides
added afterwards reach the subscribed calendars too.

Public feeds leave join links out unless ``web.publish_join_links`` is true; the personal feed,
behind a secret token, always has them. The token is shown to the member once and only its SHA-256
is stored: a request is looked up by the hash, then compared in constant time. Never imports discord.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _, current_language, language_name, use_language
from bot.config import Config
from bot.countries import directory
from bot.errors import NotFound
from bot.i18n import LANGUAGES
from cogs.sessions.calendar import _calendar, series_event_bytes, series_ics, session_event_bytes
from cogs.sessions.info import TrainingSessionInfo, load_infos
from cogs.sessions.models import CalendarFeedToken, SessionRsvp, TrainingSession
from db.models import utcnow
from db.preferences import get_preferences

PAST_DAYS = 180  # how long a session stays in a feed after it ended (materials added later still show)
REFRESH = "PT1H"  # how often calendar apps are asked to fetch the feed again
FeedKind = Literal["all", "country", "language", "series", "session", "member"]
TOKEN_BYTES = 32
CACHE_UNITS = 5000  # sessions and series whose written events are kept in memory (a few MB)
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True)
class FeedScope:
    """Which sessions a feed holds: ``value`` is the country code, language code, series id,
    session id or member id of the kinds that need one."""

    kind: FeedKind = "all"
    value: str | int | None = None


@dataclass(frozen=True)
class Feed:
    name: str  # X-WR-CALNAME, in the feed's language
    body: bytes  # the whole VCALENDAR
    etag: str  # strong validator: the same body has the same ETag
    events: int  # VEVENT components written (a series is one, plus its overrides)
    personal: bool = False


def feed_path(scope: FeedScope) -> str:
    """The path of a public feed on the web site (docs: the web contract)."""
    if scope.kind == "all":
        return "/calendar.ics"
    if scope.kind == "member":
        raise ValueError("a personal feed's path holds its token: use personal_path(token)")
    return f"/calendar/{scope.kind}/{scope.value}.ics"


def personal_path(token: str) -> str:
    return f"/calendar/me/{token}.ics"


def webcal(url: str) -> str:
    """The ``webcal://`` form of a feed URL: calendar apps open it as a subscription."""
    return re.sub(r"^https?://", "webcal://", url)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _top_components(data: bytes) -> list[tuple[str, bytes]]:
    """The components directly inside the VCALENDAR of ``data`` (name, their lines as written)."""
    out: list[tuple[str, bytes]] = []
    depth = 0
    current: list[bytes] = []
    name = ""
    for line in data.split(b"\r\n"):
        if line.startswith(b"BEGIN:"):
            depth += 1
            if depth == 2:
                name, current = line[6:].decode().upper(), []
        if depth >= 2:
            current.append(line)
        if line.startswith(b"END:"):
            if depth == 2:
                out.append((name, b"\r\n".join(current) + b"\r\n"))
            depth -= 1
    return out


def _tzid(component: bytes) -> str:
    match = re.search(rb"\r?\nTZID[^:\r\n]*:([^\r\n]*)", b"\n" + component)
    return match.group(1).decode() if match else ""


@dataclass(frozen=True)
class Slot:
    """A session as a feed first reads it: enough to find its events in the cache."""

    id: int
    series_id: int | None
    occurrence: int
    start_utc: datetime
    updated_at: datetime
    sequence: int
    status: str
    title: str

    COLUMNS: ClassVar[tuple[Any, ...]] = (
        TrainingSession.id, TrainingSession.series_id, TrainingSession.occurrence, TrainingSession.start_utc,
        TrainingSession.updated_at, TrainingSession.sequence, TrainingSession.status, TrainingSession.title)

    @property
    def key(self) -> tuple[int, datetime, int, str]:
        return (self.id, self.updated_at, self.sequence, self.status)


def _in_utc(info: TrainingSessionInfo) -> TrainingSessionInfo:
    """The session with its times written in UTC (``...Z``): the same instants, and no VTIMEZONE to
    write (generating one takes icalendar ~0.1 s per zone and file, far too slow for 1,000 sessions)."""
    return dataclasses.replace(info, timezone="UTC")


def _steady(zone: str, starts: Iterable[datetime]) -> bool:
    """Whether ``zone`` has one UTC offset at every slot of a series: then its RRULE read in UTC gives
    the same instants as in the zone's wall time (none of the programme countries observes daylight
    saving today). Otherwise (Europe/Geneva across March) the series keeps its TZID and VTIMEZONE."""
    tz = ZoneInfo(zone)
    return len({start.astimezone(tz).utcoffset() for start in starts}) <= 1


class FeedService:
    def __init__(self, config: Config):
        self.config = config
        self._cache: OrderedDict[tuple[object, ...], list[tuple[str, bytes]]] = OrderedDict()

    # ---------------------------------------------------------------- which sessions
    async def _slots(self, session: AsyncSession, scope: FeedScope, now: datetime) -> list[Slot]:
        """What the feed holds, read light (the columns its cache keys need), soonest first."""
        since = now - timedelta(days=PAST_DAYS)
        query = select(*Slot.COLUMNS).order_by(TrainingSession.start_utc, TrainingSession.id)
        if scope.kind in ("session", "series"):
            column = TrainingSession.id if scope.kind == "session" else TrainingSession.series_id
            found = [Slot(*r) for r in (await session.execute(query.where(column == int(scope.value or 0)))).all()]
            if not found:
                raise NotFound(_("No such calendar feed."))
            return found
        if scope.kind == "member":
            wanted = select(SessionRsvp.session_id).where(SessionRsvp.user_id == int(scope.value or 0),
                                                         SessionRsvp.status.in_(("going", "interested")))
            return [Slot(*r) for r in (await session.execute(query.where(
                TrainingSession.id.in_(wanted), TrainingSession.end_utc > since))).all()]
        conditions = [TrainingSession.end_utc > since]
        # JSON lists matched as their text, as TrainingSessionService.upcoming does: codes are
        # fixed-format, so '"TH"' cannot match inside another value (same SQL on SQLite and PostgreSQL)
        if scope.kind == "country":
            countries = cast(TrainingSession.countries, String)
            conditions.append(or_(countries == "[]", countries.like(f'%"{scope.value}"%')))
        elif scope.kind == "language":
            conditions.append(cast(TrainingSession.languages, String).like(f'%"{scope.value}"%'))
        matched = [Slot(*r) for r in (await session.execute(query.where(*conditions))).all()]
        # a series is one event with an RRULE: any occurrence matching brings the whole series
        series_ids = {r.series_id for r in matched if r.series_id is not None}
        if not series_ids:
            return matched
        have = {r.id for r in matched}
        rest = [Slot(*r) for r in (await session.execute(query.where(
            TrainingSession.series_id.in_(series_ids), TrainingSession.id.not_in(have)))).all()]
        return sorted([*matched, *rest], key=lambda r: (r.start_utc, r.id))

    def check_scope(self, kind: FeedKind, value: str) -> FeedScope:
        """The scope of a public feed URL's last part, or NotFound (``TH``, ``th``, ``12``)."""
        if kind == "country":
            code = value.upper()
            if directory().get(code) is None:
                raise NotFound(_("No such calendar feed."))
            return FeedScope("country", code)
        if kind == "language":
            if value.lower() not in LANGUAGES:
                raise NotFound(_("No such calendar feed."))
            return FeedScope("language", value.lower())
        if kind in ("series", "session"):
            if not value.isascii() or not value.isdigit() or len(value) > 18:
                raise NotFound(_("No such calendar feed."))
            return FeedScope(kind, int(value))
        if kind == "all":
            return FeedScope()
        raise NotFound(_("No such calendar feed."))

    # ---------------------------------------------------------------- the calendar
    def _name(self, scope: FeedScope, slots: Sequence[Slot]) -> str:
        if scope.kind == "country":
            return _("SSE community sessions: {country}").format(country=directory().name(str(scope.value)))
        if scope.kind == "language":
            return _("SSE community sessions in {language}").format(language=language_name(str(scope.value)))
        if scope.kind in ("series", "session") and slots:
            return slots[0].title
        if scope.kind == "member":
            return _("My SSE community sessions")
        return _("SSE community sessions")

    def _shown(self, info: TrainingSessionInfo, personal: bool) -> TrainingSessionInfo:
        """What a feed shows of a session: without its join link in a public feed (unless configured)."""
        if personal or self.config.web.publish_join_links or not info.join_url:
            return info
        note = _("Members get the join link on Discord: /session info.")
        return dataclasses.replace(info, join_url=None,
                                   description=f"{info.description}\n\n{note}" if info.description else note)

    async def build(self, session: AsyncSession, scope: FeedScope, *, now: datetime | None = None,
                    language: str | None = None) -> Feed:
        """The whole VCALENDAR of a feed, in ``language`` (the calendar's name and notes; the
        events' own titles stay as their facilitators wrote them)."""
        now = now or utcnow()
        slots = await self._slots(session, scope, now)
        personal = scope.kind == "member"
        if language is None and personal:
            language = (await get_preferences(session, int(scope.value or 0))).language
        with use_language(language if language in LANGUAGES else current_language()):
            # one unit per series (in a public feed), else per session; each written by calendar.py
            units: dict[tuple[str, int], list[Slot]] = {}
            for slot in slots:
                whole = slot.series_id is not None and scope.kind not in ("session", "member")
                units.setdefault(("series", slot.series_id or 0) if whole else ("session", slot.id), []).append(slot)
            links = personal or self.config.web.publish_join_links
            keys = {unit: (unit[0], links, current_language(),
                           tuple(s.key for s in sorted(members, key=lambda s: s.occurrence)))
                    for unit, members in units.items()}
            missing = [unit for unit, key in keys.items() if key not in self._cache]
            if missing:
                await self._write(session, [units[u] for u in missing], [keys[u] for u in missing], personal)
            parts = []
            for key in keys.values():
                self._cache.move_to_end(key)
                parts.append(self._cache[key])
            feed = self._calendar(self._name(scope, slots), parts, personal)
        while len(self._cache) > CACHE_UNITS:
            self._cache.popitem(last=False)
        return feed

    async def _write(self, session: AsyncSession, units: Sequence[Sequence[Slot]], keys: Sequence[tuple[object, ...]],
                     personal: bool) -> None:
        """Writes (with calendar.py) the files of the sessions and series not in the cache, and keeps
        their components there, keyed by what they are made of (each row's id, last change,
        SEQUENCE and status, the language, the join-link policy): a feed polled again is mostly
        one light query, since icalendar takes milliseconds to write one event."""
        ids = [s.id for members in units for s in members]
        rows = {r.id: r for r in (await session.scalars(select(TrainingSession).where(TrainingSession.id.in_(ids))))}
        infos = {v.id: v for v in await load_infos(session, list(rows.values()))}
        for members, key in zip(units, keys, strict=True):
            unit = sorted((infos[s.id] for s in members), key=lambda v: v.occurrence)
            stamp = max(rows[v.id].updated_at for v in unit)  # DTSTAMP: its last change (the same bytes until the next)
            shown = [self._shown(v, personal) for v in unit]
            if key[0] == "series":
                originals = {v.id: rows[v.id].original_start_utc for v in unit}
                if _steady(unit[0].timezone, originals.values()):  # in UTC: written directly, no VTIMEZONE
                    written = series_event_bytes([_in_utc(v) for v in shown], originals, stamp=stamp)
                    self._cache[key] = [("VEVENT", event) for event in written]
                else:
                    self._cache[key] = _top_components(series_ics(shown, originals, stamp=stamp))
            else:  # a one-off in UTC: its VEVENT alone (no VTIMEZONE), icalendar's bytes written directly
                self._cache[key] = [("VEVENT", session_event_bytes(_in_utc(shown[0]), stamp=stamp))]

    def _calendar(self, name: str, parts: Iterable[list[tuple[str, bytes]]], personal: bool) -> Feed:
        cal = _calendar(name)
        cal.add("name", name)  # RFC 7986's NAME; X-WR-CALNAME (calendar.py) is what Google and Outlook read
        cal.add("x-wr-caldesc", _("Capacity-building sessions of the community of practice on the Social and "
                                  "Solidarity Economy in Asia."))
        cal.add("x-wr-timezone", self.config.timezone)
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", REFRESH)
        zones: dict[str, bytes] = {}
        events: list[bytes] = []
        for components in parts:
            for kind, component in components:
                if kind == "VTIMEZONE":
                    zones.setdefault(_tzid(component), component)
                elif kind == "VEVENT":
                    events.append(component)
        head = cal.to_ical()
        end = b"END:VCALENDAR\r\n"
        assert head.endswith(end)
        body = head[: -len(end)] + b"".join(zones.values()) + b"".join(events) + end
        etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
        return Feed(name, body, etag, len(events), personal)

    # ---------------------------------------------------------------- personal feed tokens
    async def has_token(self, session: AsyncSession, user_id: int) -> bool:
        return (await session.get(CalendarFeedToken, user_id)) is not None

    async def issue_token(self, session: AsyncSession, user_id: int) -> str:
        """A new secret for the member's personal feed; any older one stops working at once. The
        token is returned once, to be shown to the member: only its SHA-256 is stored."""
        await session.execute(delete(CalendarFeedToken).where(CalendarFeedToken.user_id == user_id))
        token = secrets.token_urlsafe(TOKEN_BYTES)
        # ``token`` (a column from before) is left empty: the secret itself is never stored
        session.add(CalendarFeedToken(user_id=user_id, token="", token_hash=token_hash(token), created_at=utcnow()))
        await session.flush()
        return token

    async def revoke_token(self, session: AsyncSession, user_id: int) -> bool:
        result = await session.execute(delete(CalendarFeedToken).where(CalendarFeedToken.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def member_of(self, session: AsyncSession, token: str) -> int:
        """The member whose feed ``token`` opens; NotFound, the same for unknown and revoked tokens."""
        if _TOKEN_SHAPE.match(token):
            digest = token_hash(token)
            row = (await session.scalars(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == digest))).first()
            if row is not None and hmac.compare_digest(row.token_hash, digest):
                return row.user_id
        raise NotFound(_("No such calendar feed."))

    def url(self, path: str) -> str | None:
        """The public address of ``path``, or None when ``web.public_url`` is not set."""
        base = self.config.web.public_url
        return base.rstrip("/") + path if base else None
