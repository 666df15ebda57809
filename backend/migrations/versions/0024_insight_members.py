"""``insight_members``: the drafts behind each insights list entry, with their dimensions and
their share of the entry's figures, so the page's filters narrow the lists too
(backend/learning/members.py). Filled by the next refresh of the lists.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_members",
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("insight_items.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("draft_id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(200), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("brand", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("ticket_type", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
    )
    op.create_index("ix_insight_members_tenant_at", "insight_members", ["tenant_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_insight_members_tenant_at", table_name="insight_members")
    op.drop_table("insight_members")
