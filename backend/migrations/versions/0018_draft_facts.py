"""One narrow row per decided draft for the insights, kept by triggers on every write.

``draft_facts`` holds what the quality signals count for a draft: its newest outcome with an
action (the agent, the action, similarity, edit distance, bypass, when), the draft's
dimensions and its review time. A trigger on ``outcomes`` writes it in the same statement as
the outcome (sidebar, webhook, the demo's bulk insert, a test's row: every writer), and one
on ``drafts`` follows later changes of the dimensions and of ``inserted_at``. SQLite keeps
the rows clustered by tenant and time (WITHOUT ROWID), so a window is one range read.
The rows already stored are filled in from the outcomes here.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
DIMENSIONS = ("team", "brand", "location", "ticket_type", "jurisdiction")
FACTS = (  # the outcome's columns, as written from NEW
    "created_at",
    "at_seconds",
    "outcome_id",
    "agent",
    "action",
    "similarity",
    "edit_distance",
    "bypass",
)
SQL = {  # per dialect: seconds since 1970, and seconds from the first time to the second
    "sqlite": (
        "((julianday({0}) - 2440587.5) * 86400.0)",
        "((julianday({1}) - julianday({0})) * 86400.0)",
    ),
    "postgresql": ("EXTRACT(EPOCH FROM {0})", "EXTRACT(EPOCH FROM ({1} - {0}))"),
}


def upgrade() -> None:
    op.create_table(
        "draft_facts",
        sa.Column("tenant_id", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),  # of the newest outcome with an action
        sa.Column("draft_id", sa.String(32), nullable=False),
        sa.Column("at_seconds", sa.Float, nullable=False),  # created_at, seconds since 1970
        sa.Column("outcome_id", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("agent", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("similarity", sa.Float),
        sa.Column("edit_distance", sa.Integer),
        sa.Column("bypass", sa.Boolean, nullable=False),
        *(
            sa.Column(d, sa.String(16 if d == "jurisdiction" else 200), nullable=False)
            for d in DIMENSIONS
        ),
        sa.Column("completed_at", TS),
        sa.Column("inserted_at", TS),
        sa.Column("first_sent_at", TS),
        sa.Column("review_seconds", sa.Float),
        sa.PrimaryKeyConstraint("tenant_id", "created_at", "draft_id"),
        sa.UniqueConstraint("draft_id", name="uq_draft_facts_draft_id"),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    epoch, seconds = SQL[dialect]
    outcome = [
        _upsert(epoch),
        "UPDATE draft_facts SET first_sent_at = (SELECT min(sent_at) FROM outcomes"
        " WHERE draft_id = NEW.draft_id) WHERE draft_id = NEW.draft_id",
        _review(seconds, "NEW.draft_id"),
    ]
    draft = [
        "UPDATE draft_facts SET "
        + ", ".join(f"{d} = coalesce(NEW.{d}, '')" for d in DIMENSIONS)
        + ", completed_at = NEW.completed_at, inserted_at = NEW.inserted_at"
        " WHERE draft_id = NEW.id",
        _review(seconds, "NEW.id"),
    ]
    watched = ", ".join((*DIMENSIONS, "completed_at", "inserted_at"))
    if dialect == "sqlite":
        _sqlite_trigger("draft_facts_outcome", "AFTER INSERT ON outcomes", outcome)
        _sqlite_trigger("draft_facts_draft", f"AFTER UPDATE OF {watched} ON drafts", draft)
    else:
        _postgres_trigger("draft_facts_outcome", "AFTER INSERT ON outcomes", outcome)
        _postgres_trigger("draft_facts_draft", f"AFTER UPDATE OF {watched} ON drafts", draft)
    op.execute(_backfill(epoch))
    op.execute(_review(seconds, None))


def _upsert(epoch: str) -> str:
    dims = ", ".join(f"coalesce(d.{d}, '')" for d in DIMENSIONS)
    updated = ", ".join(f"{c} = excluded.{c}" for c in FACTS)
    return (
        f"INSERT INTO draft_facts (draft_id, tenant_id, ticket_id, {', '.join(FACTS)},"
        f" {', '.join(DIMENSIONS)}, completed_at, inserted_at)"
        f" SELECT NEW.draft_id, NEW.tenant_id, NEW.ticket_id, NEW.created_at,"
        f" {epoch.format('NEW.created_at')}, NEW.id, coalesce(NEW.agent, ''), NEW.action,"
        f" NEW.similarity, NEW.edit_distance, NEW.bypass, {dims}, d.completed_at, d.inserted_at"
        " FROM drafts d WHERE d.id = NEW.draft_id AND NEW.action IS NOT NULL"
        f" ON CONFLICT (draft_id) DO UPDATE SET {updated}"
        " WHERE draft_facts.outcome_id < excluded.outcome_id"
    )


def _review(seconds: str, draft_id: str | None) -> str:
    value = seconds.format("completed_at", "coalesce(inserted_at, first_sent_at)")
    where = f" WHERE draft_id = {draft_id}" if draft_id else ""
    return f"UPDATE draft_facts SET review_seconds = {value}{where}"


def _backfill(epoch: str) -> str:
    """The newest outcome with an action of each draft, as ``decided`` read it before."""
    dims = ", ".join(f"coalesce(d.{d}, '')" for d in DIMENSIONS)
    return (
        f"INSERT INTO draft_facts (draft_id, tenant_id, ticket_id, {', '.join(FACTS)},"
        f" {', '.join(DIMENSIONS)}, completed_at, inserted_at, first_sent_at)"
        f" SELECT o.draft_id, o.tenant_id, o.ticket_id, o.created_at,"
        f" {epoch.format('o.created_at')}, o.id, coalesce(o.agent, ''), o.action,"
        f" o.similarity, o.edit_distance, o.bypass, {dims}, d.completed_at, d.inserted_at,"
        " (SELECT min(s.sent_at) FROM outcomes s WHERE s.draft_id = o.draft_id)"
        " FROM outcomes o JOIN drafts d ON d.id = o.draft_id WHERE o.action IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM outcomes l WHERE l.draft_id = o.draft_id"
        " AND l.action IS NOT NULL AND l.id > o.id)"
    )


def _sqlite_trigger(name: str, event: str, statements: list[str]) -> None:
    body = "".join(f"{s};\n" for s in statements)
    op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW BEGIN\n{body}END")


def _postgres_trigger(name: str, event: str, statements: list[str]) -> None:
    body = "".join(f"{s};\n" for s in statements)
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}RETURN NULL;\nEND\n$$"
    )
    op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    for name in ("draft_facts_outcome", "draft_facts_draft"):
        table = "outcomes" if name.endswith("outcome") else "drafts"
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER {name}")
        else:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("draft_facts")
