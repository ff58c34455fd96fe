"""sessions: training sessions and series, RSVPs, reminder outbox, feedback, attendance

Revision ID: 0002_sessions
Revises: 0001_foundation
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0002_sessions"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_series",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("first_start_utc", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("series_id", AutoId, sa.ForeignKey("training_series.id", ondelete="CASCADE"), nullable=True),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_utc", UTCDateTime(), nullable=False),
        sa.Column("end_utc", UTCDateTime(), nullable=False),
        sa.Column("original_start_utc", UTCDateTime(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("join_url", sa.String(500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("cancel_reason", sa.String(500), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("time_revision", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("recording_url", sa.String(500), nullable=True),
        sa.Column("slides_url", sa.String(500), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_training_sessions_series_id", "training_sessions", ["series_id"])
    op.create_index("ix_training_sessions_start", "training_sessions", ["status", "start_utc"])
    op.create_table(
        "session_rsvps",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("session_id", AutoId, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_rsvps_member"),
    )
    op.create_index("ix_session_rsvps_session_id", "session_rsvps", ["session_id"])
    op.create_table(
        "session_reminders",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("session_id", AutoId, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("skipped_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.UniqueConstraint("session_id", "offset_minutes", "kind", "target_id", "revision", name="uq_session_reminders"),
    )
    op.create_index("ix_session_reminders_session_id", "session_reminders", ["session_id"])
    op.create_index("ix_session_reminders_pending", "session_reminders", ["sent_at", "skipped_at", "due_at"])
    op.create_table(
        "session_feedback",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("session_id", AutoId, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_feedback_member"),
    )
    op.create_index("ix_session_feedback_session_id", "session_feedback", ["session_id"])
    op.create_table(
        "session_attendance",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("session_id", AutoId, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_attendance_member"),
    )
    op.create_index("ix_session_attendance_session_id", "session_attendance", ["session_id"])


def downgrade() -> None:
    op.drop_table("session_attendance")
    op.drop_table("session_feedback")
    op.drop_table("session_reminders")
    op.drop_table("session_rsvps")
    op.drop_table("training_sessions")
    op.drop_table("training_series")
