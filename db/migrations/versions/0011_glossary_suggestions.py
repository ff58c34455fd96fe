"""glossary suggestions: members' proposals for a term's name, definition, explanation or gloss in one
language, and the facilitators' decisions (approved rows override the shipped YAML)

Revision ID: 0011_glossary_suggestions
Revises: 0010_member_locale
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from db.models import AutoId, UTCDateTime

revision = "0011_glossary_suggestions"
down_revision = "0010_member_locale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossary_suggestions",
        sa.Column("id", AutoId, primary_key=True, autoincrement=True),
        sa.Column("term_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewer_id", sa.BigInteger(), nullable=True),
        sa.Column("approved_text", sa.Text(), nullable=True),
        sa.Column("shipped_text", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_glossary_suggestions_status", "glossary_suggestions", ["status", "id"])
    op.create_index("ix_glossary_suggestions_author_id", "glossary_suggestions", ["author_id"])


def downgrade() -> None:
    op.drop_index("ix_glossary_suggestions_author_id", table_name="glossary_suggestions")
    op.drop_index("ix_glossary_suggestions_status", table_name="glossary_suggestions")
    op.drop_table("glossary_suggestions")
