"""an index in the solved order of Q&A posts (qa_questions.solved_at, thread_id), so the web site's
lists of the newest published questions stop at a page instead of sorting every solved post

Revision ID: 0019_qa_solved_order
Revises: 0018_web_name
Create Date: 2026-12-02
"""

from alembic import op

revision = "0019_qa_solved_order"
down_revision = "0018_web_name"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_qa_questions_solved_order", "qa_questions", ["solved_at", "thread_id"])


def downgrade() -> None:
    op.drop_index("ix_qa_questions_solved_order", table_name="qa_questions")
