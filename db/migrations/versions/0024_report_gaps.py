"""training_sessions: when each material (recording, slides) was added, so the report counts the
materials added in a period instead of the held sessions that have one; and two indexes for the
report's active members per month: session_rsvps (user_id, updated_at) and session_attendance
(user_id, session_id), so "did this member RSVP / attend in that month?" is one seek each

``recording_added_at`` / ``slides_added_at`` are set by /session materials the first time a session
gets that link (a corrected link keeps the first moment). Rows from before this revision that already
have a link get the session's last change (``updated_at``): no earlier than when the link was added,
and for a past session (which can no longer be edited) normally that very moment.

Revision ID: 0024_report_gaps
Revises: 0020_search_marks
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0024_report_gaps"
down_revision = "0020_search_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_sessions") as batch:
        batch.add_column(sa.Column("recording_added_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("slides_added_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE training_sessions SET recording_added_at = updated_at WHERE recording_url IS NOT NULL")
    op.execute("UPDATE training_sessions SET slides_added_at = updated_at WHERE slides_url IS NOT NULL")
    op.create_index("ix_session_rsvps_user_updated", "session_rsvps", ["user_id", "updated_at"])
    op.create_index("ix_session_attendance_user", "session_attendance", ["user_id", "session_id"])


def downgrade() -> None:
    op.drop_index("ix_session_attendance_user", table_name="session_attendance")
    op.drop_index("ix_session_rsvps_user_updated", table_name="session_rsvps")
    with op.batch_alter_table("training_sessions") as batch:
        batch.drop_column("slides_added_at")
        batch.drop_column("recording_added_at")
