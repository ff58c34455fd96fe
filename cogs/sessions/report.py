"""The sessions section of the report: held and cancelled sessions, RSVPs against attendance,
feedback and materials, counted in SQL."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, country_label, share
from cogs.profiles.models import MemberProfile
from cogs.sessions.models import SessionAttendance, SessionFeedback, SessionRsvp, TrainingSession

CANCELLED = "cancelled"


async def sessions_report(session: AsyncSession, period: Period) -> list[Section]:
    """Sessions whose start falls in the period. "Held": not cancelled and already started when the
    report is read (``period.as_of``); RSVPs, attendance and feedback are those of held sessions.
    Materials added: the recordings and slides added in the period (when each was first added), to any
    session, whenever it took place. The attendance rate of a country is, of the members of that country (their profile's)
    who said Going to a held session, the share recorded as attended; members without a profile
    count under "not given"."""
    in_period = and_(TrainingSession.start_utc >= period.since, TrainingSession.start_utc < period.until)
    held = and_(in_period, TrainingSession.status != CANCELLED, TrainingSession.start_utc < period.as_of)
    def added_in(column: Any) -> ColumnElement[bool]:
        return and_(column >= period.since, column < period.until, column < period.as_of)

    recording_added, slides_added = (added_in(TrainingSession.recording_added_at),
                                     added_in(TrainingSession.slides_added_at))
    # one pass over the sessions that started in the period or got a material in it
    held_n, cancelled_n, with_materials, recordings, slides = (await session.execute(
        select(func.count().filter(held),
               func.count().filter(and_(in_period, TrainingSession.status == CANCELLED)),
               func.count().filter(and_(held, (TrainingSession.recording_url.is_not(None))
                                        | (TrainingSession.slides_url.is_not(None)))),
               func.count().filter(recording_added), func.count().filter(slides_added))
        .where(or_(in_period, recording_added, slides_added))
    )).one()
    held_ids = select(TrainingSession.id).where(held)

    rsvps = dict((await session.execute(
        select(SessionRsvp.status, func.count()).where(SessionRsvp.session_id.in_(held_ids))
        .group_by(SessionRsvp.status))).all())
    attended_here = and_(SessionAttendance.session_id == SessionRsvp.session_id,
                         SessionAttendance.user_id == SessionRsvp.user_id, SessionAttendance.attended.is_(True))
    going_rows = (await session.execute(
        select(MemberProfile.country, func.count(), func.count(SessionAttendance.id))
        .select_from(SessionRsvp)
        .outerjoin(SessionAttendance, attended_here)
        .outerjoin(MemberProfile, MemberProfile.user_id == SessionRsvp.user_id)
        .where(SessionRsvp.session_id.in_(held_ids), SessionRsvp.status == "going")
        .group_by(MemberProfile.country))).all()
    attended_rows = (await session.execute(
        select(MemberProfile.country, func.count())
        .select_from(SessionAttendance)
        .outerjoin(MemberProfile, MemberProfile.user_id == SessionAttendance.user_id)
        .where(SessionAttendance.session_id.in_(held_ids), SessionAttendance.attended.is_(True))
        .group_by(MemberProfile.country))).all()
    per_country: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])  # going, attended of going, attended
    for country, going, came in going_rows:
        per_country[country][0] += going
        per_country[country][1] += came
    for country, n in attended_rows:
        per_country[country][2] += n
    attended_n = sum(v[2] for v in per_country.values())
    going_n, going_came = sum(v[0] for v in per_country.values()), sum(v[1] for v in per_country.values())
    order = sorted(per_country, key=lambda c: (c is None, -per_country[c][0], -per_country[c][2], c or ""))
    by_country = Table("attendance_by_country", _("Attendance by country"), (
        Column("country", _("Country code")), Column("country_name", _("Country")),
        Column("going", _("Going")), Column("attended_of_going", _("Attended, of those going")),
        Column("attended", _("Attended")), Column("attendance_rate", _("Attendance rate"))),
        tuple((c or "", country_label(c), *per_country[c], share(per_country[c][1], per_country[c][0]))
              for c in order))

    feedback_n, rating = (await session.execute(
        select(func.count(), func.avg(SessionFeedback.rating)).where(SessionFeedback.session_id.in_(held_ids)))).one()

    measures = Table("rsvps_and_attendance", _("RSVPs and attendance"), (
        Column("measure", _("Measure code")), Column("measure_name", _("Measure")), Column("members", _("Members"))),
        (("going", _("Going"), int(rsvps.get("going", 0))),
         ("interested", _("Interested"), int(rsvps.get("interested", 0))),
         ("attended", _("Attended"), attended_n)))

    # one row per session of the period, its counts from grouped subqueries (no row loaded per RSVP)
    rsvp_counts = (select(SessionRsvp.session_id.label("sid"),
                          func.count().filter(SessionRsvp.status == "going").label("going"),
                          func.count().filter(SessionRsvp.status == "interested").label("interested"))
                   .group_by(SessionRsvp.session_id).subquery())
    came_counts = (select(SessionAttendance.session_id.label("sid"), func.count().label("n"))
            .where(SessionAttendance.attended.is_(True)).group_by(SessionAttendance.session_id).subquery())
    rated = (select(SessionFeedback.session_id.label("sid"), func.count().label("n"),
                    func.avg(SessionFeedback.rating).label("avg")).group_by(SessionFeedback.session_id).subquery())
    state = case((TrainingSession.status == CANCELLED, "cancelled"),
                 (TrainingSession.start_utc < period.as_of, "held"), else_="upcoming")
    listed = (await session.execute(
        select(TrainingSession.id, TrainingSession.title, TrainingSession.start_utc, state,
               func.coalesce(rsvp_counts.c.going, 0), func.coalesce(rsvp_counts.c.interested, 0),
               func.coalesce(came_counts.c.n, 0), func.coalesce(rated.c.n, 0), rated.c.avg,
               TrainingSession.recording_url.is_not(None), TrainingSession.slides_url.is_not(None))
        .outerjoin(rsvp_counts, rsvp_counts.c.sid == TrainingSession.id)
        .outerjoin(came_counts, came_counts.c.sid == TrainingSession.id)
        .outerjoin(rated, rated.c.sid == TrainingSession.id)
        .where(in_period).order_by(TrainingSession.start_utc, TrainingSession.id))).all()
    sessions_table = Table("sessions", _("Sessions"), (
        Column("session_id", _("Session")), Column("title", _("Title")), Column("start_utc", _("Start (UTC)")),
        Column("status", _("Status")), Column("going", _("Going")), Column("interested", _("Interested")),
        Column("attended", _("Attended")), Column("feedback", _("Feedback")),
        Column("average_rating", _("Average rating")), Column("recording", _("Recording")),
        Column("slides", _("Slides"))),
        tuple((sid, title, start.isoformat(), st, int(g), int(i), int(a), int(f),
               None if avg is None else float(avg), int(bool(rec)), int(bool(sl)))
              for sid, title, start, st, g, i, a, f, avg, rec, sl in listed))

    return [Section(
        "sessions", _("Sessions"),
        (Figure("held", _("Sessions held"), int(held_n)),
         Figure("cancelled", _("Sessions cancelled"), int(cancelled_n)),
         Figure("rsvps_going", _("RSVPs: Going"), int(rsvps.get("going", 0))),
         Figure("rsvps_interested", _("RSVPs: Interested"), int(rsvps.get("interested", 0))),
         Figure("attended", _("Attended"), attended_n),
         Figure("attendance_rate", _("Attendance rate (of those going)"), share(going_came, going_n), "share"),
         Figure("feedback", _("Feedback given"), int(feedback_n)),
         Figure("average_rating", _("Average rating (1-5)"), None if rating is None else float(rating), "rating"),
         Figure("sessions_with_materials", _("Held sessions with materials"), int(with_materials)),
         Figure("materials_added", _("Materials added (recordings and slides)"), int(recordings) + int(slides)),
         Figure("recordings", _("Recordings added"), int(recordings)),
         Figure("slides", _("Slides added"), int(slides))),
        (measures, by_country, sessions_table),
        (Chart("rsvps_and_attendance", _("RSVPs and attendance"), "rsvps_and_attendance", "measure_name",
               ("members",), _("Measure"), _("Members")),
         Chart("attendance_by_country", _("Attendance rate by country"), "attendance_by_country", "country_name",
               ("attendance_rate",), _("Country"), _("Attendance rate"), share=True)),
    )]
