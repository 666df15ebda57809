"""A thumbs-down says why: wrong facts, wrong tone, missing info or not needed.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outcomes", sa.Column("reason", sa.String(16)))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+), as in 0011: no batch rebuild of a referenced table.
    op.execute("ALTER TABLE outcomes DROP COLUMN reason")
