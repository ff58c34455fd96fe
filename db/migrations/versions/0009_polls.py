"""session polls: availability polls, their candidate slots and members' votes

Creates only its own tables; chained after 0008_waitlist (both were written side by side).

Revision ID: 0009_polls
Revises: 0008_waitlist
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0009_polls"
down_revision = "0008_waitlist"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_polls",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "session_poll_slots",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("poll_id", AutoId, sa.ForeignKey("session_polls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_utc", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("poll_id", "position", name="uq_session_poll_slots_position"),
    )
    op.create_index("ix_session_poll_slots_poll_id", "session_poll_slots", ["poll_id"])
    op.create_table(
        "session_poll_votes",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("poll_id", AutoId, sa.ForeignKey("session_polls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slot_id", AutoId, sa.ForeignKey("session_poll_slots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("slot_id", "user_id", name="uq_session_poll_votes_member"),
    )
    op.create_index("ix_session_poll_votes_poll_id", "session_poll_votes", ["poll_id"])


def downgrade() -> None:
    op.drop_table("session_poll_votes")
    op.drop_table("session_poll_slots")
    op.drop_table("session_polls")
