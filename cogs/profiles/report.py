"""The participation section of the report: who has a profile, and who took part, counted in SQL."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, country_label
from cogs.profiles.models import ORG_TYPES, MemberProfile
from cogs.profiles.service import org_type_label
from cogs.search.models import ArchivedMessage
from cogs.sessions.models import SessionAttendance, SessionRsvp, TrainingSession


def _country_order(counts: dict[str | None, int]) -> list[str | None]:
    """Most members first, "not given" last."""
    return sorted(counts, key=lambda c: (c is None, -counts[c], c or ""))


async def participation(session: AsyncSession, period: Period) -> list[Section]:
    """Members with a profile at the end of the period, by country and organisation type; members
    active in the period (posted a message, RSVPed to a session, or were recorded as attending one),
    by their profile's country and the month (of the community's time zone) they were active in."""
    until = period.until
    # -- profiles: one GROUP BY (country, organisation type)
    rows = (await session.execute(
        select(MemberProfile.country, MemberProfile.org_type, func.count())
        .where(MemberProfile.created_at < until)
        .group_by(MemberProfile.country, MemberProfile.org_type)
    )).all()
    by_country: dict[str | None, int] = defaultdict(int)
    by_type: dict[str, int] = defaultdict(int)
    for country, org_type, n in rows:
        by_country[country] += n
        by_type[org_type] += n
    total = sum(by_country.values())
    type_order = {t: i for i, t in enumerate(ORG_TYPES)}
    crosstab = tuple(
        (country or "", country_label(country), org_type, org_type_label(org_type), n)
        for country, org_type, n in sorted(rows, key=lambda r: (r[0] is None, r[0] or "", type_order.get(r[1], 99)))
    )
    countries = Table("profiles_by_country", _("Members with a profile by country"), (
        Column("country", _("Country code")), Column("country_name", _("Country")), Column("members", _("Members"))),
        tuple((c or "", country_label(c), by_country[c]) for c in _country_order(by_country)))
    types = Table("profiles_by_organisation_type", _("Members with a profile by organisation type"), (
        Column("organisation_type", _("Organisation type code")),
        Column("organisation_type_name", _("Organisation type")), Column("members", _("Members"))),
        tuple((t, org_type_label(t), by_type[t]) for t in sorted(by_type, key=lambda t: type_order.get(t, 99))))
    both = Table("profiles_by_country_and_organisation_type",
                 _("Members with a profile by country and organisation type"), (
                     Column("country", _("Country code")), Column("country_name", _("Country")),
                     Column("organisation_type", _("Organisation type code")),
                     Column("organisation_type_name", _("Organisation type")), Column("members", _("Members"))),
                 crosstab)

    # -- active members: who posted, RSVPed or attended in each month of the period, in SQL, in one
    # statement. The members active in the period are found first (an author: one seek on the index
    # (author_id, created_at) for the whole period); then one row per member with one flag per month,
    # each flag a CASE of EXISTS probes that stops at the first hit: "posted in that month?" (a seek
    # on the same index), then, only for members who RSVPed or attended in the period at all, "RSVPed
    # in it?" and "attended a session that started in it?" (seeks on (user_id, updated_at) and
    # (user_id, session_id)). A member's probes run one after another, so the index pages of one
    # author are read together, and no (member, month) pair is materialised or de-duplicated.
    months = period.months()
    since = period.since
    authors = select(ArchivedMessage.author_id.label("user_id")).distinct().cte("authors")
    posters = select(authors.c.user_id).where(
        select(ArchivedMessage.created_at)  # selects indexed columns only: no row is read
        .where(ArchivedMessage.author_id == authors.c.user_id, ArchivedMessage.created_at >= since,
               ArchivedMessage.created_at < until).exists())
    rsvped = select(SessionRsvp.user_id).where(SessionRsvp.updated_at >= since, SessionRsvp.updated_at < until)
    attended = (select(SessionAttendance.user_id)
                .join(TrainingSession, TrainingSession.id == SessionAttendance.session_id)
                .where(SessionAttendance.attended.is_(True), TrainingSession.start_utc >= since,
                       TrainingSession.start_utc < until))
    # each member once, with whether they RSVPed or attended in the period at all (``other``)
    kinds = union_all(posters.add_columns(literal(0).label("other")),
                     union(rsvped, attended).subquery().select().add_columns(literal(1).label("other"))).subquery()
    members = select(kinds.c.user_id, func.max(kinds.c.other).label("other")).group_by(kinds.c.user_id).cte("members")
    uid = members.c.user_id

    def active_in(start: Any, end: Any) -> ColumnElement[int]:
        posted = select(ArchivedMessage.created_at).where(
            ArchivedMessage.author_id == uid, ArchivedMessage.created_at >= start,
            ArchivedMessage.created_at < end).exists()
        answered = select(SessionRsvp.user_id).where(
            SessionRsvp.user_id == uid, SessionRsvp.updated_at >= start, SessionRsvp.updated_at < end).exists()
        came = (select(SessionAttendance.user_id)
                .join(TrainingSession, TrainingSession.id == SessionAttendance.session_id)
                .where(SessionAttendance.user_id == uid, SessionAttendance.attended.is_(True),
                       TrainingSession.start_utc >= start, TrainingSession.start_utc < end).exists())
        return case((posted, 1), (members.c.other == 0, 0), (answered, 1), (came, 1), else_=0)

    flags = select(uid, *(active_in(start, end).label(f"m{i}") for i, (_key, start, end) in
                          enumerate(months))).cte("flags")
    month_flags = [flags.c[f"m{i}"] for i in range(len(months))]
    found = (await session.execute(
        select(MemberProfile.country, *(func.sum(f) for f in month_flags),
               func.count().filter(sum(month_flags[1:], month_flags[0]) > 0))
        .select_from(flags).outerjoin(MemberProfile, MemberProfile.user_id == flags.c.user_id)
        .group_by(MemberProfile.country))).all()
    monthly = [(key, row[0], int(row[1 + i] or 0)) for row in found for i, (key, _s, _e) in enumerate(months)
               if row[1 + i]]
    active_total = sum(int(row[-1] or 0) for row in found)
    month_totals: dict[str | None, int] = defaultdict(int)
    for _month, country, n in monthly:
        month_totals[country] += n
    order = {c: i for i, c in enumerate(_country_order(month_totals))}
    active_rows = tuple((month, country or "", country_label(country), n)
                        for month, country, n in sorted(monthly, key=lambda r: (r[0], order[r[1]])))
    active_table = Table("active_members_by_country_and_month", _("Active members by country and month"), (
        Column("month", _("Month")), Column("country", _("Country code")), Column("country_name", _("Country")),
        Column("members", _("Active members"))), active_rows)

    return [Section(
        "participation", _("Participation"),
        (Figure("members_with_profile", _("Members with a profile"), total),
         Figure("profile_countries", _("Countries of members with a profile"), sum(1 for c in by_country if c)),
         Figure("active_members", _("Active members (posted, RSVPed or attended)"), active_total)),
        (countries, types, both, active_table),
        (Chart("profiles_by_country", _("Members with a profile by country"), "profiles_by_country",
               "country_name", ("members",), _("Country"), _("Members")),
         Chart("profiles_by_organisation_type", _("Members with a profile by organisation type"),
               "profiles_by_organisation_type", "organisation_type_name", ("members",), _("Organisation type"),
               _("Members")),
         Chart("active_members", _("Active members by country and month"), "active_members_by_country_and_month",
               "month", ("members",), _("Month"), _("Active members"), series="country_name")),
    )]
