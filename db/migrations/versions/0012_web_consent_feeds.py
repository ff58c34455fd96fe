"""user_preferences.publish_web: a member's consent to have their Q&A messages on the public web
site (off by default); calendar_feed_tokens: the secret of each member's personal calendar feed

Revision ID: 0012_web_consent_feeds
Revises: 0011_glossary_suggestions
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0012_web_consent_feeds"
down_revision = "0011_glossary_suggestions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.add_column(
            sa.Column("publish_web", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "calendar_feed_tokens",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_calendar_feed_tokens_hash", "calendar_feed_tokens", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_calendar_feed_tokens_hash", table_name="calendar_feed_tokens")
    op.drop_table("calendar_feed_tokens")
    with op.batch_alter_table("user_preferences") as batch:
        batch.drop_column("publish_web")
