"""The audit chain is keyed: each event says how its hash was made and where it stands.

Events already written keep their plain SHA-256 hashes (``hash_version`` 1, no ``seq``) and
still verify; new ones are HMACs under the audit key (version 2) numbered in their chain.
``op.add_column`` is a plain ALTER TABLE on SQLite too, so the append-only triggers stay.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "audit_events",
        sa.Column("hash_version", sa.Integer, nullable=False, server_default="1"),
    )
    op.add_column("audit_events", sa.Column("seq", sa.Integer, nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild would lose the triggers.
    op.execute("ALTER TABLE audit_events DROP COLUMN seq")
    op.execute("ALTER TABLE audit_events DROP COLUMN hash_version")
