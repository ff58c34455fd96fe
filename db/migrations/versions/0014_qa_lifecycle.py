"""Q&A lifecycle: qa_questions.closed_at / close_reason / nudged_at / reopened_at, and
qa_post_events (close, reopen, nudge, auto-close: who and when)

Revision ID: 0014_qa_lifecycle
Revises: 0013_member_profiles
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0014_qa_lifecycle"
down_revision = "0013_member_profiles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_questions") as batch:
        batch.add_column(sa.Column("closed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(16), nullable=True))
        batch.add_column(sa.Column("nudged_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("reopened_at", UTCDateTime(), nullable=True))
    op.create_table(
        "qa_post_events",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(16), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_qa_post_events_thread_at", "qa_post_events", ["thread_id", "at"])
    op.create_index("ix_qa_post_events_by_user_id", "qa_post_events", ["by_user_id"])


def downgrade() -> None:
    op.drop_table("qa_post_events")
    with op.batch_alter_table("qa_questions") as batch:
        batch.drop_column("reopened_at")
        batch.drop_column("nudged_at")
        batch.drop_column("close_reason")
        batch.drop_column("closed_at")
