"""Outcomes of drafts (what the agent sent, edit distance, gate bypass); pre-draft pickup.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(
            sa.Column("awaiting_pickup", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("agent", sa.String(200)),
        sa.Column("action", sa.String(16)),
        sa.Column("rating", sa.String(8)),
        sa.Column("sent_type", sa.String(16)),
        sa.Column("sent_text", sa.Text),
        sa.Column("comment_id", sa.String(64)),
        sa.Column("edit_distance", sa.Integer),
        sa.Column("similarity", sa.Float),
        sa.Column("gate_status", sa.String(20), nullable=False),
        sa.Column("bypass", sa.Boolean, nullable=False),
        sa.Column("confirms_id", sa.Integer, sa.ForeignKey("outcomes.id")),
        sa.Column("confirmation", sa.String(16)),
        sa.Column("sent_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "comment_id"),
    )
    op.create_index("ix_outcomes_tenant_id", "outcomes", ["tenant_id"])
    op.create_index("ix_outcomes_draft_id", "outcomes", ["draft_id"])


def downgrade() -> None:
    op.drop_table("outcomes")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("awaiting_pickup")
