"""Review items remember when their reviewers were told (immediate notice or digest).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("review_items", sa.Column("notified_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+), as in 0011: a batch rebuild trips foreign keys.
    op.execute("ALTER TABLE review_items DROP COLUMN notified_at")
