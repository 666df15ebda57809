"""Helpdesk sync cursors per tenant and stream; customer context stored with each draft.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("customer_context", sa.JSON))
    op.create_table(
        "sync_cursors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("cursor", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "stream"),
    )
    op.create_index("ix_sync_cursors_tenant_id", "sync_cursors", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("sync_cursors")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("customer_context")
