"""an index on archive_messages (created_at, author_id), so the report's active members per month
are counted off the index alone (a range scan) instead of reading every message row of the period

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
    op.create_index("ix_archive_messages_created_author", "archive_messages", ["created_at", "author_id"])


def downgrade() -> None:
    op.drop_index("ix_archive_messages_created_author", table_name="archive_messages")
