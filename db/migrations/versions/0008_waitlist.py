"""session_waitlist: members waiting for a place in a full session, in the order they joined

Revision ID: 0008_waitlist
Revises: 0007_guild_settings
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0008_waitlist"
down_revision = "0007_guild_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_waitlist",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("session_id", AutoId, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_waitlist_member"),
    )
    op.create_index("ix_session_waitlist_session_id", "session_waitlist", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_session_waitlist_session_id", table_name="session_waitlist")
    op.drop_table("session_waitlist")
