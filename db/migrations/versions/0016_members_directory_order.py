"""an index in the members directory's order (member_profiles.updated_at, user_id), so a page of
/members is read off the index instead of sorting every profile

Revision ID: 0016_members_directory_order
Revises: 0014_qa_lifecycle
Create Date: 2026-12-02
"""

from alembic import op

revision = "0016_members_directory_order"
down_revision = "0014_qa_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_member_profiles_directory_order", "member_profiles", ["updated_at", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_member_profiles_directory_order", table_name="member_profiles")
