"""PostgreSQL search vectors written again with the marks SQLite's index got in 0020 (kind, solved,
country, topic), so a filtered search is an intersection inside GIN; ASCII words beginning with
"zz" are now encoded like other non-plain tokens, so no typed word can look like an encoded token
or a mark (db/search.py, "PostgreSQL"). SQLite: nothing to do.

Revision ID: 0021_search_pg
Revises: 0022_plans_history
Create Date: 2026-12-03
"""

from alembic import op

from db import search

revision = "0021_search_pg"
down_revision = "0022_plans_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        search.rebuild_pg_index(bind)


def downgrade() -> None:
    # The code before this revision never asks for marks: the extra lexemes change none of its
    # results (except typed words beginning with "zz", which importing again restores).
    pass
