"""Tables of national action plans and policy consultations.

A plan belongs to one programme country and holds recommendations; each recommendation holds
actions owned by an organisation (never a person's contact details), with a target date and a
status; members of the country post dated progress updates that count once a facilitator
confirms them. A consultation asks up to five questions on a draft policy; each member answers
each question once (a second submission replaces the first), anonymously to other members if
they wish: the database still knows who answered, so /privacy shows, exports and forgets it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow

STATUSES: tuple[str, ...] = ("planned", "under_way", "done", "stalled")
MAX_QUESTIONS = 5


class ActionPlan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    country: Mapped[str] = mapped_column(String(8), unique=True)  # a programme country's code
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Recommendation(Base):
    __tablename__ = "plan_recommendations"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(500))


class PlanAction(Base):
    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("plan_recommendations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    owner_org: Mapped[str] = mapped_column(String(200))  # an organisation's name, not a person
    target_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # one of STATUSES
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set in the transaction that enqueued the "milestone due" announcement: it is made once
    due_announced_at: Mapped[datetime | None] = mapped_column()


class ActionStatusChange(Base):
    """One change of an action's status: who (a member id; None from the CLI or a YAML import),
    from what, to what, when. The report reads it for the statuses as they stood at a date."""

    __tablename__ = "plan_action_status_changes"
    __table_args__ = (Index("ix_plan_action_status_changes_action_id", "action_id", "changed_at"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"))
    changed_by_user_id: Mapped[int | None] = mapped_column(Snowflake, index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionUpdate(Base):
    """A dated progress update on an action; it counts once a facilitator confirmed it."""

    __tablename__ = "plan_action_updates"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(Snowflake, index=True)  # None: from the YAML file or the CLI
    text: Mapped[str] = mapped_column(String(1000))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)  # links: a resource, a session, a message
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_user_id: Mapped[int | None] = mapped_column(Snowflake)
    confirmed_at: Mapped[datetime | None] = mapped_column()


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(1000))
    link: Mapped[str | None] = mapped_column(String(500))
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)  # audience codes; empty = every country
    closes_at: Mapped[datetime] = mapped_column(index=True)
    opener_user_id: Mapped[int | None] = mapped_column(Snowflake)  # the facilitator (gets the summary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set in the transaction that enqueued the closing summary: it is made once
    summarised_at: Mapped[datetime | None] = mapped_column()


class ConsultationQuestion(Base):
    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))


class ConsultationAnswer(Base):
    """One member's answer to one question; a second submission replaces it (unique pair)."""

    __tablename__ = "consultation_answers"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_consultation_answers_member"),
                      Index("ix_consultation_answers_user_id", "user_id"))

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())  # to other members only
    text: Mapped[str] = mapped_column(Text)
    # the member's profile when they answered (participation by country and organisation type)
    country: Mapped[str | None] = mapped_column(String(8))
    org_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

