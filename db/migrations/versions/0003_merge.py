"""merge the Q&A/search and sessions branches into one chain

Both 0002 revisions were released on their own; a database may hold either, both or neither.
From here on there is one head, so ``upgrade head`` is unambiguous and a new revision has
exactly one parent.

Revision ID: 0003_merge
Revises: 0002_qa_search, 0002_sessions
Create Date: 2026-12-02
"""

revision = "0003_merge"
down_revision = ("0002_qa_search", "0002_sessions")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
