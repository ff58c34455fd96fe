"""user_preferences.discord_locale: the Discord locale of a member's latest interaction, so the DMs
the bot sends them later (reminders, waitlist places) are in their language

Revision ID: 0010_member_locale
Revises: 0009_polls
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_member_locale"
down_revision = "0009_polls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.add_column(sa.Column("discord_locale", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.drop_column("discord_locale")
