"""an index on archive_messages (author_id, created_at), so the report's active members per month
are found by one index seek per member and month ("did they post in that month?") instead of
reading every message of the period

Revision ID: 0017_report_activity_index
Revises: 0016_members_directory_order
Create Date: 2026-12-02
"""

from alembic import op

revision = "0017_report_activity_index"
down_revision = "0016_members_directory_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_archive_messages_author_created", "archive_messages", ["author_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_archive_messages_author_created", table_name="archive_messages")
