"""Team leads and the insights lists with their done state; outcomes indexed by time.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("token_issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "email"),
    )
    op.create_index("ix_leads_tenant_id", "leads", ["tenant_id"])
    op.create_table(
        "insight_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("list", sa.String(16), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.String(200)),
        sa.UniqueConstraint("tenant_id", "list", "key"),
    )
    op.create_index("ix_insight_items_tenant_id", "insight_items", ["tenant_id"])
    op.create_index("ix_outcomes_tenant_created", "outcomes", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outcomes_tenant_created", table_name="outcomes")
    op.drop_table("insight_items")
    op.drop_table("leads")
