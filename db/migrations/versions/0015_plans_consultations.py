"""national action plans (plans, plan_recommendations, plan_actions, plan_action_updates) and
policy consultations (consultations, consultation_questions, consultation_answers)

Revision ID: 0015_plans_consultations
Revises: 0017_report_activity_index
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0015_plans_consultations"
down_revision = "0017_report_activity_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("country", sa.String(8), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "plan_recommendations",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("plan_id", AutoId, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
    )
    op.create_index("ix_plan_recommendations_plan_id", "plan_recommendations", ["plan_id"])
    op.create_table(
        "plan_actions",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("recommendation_id", AutoId,
                  sa.ForeignKey("plan_recommendations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner_org", sa.String(200), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("due_announced_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_plan_actions_recommendation_id", "plan_actions", ["recommendation_id"])
    op.create_index("ix_plan_actions_target_date", "plan_actions", ["target_date"])
    op.create_table(
        "plan_action_updates",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("action_id", AutoId, sa.ForeignKey("plan_actions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_plan_action_updates_action_id", "plan_action_updates", ["action_id"])
    op.create_index("ix_plan_action_updates_author_id", "plan_action_updates", ["author_id"])
    op.create_table(
        "consultations",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(1000), nullable=False),
        sa.Column("link", sa.String(500), nullable=True),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("opener_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("summarised_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_consultations_closes_at", "consultations", ["closes_at"])
    op.create_table(
        "consultation_questions",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("consultation_id", AutoId, sa.ForeignKey("consultations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
    )
    op.create_index("ix_consultation_questions_consultation_id", "consultation_questions", ["consultation_id"])
    op.create_table(
        "consultation_answers",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("question_id", AutoId, sa.ForeignKey("consultation_questions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("org_type", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("question_id", "user_id", name="uq_consultation_answers_member"),
    )
    op.create_index("ix_consultation_answers_question_id", "consultation_answers", ["question_id"])
    op.create_index("ix_consultation_answers_user_id", "consultation_answers", ["user_id"])


def downgrade() -> None:
    op.drop_table("consultation_answers")
    op.drop_table("consultation_questions")
    op.drop_table("consultations")
    op.drop_table("plan_action_updates")
    op.drop_table("plan_actions")
    op.drop_table("plan_recommendations")
    op.drop_table("plans")
