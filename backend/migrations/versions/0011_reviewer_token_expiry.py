"""Reviewer tokens expire: when each was issued (tokens issued before count from creation).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviewers", sa.Column("token_issued_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+): a batch rebuild would trip the credentials' foreign key.
    op.execute("ALTER TABLE reviewers DROP COLUMN token_issued_at")
