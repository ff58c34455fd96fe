"""guild_settings: what /setup stored per server (NULL = the config.yaml default)

Revision ID: 0007_guild_settings
Revises: 0006_reminder_columns
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0007_guild_settings"
down_revision = "0006_reminder_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("announcements", sa.BigInteger(), nullable=True),
        sa.Column("qa_forum", sa.BigInteger(), nullable=True),
        sa.Column("archived", sa.JSON(), nullable=True),
        sa.Column("facilitators", sa.JSON(), nullable=True),
        sa.Column("helpers", sa.JSON(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("guild_settings")
