"""user_preferences.web_name: the name the public web site shows for a member who turned
/privacy publish on (until now a saved_queries row of kind "web-name"; those rows move here)

Revision ID: 0018_web_name
Revises: 0015_plans_consultations
Create Date: 2026-12-02
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0018_web_name"
down_revision = "0015_plans_consultations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.add_column(sa.Column("web_name", sa.String(80), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT owner_id, params FROM saved_queries WHERE kind = 'web-name' ORDER BY id")).all()
    for owner_id, params in rows:
        data = params if isinstance(params, dict) else json.loads(params or "{}")
        name = str(data.get("name") or "")[:80] or None
        bind.execute(sa.text("UPDATE user_preferences SET web_name = :name WHERE user_id = :uid"),
                     {"name": name, "uid": owner_id})
    bind.execute(sa.text("DELETE FROM saved_queries WHERE kind = 'web-name'"))


def downgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.drop_column("web_name")
