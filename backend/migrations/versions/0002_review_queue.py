"""Compliance gate on drafts, credentialed reviewers and the review queue.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(
            sa.Column("gate_status", sa.String(20), nullable=False, server_default="clear")
        )
        batch.add_column(sa.Column("gate", sa.JSON, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("inserted_at", TS))
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("tenant_id", "email"),
    )
    op.create_index("ix_reviewers_tenant_id", "reviewers", ["tenant_id"])
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id"), nullable=False),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("jurisdictions", sa.JSON, nullable=False),
        sa.Column("licence_id", sa.String(200), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
    )
    op.create_index("ix_credentials_reviewer_id", "credentials", ["reviewer_id"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column(
            "draft_id", sa.String(32), sa.ForeignKey("drafts.id"), nullable=False, unique=True
        ),
        sa.Column("domains", sa.JSON, nullable=False),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("reviewers.id")),
        sa.Column("note", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS),
    )
    op.create_index("ix_review_items_tenant_id", "review_items", ["tenant_id"])
    op.create_index("ix_review_items_status", "review_items", ["status"])


def downgrade() -> None:
    op.drop_table("review_items")
    op.drop_table("credentials")
    op.drop_table("reviewers")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("inserted_at")
        batch.drop_column("gate")
        batch.drop_column("gate_status")
