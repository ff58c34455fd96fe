"""search_changes: one row per archived message written since, so the dedicated search engine
(archive.search_engine: tantivy, db/search_index.py) applies exactly what changed. Empty at first: an
engine with no index builds one from the messages table.

Revision ID: 0025_search_changes
Revises: 0021_search_pg
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_search_changes"
down_revision = "0021_search_pg"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_changes",
        sa.Column("message_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        # SQLite: a write's number, one higher than any before; PostgreSQL: its transaction's id
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_search_changes_version", "search_changes", ["version"])


def downgrade() -> None:
    op.drop_index("ix_search_changes_version", table_name="search_changes")
    op.drop_table("search_changes")
