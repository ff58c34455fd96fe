"""session_reminders: drop target_id and claimed_at, left over from before the outbox

Reminder rows are one per session, offset and kind now; who gets a DM and whether it was
sent live in the outbox. The unique constraint loses target_id with the column.

Revision ID: 0006_reminder_columns
Revises: 0005_outbox
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0006_reminder_columns"
down_revision = "0005_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows of members' DMs (target_id != 0) were never written under the outbox; any left from an
    # older version would clash with the channel row under the narrower constraint.
    op.execute("DELETE FROM session_reminders WHERE target_id <> 0")
    with op.batch_alter_table("session_reminders") as batch:
        batch.drop_constraint("uq_session_reminders", type_="unique")
        batch.drop_column("target_id")
        batch.drop_column("claimed_at")
        batch.create_unique_constraint("uq_session_reminders", ["session_id", "offset_minutes", "kind", "revision"])


def downgrade() -> None:
    with op.batch_alter_table("session_reminders") as batch:
        batch.drop_constraint("uq_session_reminders", type_="unique")
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("target_id", sa.BigInteger(), nullable=False, server_default="0"))
        batch.create_unique_constraint(
            "uq_session_reminders", ["session_id", "offset_minutes", "kind", "target_id", "revision"])
