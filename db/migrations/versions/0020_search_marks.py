"""the SQLite full-text index written again with marks (kind, solved, country, topic) on every
message, so search filters are intersections inside the index, and a second, small index of the
messages of Q&A posts only (db/search.py, "marks")

Revision ID: 0020_search_marks
Revises: 0019_qa_solved_order
Create Date: 2026-12-03
"""

from alembic import op

from db import search

revision = "0020_search_marks"
down_revision = "0019_qa_solved_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search.rebuild_sqlite_index(bind)


def downgrade() -> None:
    # The index as 0019 wrote it: the solved mark only (its code takes back exactly those tokens).
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search.rebuild_sqlite_index(bind, marks=lambda kind, *, solved, **_: (search.SOLVED_MARK,) if solved else (),
                                    tables=[search.FTS_TABLE])
