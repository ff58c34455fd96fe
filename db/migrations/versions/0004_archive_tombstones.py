"""archive tombstones: ids of messages deleted in Discord, so no store path brings them back

Revision ID: 0004_archive_tombstones
Revises: 0003_merge
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0004_archive_tombstones"
down_revision = "0003_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_tombstones",
        sa.Column("id", AutoId, primary_key=True, autoincrement=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("archive_tombstones")
