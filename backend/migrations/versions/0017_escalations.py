"""Escalations: the note, group and tags written to the helpdesk and who was told.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("agent", sa.String(200)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("group", sa.String(64), nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("told", sa.JSON, nullable=False),
        sa.Column("not_told", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("helpdesk_at", TS),
        sa.Column("notified_at", TS),
        sa.UniqueConstraint("draft_id"),
    )
    op.create_index("ix_escalations_tenant_id", "escalations", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("escalations")
