"""A keyed digest of each Freshdesk installation secret, so a request finds its tenant by
index instead of decrypting every stored account.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows stored before this revision have no digest; they are still found (by decrypting
    # them) until the account is connected again.
    op.add_column(
        "helpdesk_connections", sa.Column("app_secret_digest", sa.String(64), nullable=True)
    )
    op.create_index(
        "ix_helpdesk_connections_app_secret_digest",
        "helpdesk_connections",
        ["app_secret_digest"],
    )


def downgrade() -> None:
    op.drop_index("ix_helpdesk_connections_app_secret_digest", "helpdesk_connections")
    with op.batch_alter_table("helpdesk_connections") as batch:
        batch.drop_column("app_secret_digest")
