"""member profiles (opt-in directory of who knows what), their topics and languages, the
questions routed to peers who know (qa_peer_requests), and qa_questions.routed_peers_at

Revision ID: 0013_member_profiles
Revises: 0012_web_consent_feeds
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0013_member_profiles"
down_revision = "0012_web_consent_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_profiles",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("org_type", sa.String(32), nullable=False),
        sa.Column("org_name", sa.String(100), nullable=True),
        sa.Column("bio", sa.String(300), nullable=True),
        sa.Column("happy_to_be_asked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_member_profiles_country", "member_profiles", ["country"])
    op.create_index("ix_member_profiles_org_type", "member_profiles", ["org_type"])
    op.create_table(
        "member_profile_topics",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("member_profiles.user_id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("topic", sa.String(40), primary_key=True),
    )
    op.create_index("ix_member_profile_topics_topic", "member_profile_topics", ["topic"])
    op.create_table(
        "member_profile_languages",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("member_profiles.user_id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("language", sa.String(16), primary_key=True),
    )
    op.create_index("ix_member_profile_languages_language", "member_profile_languages", ["language"])
    op.create_table(
        "qa_peer_requests",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("peer_user_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("question_id", "peer_user_id", name="uq_qa_peer_requests_pair"),
    )
    op.create_index("ix_qa_peer_requests_question_id", "qa_peer_requests", ["question_id"])
    op.create_index("ix_qa_peer_requests_peer_sent", "qa_peer_requests", ["peer_user_id", "sent_at"])
    with op.batch_alter_table("qa_questions") as batch:
        batch.add_column(sa.Column("routed_peers_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_questions") as batch:
        batch.drop_column("routed_peers_at")
    op.drop_table("qa_peer_requests")
    op.drop_table("member_profile_languages")
    op.drop_table("member_profile_topics")
    op.drop_table("member_profiles")
