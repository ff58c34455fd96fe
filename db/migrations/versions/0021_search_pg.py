"""PostgreSQL search: filter marks (solved, Q&A kind, country and topic tags) in the tsvector, and
ASCII words beginning with "zz" encoded like other non-plain tokens, so no typed word can look like
an encoded token or a mark (db/search.py). SQLite: nothing to do.

Only the rows whose vector changes are rewritten: messages of Q&A posts and messages with "zz" in
them (a few seconds at a million messages).

Revision ID: 0021_search_pg
Revises: 0019_qa_solved_order
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from db import search

revision = "0021_search_pg"
down_revision = "0019_qa_solved_order"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    select = sa.text(
        "SELECT m.id, m.content, m.kind, q.solved_at IS NOT NULL, q.country, q.topic FROM archive_messages m "
        "LEFT JOIN qa_questions q ON q.thread_id = m.thread_id WHERE m.id > :last "
        "AND (m.thread_id IS NOT NULL OR m.kind <> 'message' OR m.content ILIKE '%zz%') ORDER BY m.id LIMIT :n")
    update = sa.text("UPDATE archive_messages SET search_vector = to_tsvector('simple', :doc) WHERE id = :id")
    last = -(2**63)
    while True:
        rows = bind.execute(select, {"last": last, "n": BATCH}).all()
        if not rows:
            break
        bind.execute(update, [
            {"id": mid, "doc": search.pg_document(content, search.pg_marks(kind, bool(solved), country, topic))}
            for mid, content, kind, solved, country, topic in rows
        ])
        last = rows[-1][0]


def downgrade() -> None:
    # The older code never asks for marks; leaving them in the vectors changes no search's results
    # except for typed words beginning with "zz", which a re-index (import again) restores.
    pass
