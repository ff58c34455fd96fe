"""The national follow-up section of the report: actions by status per country (as they stand),
confirmed progress updates per month, and consultation answers by country and organisation type
(members counted once per consultation), all counted in SQL."""

from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, country_label, month_case
from cogs.plans.models import (
    STATUSES,
    ActionPlan,
    ActionUpdate,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    PlanAction,
    Recommendation,
)
from cogs.plans.service import status_label
from cogs.profiles.service import org_type_label


async def plans_report(session: AsyncSession, period: Period) -> list[Section]:
    # -- actions by status and country, as they stand at the end of the period (no status history is kept)
    rows = (await session.execute(
        select(ActionPlan.country, PlanAction.status, func.count())
        .join(Recommendation, Recommendation.plan_id == ActionPlan.id)
        .join(PlanAction, PlanAction.recommendation_id == Recommendation.id)
        .where(PlanAction.created_at < period.until)
        .group_by(ActionPlan.country, PlanAction.status))).all()
    by_country: dict[str, dict[str, int]] = {}
    for country, status, n in rows:
        by_country.setdefault(country, {s: 0 for s in STATUSES})[status] = int(n)
    overdue = int(await session.scalar(
        select(func.count()).select_from(PlanAction)
        .where(PlanAction.created_at < period.until, PlanAction.status != "done",
               PlanAction.target_date < period.as_of.date())) or 0)
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
