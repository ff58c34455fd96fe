"""The national follow-up section of the report: actions by status per country (as they stood at
the period's end, read back through the status history),
confirmed progress updates per month, and consultation answers by country and organisation type
(members counted once per consultation), all counted in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, country_label, month_case
from cogs.plans.models import (
    STATUSES,
    ActionPlan,
    ActionStatusChange,
    ActionUpdate,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    PlanAction,
    Recommendation,
)
from cogs.plans.records import status_label
from cogs.profiles.service import org_type_label


async def statuses_at(session: AsyncSession, when: datetime) -> dict[int, str]:
    """Each action's status at ``when``, for the actions whose status changed since: the status it
    was changed from by its first change at or after ``when`` (the others stand as they are)."""
    first_after = (select(ActionStatusChange.action_id, func.min(ActionStatusChange.id).label("first"))
                   .where(ActionStatusChange.changed_at >= when).group_by(ActionStatusChange.action_id).subquery())
    rows = (await session.execute(select(ActionStatusChange.action_id, ActionStatusChange.from_status)
                                  .join(first_after, first_after.c.first == ActionStatusChange.id))).all()
    return {int(a): str(s) for a, s in rows}


async def plans_report(session: AsyncSession, period: Period) -> list[Section]:
    # -- actions by status and country, as they stood at the end of the period (from the status history)
    rows = (await session.execute(
        select(ActionPlan.country, PlanAction.id, PlanAction.status, PlanAction.target_date)
        .join(Recommendation, Recommendation.plan_id == ActionPlan.id)
        .join(PlanAction, PlanAction.recommendation_id == Recommendation.id)
        .where(PlanAction.created_at < period.until))).all()
    stood = await statuses_at(session, period.until)
    by_country: dict[str, dict[str, int]] = {}
    overdue = 0
    for country, action_id, status, target in rows:
        then = stood.get(action_id, status)
        by_country.setdefault(country, {s: 0 for s in STATUSES})[then] += 1
        overdue += then != "done" and target < period.as_of.date()
    statuses = Table("plan_actions_by_status", _("Actions by status and country"), (
        Column("country", _("Country code")), Column("country_name", _("Country")),
        *(Column(s, status_label(s)) for s in STATUSES)),
        tuple((c, country_label(c), *(counts[s] for s in STATUSES)) for c, counts in sorted(by_country.items())))
    # -- confirmed updates per month (of their date) and country
    month = month_case(period, ActionUpdate.created_at)
    updates = (await session.execute(
        select(month, ActionPlan.country, func.count())
        .join(PlanAction, PlanAction.id == ActionUpdate.action_id)
        .join(Recommendation, Recommendation.id == PlanAction.recommendation_id)
        .join(ActionPlan, ActionPlan.id == Recommendation.plan_id)
        .where(ActionUpdate.confirmed_at.is_not(None), ActionUpdate.created_at >= period.since,
               ActionUpdate.created_at < period.until)
        .group_by(month, ActionPlan.country).order_by(month, ActionPlan.country))).all()
    per_month = Table("plan_updates_by_month", _("Confirmed progress updates by month and country"), (
        Column("month", _("Month")), Column("country", _("Country code")), Column("country_name", _("Country")),
        Column("updates", _("Progress updates"))),
        tuple((m, c, country_label(c), int(n)) for m, c, n in updates))
    # -- consultation participation: members answering consultations that opened in the period
    answered = (await session.execute(
        select(ConsultationAnswer.country, ConsultationAnswer.org_type,
               func.count(distinct(ConsultationAnswer.user_id)))
        .join(ConsultationQuestion, ConsultationQuestion.id == ConsultationAnswer.question_id)
        .join(Consultation, Consultation.id == ConsultationQuestion.consultation_id)
        .where(Consultation.created_at >= period.since, Consultation.created_at < period.until)
        .group_by(ConsultationAnswer.country, ConsultationAnswer.org_type))).all()
    members = int(await session.scalar(
        select(func.count(distinct(ConsultationAnswer.user_id)))
        .join(ConsultationQuestion, ConsultationQuestion.id == ConsultationAnswer.question_id)
        .join(Consultation, Consultation.id == ConsultationQuestion.consultation_id)
        .where(Consultation.created_at >= period.since, Consultation.created_at < period.until)) or 0)
    participation = Table("consultation_participation", _("Consultation participation by country and organisation type"), (
        Column("country", _("Country code")), Column("country_name", _("Country")),
        Column("organisation_type", _("Organisation type code")), Column("organisation_type_name", _("Organisation type")),
        Column("members", _("Members"))),
        tuple((c or "", country_label(c), t or "", org_type_label(t) if t else _("not given"), int(n))
              for c, t, n in sorted(answered, key=lambda r: (r[0] is None, r[0] or "", r[1] or ""))))
    total = sum(sum(c.values()) for c in by_country.values())
    done = sum(c["done"] for c in by_country.values())
    return [Section("plans", _("National action plans and consultations"), (
        Figure("actions", _("Actions in the plans"), total),
        Figure("actions_done", _("Actions done"), done),
        Figure("actions_overdue", _("Actions overdue"), overdue),
        Figure("updates_confirmed", _("Progress updates confirmed"), sum(int(n) for _m, _c, n in updates)),
        Figure("consultation_members", _("Members who answered a consultation"), members),
    ), (statuses, per_month, participation), (
        Chart("plan_actions_by_status", _("Actions by status and country"), "plan_actions_by_status", "country",
              STATUSES, _("Country"), _("Actions")),
    ))]
