"""A running draft's text so far, while a model streams it (GET /drafts/<id>/events).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("partial_text", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("partial_text")
