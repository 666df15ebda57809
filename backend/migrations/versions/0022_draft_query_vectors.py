"""The retrieval query vector of each draft, for clustering knowledge gaps.

One row per finished draft: the embedder's name, its dimensions, the vector (float32 bytes)
and the redacted question it embeds (backend/drafts/vectors.py).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_vectors",
        sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id"), primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("dimensions", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
    )
    op.create_index("ix_draft_vectors_tenant_id", "draft_vectors", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("draft_vectors")
