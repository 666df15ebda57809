"""Per-tenant helpdesk connections, credentials encrypted.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpdesk_connections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False, unique=True
        ),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("platform", "host"),
    )


def downgrade() -> None:
    op.drop_table("helpdesk_connections")
