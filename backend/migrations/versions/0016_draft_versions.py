"""Draft identity: a draft's version, its ticket's redacted subject, the tenant's knowledge
revision, and the newer draft that superseded a review item.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("drafts", sa.Column("version", sa.String(64)))
    op.add_column("drafts", sa.Column("subject", sa.Text))
    op.create_index("ix_drafts_tenant_ticket", "drafts", ["tenant_id", "ticket_id"])
    op.add_column(
        "tenants",
        sa.Column("knowledge_revision", sa.Integer, nullable=False, server_default="0"),
    )
    op.add_column("review_items", sa.Column("superseded_by", sa.String(32)))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+), as in 0011: a batch rebuild trips foreign keys.
    op.execute("ALTER TABLE review_items DROP COLUMN superseded_by")
    op.execute("ALTER TABLE tenants DROP COLUMN knowledge_revision")
    op.drop_index("ix_drafts_tenant_ticket", table_name="drafts")
    op.execute("ALTER TABLE drafts DROP COLUMN subject")
    op.execute("ALTER TABLE drafts DROP COLUMN version")
