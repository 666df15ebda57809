"""The drafts behind each insights list entry, so filters apply to the lists.

Revision ID: 0024
Revises: 0023
"""

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that needs it


def downgrade() -> None:
    pass
