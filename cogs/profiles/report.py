"""The participation section of the report: who has a profile, and who took part, counted in SQL."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import distinct, func, literal, null, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, country_label, month_case
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

    # -- active members: the distinct (member, month) pairs of three kinds of activity, in SQL
    # Messages are the many rows. Rather than reading every message of the period, ask per member who
    # ever posted and per month "is there a message in that month?": one seek each on the index
    # (author_id, created_at), with the month a literal (no month computed per message).
    authors = select(ArchivedMessage.author_id.label("user_id")).distinct().cte("authors")
    posted = [select(authors.c.user_id, literal(month).label("month"))
              .where(select(ArchivedMessage.created_at)  # selects indexed columns only: no row is read
                     .where(ArchivedMessage.author_id == authors.c.user_id, ArchivedMessage.created_at >= start,
                            ArchivedMessage.created_at < end).exists())
              for month, start, end in period.months()]
    rsvped = (select(SessionRsvp.user_id.label("user_id"), month_case(period, SessionRsvp.updated_at).label("month"))
              .where(SessionRsvp.updated_at >= period.since, SessionRsvp.updated_at < until))
    attended = (select(SessionAttendance.user_id.label("user_id"),
                       month_case(period, TrainingSession.start_utc).label("month"))
                .join(TrainingSession, TrainingSession.id == SessionAttendance.session_id)
                .where(SessionAttendance.attended.is_(True), TrainingSession.start_utc >= period.since,
                       TrainingSession.start_utc < until))
    # UNION: each member once per month; one statement reads the pairs once (a CTE used twice is
    # materialised by SQLite and PostgreSQL) for both the monthly counts and the distinct total.
    active = union(*posted, rsvped, attended).cte("active")
    counted = union_all(
        select(active.c.month, MemberProfile.country, func.count())
        .select_from(active).outerjoin(MemberProfile, MemberProfile.user_id == active.c.user_id)
        .group_by(active.c.month, MemberProfile.country),
        select(null(), null(), func.count(distinct(active.c.user_id))).select_from(active),
    )
    found = (await session.execute(counted)).all()
    monthly = [r for r in found if r[0] is not None]
    active_total = int(next((r[2] for r in found if r[0] is None), 0))
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
