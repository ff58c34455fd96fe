"""Q&A questions, the searchable message archive, backfill checkpoints, full-text index

Revision ID: 0002_qa_search
Revises: 0001_foundation
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from db import search
from db.models import AutoId, UTCDateTime

revision = "0002_qa_search"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_messages",
        sa.Column("id", AutoId, primary_key=True, autoincrement=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_archive_messages_channel_id", "archive_messages", ["channel_id"])
    op.create_index("ix_archive_messages_thread_id", "archive_messages", ["thread_id"])
    op.create_index("ix_archive_messages_author_id", "archive_messages", ["author_id"])
    op.create_index("ix_archive_messages_created_at", "archive_messages", ["created_at"])
    op.create_table(
        "qa_questions",
        sa.Column("thread_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("forum_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("country", sa.String(40), nullable=True),
        sa.Column("topic", sa.String(40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answer_id", sa.BigInteger(), nullable=True),
        sa.Column("solved_at", UTCDateTime(), nullable=True),
        sa.Column("first_reply_at", UTCDateTime(), nullable=True),
        sa.Column("routed_helpers_at", UTCDateTime(), nullable=True),
        sa.Column("routed_facilitators_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_qa_questions_author_id", "qa_questions", ["author_id"])
    op.create_table(
        "archive_checkpoints",
        sa.Column("channel_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("before_id", sa.BigInteger(), nullable=True),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    ddl = search.PG_DDL if op.get_bind().dialect.name == "postgresql" else search.SQLITE_DDL
    for statement in ddl:
        op.execute(statement)


def downgrade() -> None:
    drop = search.PG_DROP if op.get_bind().dialect.name == "postgresql" else search.SQLITE_DROP
    for statement in drop:
        op.execute(statement)
    op.drop_table("archive_checkpoints")
    op.drop_table("qa_questions")
    op.drop_table("archive_messages")
