"""Encrypted placeholder vaults per tenant and ticket.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redaction_vaults",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("ciphertext", sa.Text, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "ticket_id"),
    )
    op.create_index("ix_redaction_vaults_tenant_id", "redaction_vaults", ["tenant_id"])
    op.create_index("ix_redaction_vaults_expires_at", "redaction_vaults", ["expires_at"])


def downgrade() -> None:
    op.drop_table("redaction_vaults")
