"""Team changes: where the helpdesk moved a ticket (Zendesk audits, webhooks, files).

``team_changes`` holds each move between teams (names), unique per tenant, source and key so
a repeated sync or delivery records it once; ``team_history_syncs`` when each ticket's
history was last read (backend/learning/team_changes.py).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("from_team", sa.String(200), nullable=False),
        sa.Column("to_team", sa.String(200), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
    )
    op.create_index(
        "uq_team_changes_key", "team_changes", ["tenant_id", "source", "key"], unique=True
    )
    op.create_index("ix_team_changes_ticket", "team_changes", ["tenant_id", "ticket_id", "at"])
    op.create_table(
        "team_history_syncs",
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("synced_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "ticket_id"),
    )


def downgrade() -> None:
    op.drop_table("team_history_syncs")
    op.drop_index("ix_team_changes_ticket", table_name="team_changes")
    op.drop_index("uq_team_changes_key", table_name="team_changes")
    op.drop_table("team_changes")
