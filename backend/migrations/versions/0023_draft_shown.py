"""When the sidebar first showed a draft: review speed counts from there.

Revision ID: 0023
Revises: 0022
"""

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that needs it


def downgrade() -> None:
    pass
