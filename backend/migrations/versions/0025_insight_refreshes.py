"""``insight_refreshes``: when each tenant's insights lists were last computed, kept even when
the lists came out empty (the newest entry's time said "never computed" then, and the page
kept waiting for a first refresh that had happened). Filled from the stored entries.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_refreshes",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO insight_refreshes (tenant_id, refreshed_at)"
        " SELECT tenant_id, MAX(refreshed_at) FROM insight_items GROUP BY tenant_id"
    )


def downgrade() -> None:
    op.drop_table("insight_refreshes")
