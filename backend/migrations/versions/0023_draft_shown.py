"""When the sidebar first showed a draft: review speed counts from there.

A draft written ahead of time (a helpdesk webhook's pre-draft) is ready long before an agent
opens the ticket, so review time counted from ``completed_at`` measured the wait, not the
review. ``drafts.shown_at`` is stamped by the sidebar's first report (POST
/drafts/<id>/shown), and ``draft_facts`` now counts review time from
``coalesce(shown_at, completed_at)`` to ``coalesce(inserted_at, first_sent_at)``: from shown,
or, never shown, from ready.

A shown report can arrive after the insert (the agent clicked before the report landed, or
the clocks of two servers differ); the review time is then clamped at 0 rather than stored
negative. ``CASE`` rather than ``max`` / ``GREATEST``: a draft never inserted nor sent keeps
a null review time, and PostgreSQL's ``GREATEST(0, NULL)`` is 0.

The triggers of migration 0018 are replaced by the same triggers that also carry
``shown_at`` (the drafts trigger now watches it too), and every stored row's review time is
recomputed (the clamp may change it). The downgrade restores 0018's triggers and figures.
``review_seconds`` keeps its name, so the indexes of 0019 and 0020 stay as they are.
Dropping a column uses ``ALTER TABLE … DROP COLUMN`` (SQLite 3.35 or later), which leaves
the tables, their indexes and triggers in place.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
TRIGGERS = {"draft_facts_outcome": "outcomes", "draft_facts_draft": "drafts"}
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
    op.add_column("drafts", sa.Column("shown_at", TS))
    op.add_column("draft_facts", sa.Column("shown_at", TS))
    _drop_triggers()
    _create_triggers(shown=True)
    op.execute(_review(None, shown=True))


def downgrade() -> None:
    _drop_triggers()
    op.drop_column("draft_facts", "shown_at")
    op.drop_column("drafts", "shown_at")
    _create_triggers(shown=False)
    op.execute(_review(None, shown=False))


def _create_triggers(shown: bool) -> None:
    """0018's triggers, carrying ``shown_at`` too when ``shown``."""
    dialect = op.get_bind().dialect.name
    epoch = SQL[dialect][0]
    outcome = [
        _upsert(epoch, shown),
        "UPDATE draft_facts SET first_sent_at = (SELECT min(sent_at) FROM outcomes"
        " WHERE draft_id = NEW.draft_id) WHERE draft_id = NEW.draft_id",
        _review("NEW.draft_id", shown),
    ]
    kept = ("completed_at", "inserted_at", *(("shown_at",) if shown else ()))
    draft = [
        "UPDATE draft_facts SET "
        + ", ".join([f"{d} = coalesce(NEW.{d}, '')" for d in DIMENSIONS])
        + ", "
        + ", ".join(f"{c} = NEW.{c}" for c in kept)
        + " WHERE draft_id = NEW.id",
        _review("NEW.id", shown),
    ]
    watched = ", ".join((*DIMENSIONS, *kept))
    create = _sqlite_trigger if dialect == "sqlite" else _postgres_trigger
    create("draft_facts_outcome", "AFTER INSERT ON outcomes", outcome)
    create("draft_facts_draft", f"AFTER UPDATE OF {watched} ON drafts", draft)


def _upsert(epoch: str, shown: bool) -> str:
    """The outcome's row of ``draft_facts``, or its update when the outcome is newer."""
    kept = ("completed_at", "inserted_at", *(("shown_at",) if shown else ()))
    dims = ", ".join(f"coalesce(d.{d}, '')" for d in DIMENSIONS)
    updated = ", ".join(f"{c} = excluded.{c}" for c in FACTS)
    return (
        f"INSERT INTO draft_facts (draft_id, tenant_id, ticket_id, {', '.join(FACTS)},"
        f" {', '.join(DIMENSIONS)}, {', '.join(kept)})"
        f" SELECT NEW.draft_id, NEW.tenant_id, NEW.ticket_id, NEW.created_at,"
        f" {epoch.format('NEW.created_at')}, NEW.id, coalesce(NEW.agent, ''), NEW.action,"
        f" NEW.similarity, NEW.edit_distance, NEW.bypass, {dims},"
        f" {', '.join(f'd.{c}' for c in kept)}"
        " FROM drafts d WHERE d.id = NEW.draft_id AND NEW.action IS NOT NULL"
        f" ON CONFLICT (draft_id) DO UPDATE SET {updated}"
        " WHERE draft_facts.outcome_id < excluded.outcome_id"
    )


def _review(draft_id: str | None, shown: bool) -> str:
    """Review time: from shown (never shown: ready) to inserted (never inserted: sent),
    at least 0; without ``shown``, 0018's figure (from ready, unclamped)."""
    seconds = SQL[op.get_bind().dialect.name][1]
    end = "coalesce(inserted_at, first_sent_at)"
    if shown:
        span = seconds.format("coalesce(shown_at, completed_at)", end)
        value = f"CASE WHEN {span} < 0 THEN 0.0 ELSE {span} END"
    else:
        value = seconds.format("completed_at", end)
    where = f" WHERE draft_id = {draft_id}" if draft_id else ""
    return f"UPDATE draft_facts SET review_seconds = {value}{where}"


def _drop_triggers() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, table in TRIGGERS.items():
        if sqlite:
            op.execute(f"DROP TRIGGER {name}")
        else:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")


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
