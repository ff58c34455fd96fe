"""The monitoring and evaluation report: every capability's figures for a period, in one Report.

Each capability that has something to report names an async function in its record
(``Capability.report = "package.module:function"``, imported on first use like ``web``):
``function(session, period) -> Sequence[Section]``. Those functions count in SQL (COUNT / GROUP BY
over the period), never by loading every row. This module assembles the sections in the order of the
records, and writes the Report as CSV (one file per table, one header row, the columns below), as
JSON, and (bot/charts.py) as PNG charts. Labels are in the language of the moment (bot/catalogues.py);
CSV headers and JSON keys are fixed English identifiers, so a spreadsheet or a script reads every
report the same way. Nothing here imports discord.

Periods are whole days in the community's time zone (/setup, else ``timezone`` in config.yaml):
``from`` 00:00 to the end of ``to`` there, and months are that zone's calendar months, so a post at
23:30 UTC on 31 March counts in April for a community at UTC+7. The boundaries are computed here
with zoneinfo (right across daylight-saving changes too) and the database buckets its UTC
timestamps between them (``month_case``). A figure "as of" the period's end (unanswered for 7 days,
sessions held) is read at the end, or now when the period runs into the future.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Float, case, cast, func, literal
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _, babel_locale, current_language, format_number
from bot.errors import InvalidInput
from bot.text import safe_echo
from db.models import utcnow
from db.search import dialect

if TYPE_CHECKING:
    from bot.capability import Capability

DEFAULT_DAYS = 30  # the period when none is given: the last 30 days, today included
MAX_DAYS = 3660  # ten years: anything longer is a typo


# ---------------------------------------------------------------------- the period
@dataclass(frozen=True)
class Period:
    """Whole days of the community's time zone (``zone``, an IANA name), ``first`` and ``last``
    included; ``now`` is when the report is made. ``since``/``until`` and the months' bounds are
    UTC moments, to compare with the stored UTC timestamps."""

    first: date
    last: date
    now: datetime
    zone: str = "UTC"

    def _midnight(self, day: date) -> datetime:
        """The first moment of ``day`` in the zone, in UTC (zoneinfo picks the offset in force then)."""
        return datetime.combine(day, time(0), ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def since(self) -> datetime:
        return self._midnight(self.first)

    @property
    def until(self) -> datetime:
        """The first moment after the period (exclusive upper bound)."""
        return self._midnight(self.last + timedelta(days=1))

    @property
    def as_of(self) -> datetime:
        """The moment figures such as "unanswered for 7 days" are read at: the end, or now if earlier."""
        return min(self.until, self.now)

    def months(self) -> list[tuple[str, datetime, datetime]]:
        """``(YYYY-MM, start, end)`` of each calendar month of the zone the period touches, clipped to
        it; start and end are UTC moments."""
        out = []
        day = self.first
        while day <= self.last:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            out.append((f"{day.year:04d}-{day.month:02d}", self._midnight(day),
                        self._midnight(min(following, self.last + timedelta(days=1)))))
            day = following
        return out

    def as_json(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "time_zone": self.zone,
                "generated_at": self.now.isoformat()}


def _read_date(text: str, *, start: bool) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        message = (_("I can't read “{typed}” as the start date. Please write it as YYYY-MM-DD, for example "
                     "2026-11-01.") if start else
                   _("I can't read “{typed}” as the end date. Please write it as YYYY-MM-DD, for example "
                     "2026-11-30."))
        raise InvalidInput(message.format(typed=safe_echo(text.strip(), 40))) from None


def parse_period(first: str | None, last: str | None, *, now: datetime | None = None, zone: str = "UTC") -> Period:
    """The period a member or the CLI typed (``YYYY-MM-DD``, days of the community's ``zone``); by
    default the last 30 days, today (in that zone) included."""
    now = now or utcnow()
    end = _read_date(last, start=False) if last and last.strip() else now.astimezone(ZoneInfo(zone)).date()
    start = (_read_date(first, start=True) if first and first.strip()
             else end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise InvalidInput(_("The start date ({start}) is after the end date ({end}). Please give the earlier "
                             "date first.").format(start=start.isoformat(), end=end.isoformat()))
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(_("A report covers at most ten years. Please choose a shorter period."))
    return Period(start, end, now, zone)


# ---------------------------------------------------------------------- what a report holds
@dataclass(frozen=True)
class Figure:
    """One number: ``key`` is its fixed name (JSON, CSV), ``label`` what a reader sees."""

    key: str
    label: str
    value: int | float | None  # None: nothing to measure (e.g. a median of no question)
    kind: str = "count"  # count | share (0..1) | hours | rating

    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "share":
            return f"{format_number(round(self.value * 100, 1))}%"
        if self.kind in ("hours", "rating"):
            return format_number(round(self.value, 1))
        return format_number(self.value)


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header and JSON key
    label: str  # translated, for charts and people


@dataclass(frozen=True)
class Table:
    """Rows of plain values; ``key`` is the CSV file's name (``key.csv``)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """A bar chart of a table: one bar group per ``x`` value, one series per ``y`` column, or per value
    of ``series`` (a column whose values become series, e.g. the country of each month's row)."""

    key: str  # the PNG's name (``key.png``)
    title: str
    table: str
    x: str
    y: tuple[str, ...]
    x_label: str
    y_label: str
    series: str | None = None
    share: bool = False  # y is 0..1, shown as %


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


@dataclass(frozen=True)
class Report:
    period: Period
    language: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def tables(self) -> list[Table]:
        return [self.summary_table(), *(t for s in self.sections for t in s.tables)]

    def summary_table(self) -> Table:
        """Every figure of every section, one per row (``summary.csv``)."""
        return Table("summary", _("Summary"), (Column("section", _("Section")), Column("figure", _("Figure")),
                                               Column("value", _("Value"))),
                     tuple((s.key, f.key, f.value) for s in self.sections for f in s.figures))

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "language": self.language,
            "sections": {s.key: {
                "title": s.title,
                "figures": {f.key: f.value for f in s.figures},
                "tables": {t.key: [dict(zip([c.key for c in t.columns], row, strict=True)) for row in t.rows]
                           for t in s.tables},
            } for s in self.sections},
        }


ReportFunction = Callable[[AsyncSession, Period], Awaitable[Sequence[Section]]]


def report_function(target: str) -> ReportFunction:
    """A record's ``report`` (``"package.module:function"``), imported now."""
    module_name, _sep, attr = target.partition(":")
    found: ReportFunction = getattr(importlib.import_module(module_name), attr)
    return found


async def build_report(session: AsyncSession, capabilities: Sequence[Capability], period: Period) -> Report:
    """Every capability's sections for ``period``, in the records' order, in the current language."""
    sections: list[Section] = []
    for capability in capabilities:
        if capability.report:
            sections.extend(await report_function(capability.report)(session, period))
    return Report(period, current_language(), tuple(sections))


# ---------------------------------------------------------------------- SQL helpers for sections
def month_case(period: Period, column: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of the zone's month a UTC timestamp column falls in, in SQL: a CASE over the months'
    UTC bounds (computed with zoneinfo in :meth:`Period.months`), the same on SQLite and PostgreSQL.
    Rows outside the period get NULL; callers filter on ``period.since``/``until`` anyway."""
    months = period.months()
    if not months:
        return literal(None)
    return case((column < period.since, literal(None)),
                *((column < end, literal(key)) for key, _start, end in months), else_=literal(None))


def seconds_between(session: AsyncSession, later: Any, earlier: Any) -> ColumnElement[float]:
    """``later - earlier`` in seconds, in SQL (SQLite keeps timestamps as text: julianday reads them)."""
    if dialect(session) == "postgresql":
        return cast(func.extract("epoch", later - earlier), Float)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


async def median(session: AsyncSession, select_values: Any, count: int) -> float | None:
    """The median of one SQL expression over ``count`` rows, computed in SQL: the rows are ordered by the
    database and only the one or two middle values are read (``LIMIT 2 OFFSET (n-1)/2``)."""
    if count <= 0:
        return None
    values = [float(v) for v in (await session.execute(
        select_values.limit(1 if count % 2 else 2).offset((count - 1) // 2))).scalars()]
    return sum(values) / len(values) if values else None


def country_label(code: str | None) -> str:
    """A programme country's name in the reader's language (CLDR), else the content's name; "not given"
    for members without one."""
    if not code:
        return _("not given")
    from bot.countries import directory

    if current_language() != "en":
        name = babel_locale().territories.get(code.upper())
        if name:
            return str(name)
    return directory().name(code)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ---------------------------------------------------------------------- writing it out
def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else (round(v, 4) if isinstance(v, float) else v) for v in row])
    return out.getvalue().encode("utf-8")


def csv_files(report: Report) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` per table, ``summary.csv`` first."""
    return [(f"{t.key}.csv", csv_bytes(t)) for t in report.tables()]


def json_text(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def write_files(files: Sequence[tuple[str, bytes]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


def summary_lines(section: Section) -> str:
    """A section's figures, one ``label: value`` per line (the CLI's text and the Discord embed)."""
    return "\n".join(f"{f.label}: {f.shown()}" for f in section.figures)


def period_label(period: Period) -> str:
    from babel.dates import format_date

    locale = babel_locale()
    return _("{start} to {end}").format(start=format_date(period.first, "medium", locale=locale),
                                        end=format_date(period.last, "medium", locale=locale))
