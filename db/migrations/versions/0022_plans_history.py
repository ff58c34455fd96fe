"""the status history of plan actions (plan_action_status_changes): who changed an action's status
(a member id, or none for the CLI and YAML import), from what, to what and when, so /plan show and
``plans show`` can tell what moved and the report counts actions by status as they stood

Revision ID: 0022_plans_history
Revises: 0024_report_gaps
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0022_plans_history"
# the brief named 0019_qa_solved_order; main's head is 0020_search_marks (a single chain), so it
# follows that; the lead re-points it when merging
down_revision = "0024_report_gaps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_action_status_changes",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("action_id", AutoId, sa.ForeignKey("plan_actions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("changed_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_plan_action_status_changes_action_id", "plan_action_status_changes", ["action_id", "changed_at"])
    op.create_index("ix_plan_action_status_changes_changed_by_user_id", "plan_action_status_changes",
                    ["changed_by_user_id"])


def downgrade() -> None:
    op.drop_table("plan_action_status_changes")
