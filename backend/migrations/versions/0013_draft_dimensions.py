"""Drafts carry the ticket's dimensions: team, brand, location, ticket type, jurisdiction.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (
    ("team", 200),
    ("brand", 200),
    ("location", 200),
    ("ticket_type", 200),
    ("jurisdiction", 16),
)


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column(
            "drafts",
            sa.Column(name, sa.String(length), nullable=False, server_default=""),
        )
    op.create_index("ix_drafts_tenant_completed", "drafts", ["tenant_id", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_drafts_tenant_completed", table_name="drafts")
    # Plain ALTER TABLE (SQLite 3.35+), as in 0011: a batch rebuild trips foreign keys.
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE drafts DROP COLUMN {name}")
