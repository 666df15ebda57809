"""Indexes of ``draft_facts`` by agent and by team, then review time: exact review-time
quartiles per agent or team read two rows each.

Quality by agent or team read every draft's review time of the window into Python and
sorted it per value (about 65 ms at 100,000 drafts). Walking one agent's (or team's) range
of these indexes in order, skipping to each quartile's rank (``LIMIT 2 OFFSET rank``), reads
two values per quartile: 13 ms for 8 agents. Agent and team are the dimensions the coaching
review and the quality table are read by; the other dimensions keep the sort.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = {  # the window after the order; other filters read the row (a primary-key lookup)
    "ix_draft_facts_agent_review": ["tenant_id", "agent", "review_seconds", "created_at"],
    "ix_draft_facts_team_review": ["tenant_id", "team", "review_seconds", "created_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "draft_facts", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="draft_facts")
