"""The keyed audit chain: a rewritten suffix or a deleted tail is detected; old chains verify.

Tampering is done as an attacker with write access to the database would: the append-only
triggers are dropped and rows are rewritten, with every later hash recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from backend import audit, create_app, migrate
from backend.audit import checkpoints
from backend.cli import cli
from backend.db import db
from backend.models import AuditEvent
from backend.tenants import ensure_tenant
from tests.conftest import app_config


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path, AUDIT_CHECKPOINT_EVERY=5))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


def write_events(count: int, tenant: str = "demo") -> int:
    with db.session() as session:
        tenant_id = ensure_tenant(session, tenant).id
    for n in range(count):
        with db.session() as session:
            audit.record(session, tenant_id, "test", "test.event", f"n:{n}", {"n": n})
    return tenant_id


def problems(tenant_id: int) -> list[str]:
    with db.session() as session:
        return audit.verify(session, tenant_id)


def drop_triggers() -> None:
    with db.session() as session:
        session.execute(text("DROP TRIGGER audit_events_no_UPDATE"))
        session.execute(text("DROP TRIGGER audit_events_no_DELETE"))


def plain_sha(row: dict[str, Any], prev: str) -> str:
    """The unkeyed hash anyone can compute: what an attacker without the key can forge."""
    at = datetime.fromisoformat(str(row["at"])).replace(tzinfo=None)
    body = {
        "prev": prev,
        "tenant": row["tenant_id"],
        "at": at.isoformat(timespec="microseconds"),
        "actor": row["actor"],
        "action": row["action"],
        "subject": row["subject"],
        "details": json.loads(row["details"]),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def rewrite_from(event_id: int, *, as_version: int | None = None) -> None:
    """Change one event's actor and recompute it and every later hash with plain SHA-256."""
    drop_triggers()
    with db.session() as session:
        rows = [
            dict(r._mapping)
            for r in session.execute(text("SELECT * FROM audit_events ORDER BY id"))
        ]
        prev = next(r["prev_hash"] for r in rows if r["id"] == event_id)
        for row in (r for r in rows if r["id"] >= event_id):
            if row["id"] == event_id:
                row["actor"] = "mallory"
            new = plain_sha(row, prev)
            version = row["hash_version"] if as_version is None else as_version
            session.execute(
                text(
                    "UPDATE audit_events SET actor = :actor, prev_hash = :prev, hash = :hash, "
                    "hash_version = :version WHERE id = :id"
                ),
                {**row, "prev": prev, "hash": new, "version": version},
            )
            prev = new


def test_when_the_chain_is_untouched_then_it_verifies_with_its_checkpoints(
    app: Flask, tmp_path: Path
) -> None:
    tenant_id = write_events(12)
    assert problems(tenant_id) == []
    exported = checkpoints.read(tmp_path / "audit-checkpoints.jsonl")[0]
    assert [(c.tenant, c.count) for c in exported] == [("demo", 5), ("demo", 10)]
    with db.session() as session:
        assert audit.check(session, tenant_id).checkpoints == 2


@pytest.mark.parametrize("as_version", [None, 1], ids=["keyed-marker", "unkeyed-marker"])
def test_when_a_row_is_rewritten_and_later_hashes_recomputed_then_verify_fails(
    app: Flask, as_version: int | None
) -> None:
    tenant_id = write_events(8)
    rewrite_from(3, as_version=as_version)
    found = problems(tenant_id)
    assert found, "a rewritten suffix passed verification"
    if as_version is None:
        assert "event 3: contents do not match its hash" in found
    else:
        assert "event 3: an unkeyed hash after keyed events: the chain was rewritten" in found
    assert any("differs from the checkpoint of" in p for p in found)


def test_when_the_whole_chain_is_rewritten_unkeyed_then_the_checkpoints_catch_it(
    app: Flask,
) -> None:
    tenant_id = write_events(6)
    rewrite_from(1, as_version=1)  # looks like a chain from before keying, but for the checkpoint
    assert problems(tenant_id) == [
        "event 5 of the chain differs from the checkpoint of "
        + checkpoints.read(Path(app.config["AUDIT_CHECKPOINT_FILE"]))[0][0].at
        + ": the chain was rewritten"
    ]


def test_when_the_last_five_events_are_deleted_then_verify_fails_naming_the_checkpoint(
    app: Flask,
) -> None:
    tenant_id = write_events(10)
    drop_triggers()
    with db.session() as session:
        session.execute(text("DELETE FROM audit_events WHERE id > 5"))
    found = problems(tenant_id)
    assert len(found) == 1
    assert found[0].startswith("the chain has 5 events but the checkpoint of ")
    assert found[0].endswith(" saw 10: events were deleted from its end")


def test_when_the_tail_is_deleted_past_the_last_checkpoint_then_only_that_part_is_unseen(
    app: Flask,
) -> None:
    # The documented limit: events after the newest checkpoint can go unnoticed.
    tenant_id = write_events(9)
    drop_triggers()
    with db.session() as session:
        session.execute(text("DELETE FROM audit_events WHERE id > 5"))
    assert problems(tenant_id) == []


def test_when_a_checkpoint_is_forged_without_the_key_then_it_is_reported(
    app: Flask, tmp_path: Path
) -> None:
    tenant_id = write_events(3)
    forged = checkpoints.sign(b"not the audit key", "demo", 7, "0" * 64)
    checkpoints.export(forged, tmp_path / "audit-checkpoints.jsonl")
    assert problems(tenant_id) == [
        f"checkpoint of {forged.at} (event 7): its signature does not match; it was altered, "
        "forged or signed with another audit key"
    ]


def test_when_the_audit_key_differs_then_the_events_no_longer_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'precedent.db'}"
    for key, expected in (("first-audit-key", 0), ("second-audit-key", 3)):
        flask_app = create_app(app_config(tmp_path, DATABASE_URL=url, AUDIT_KEY=key))
        migrate.upgrade(url)
        with flask_app.app_context():
            tenant_id = write_events(3) if expected == 0 else 1
            assert len(problems(tenant_id)) == expected


def test_when_a_chain_was_written_before_keying_then_it_still_verifies_and_grows_keyed(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'precedent.db'}"
    command.upgrade(migrate.alembic_config(url), "0009")
    with db.session(url) as session:
        session.execute(
            text(
                "INSERT INTO tenants (slug, name, created_at) VALUES ('demo', 'demo', '2026-01-01')"
            )
        )
        prev = audit.GENESIS
        for n in range(3):
            row = {
                "tenant_id": 1,
                "at": f"2026-01-01 10:00:0{n}.000000",
                "actor": "old",
                "action": "old.event",
                "subject": f"n:{n}",
                "details": json.dumps({"n": n}),
            }
            digest = plain_sha(row, prev)
            session.execute(
                text(
                    "INSERT INTO audit_events (tenant_id, at, actor, action, subject, details, "
                    "prev_hash, hash) VALUES (:tenant_id, :at, :actor, :action, :subject, "
                    ":details, :prev, :hash)"
                ),
                {**row, "prev": prev, "hash": digest},
            )
            prev = digest
    flask_app = create_app(app_config(tmp_path, DATABASE_URL=url, AUDIT_CHECKPOINT_EVERY=5))
    migrate.upgrade(url)
    with flask_app.app_context():
        assert problems(1) == []
        write_events(3)
        assert problems(1) == []
        with db.session() as session:
            rows = session.execute(
                select(AuditEvent.hash_version, AuditEvent.seq).order_by(AuditEvent.id)
            ).all()
    assert [tuple(r) for r in rows] == [(1, None)] * 3 + [(2, 4), (2, 5), (2, 6)]


def test_when_audit_is_run_with_checkpoint_then_a_later_truncation_fails_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = app_config(tmp_path, AUDIT_CHECKPOINT_EVERY=0)
    for name in ("DATA_DIR", "SECRET_KEY", "AUDIT_CHECKPOINT_EVERY"):
        monkeypatch.setenv(f"PRECEDENT_{name}", str(settings[name]))
    flask_app = create_app(settings)
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        write_events(7)
    result = CliRunner().invoke(cli, ["audit", "--checkpoint"])
    assert result.output.splitlines() == [
        "audit trail of 'demo' is intact: 7 events",
        "checkpoint of 'demo' exported at event 7",
    ]
    with flask_app.app_context():
        drop_triggers()
        with db.session() as session:
            session.execute(text("DELETE FROM audit_events WHERE id > 2"))
    result = CliRunner().invoke(cli, ["audit"])
    assert result.exit_code == 1
    assert "saw 7: events were deleted from its end" in result.output
    assert result.output.endswith("Error: audit trail of 'demo' is broken (1 problems)\n")


def test_when_the_keying_migration_is_undone_then_events_stay_append_only(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    write_events(2)
    migrate.downgrade(url, "0009")
    with pytest.raises(DatabaseError, match="append-only"), db.session() as session:
        session.execute(text("DELETE FROM audit_events"))
    migrate.upgrade(url)
    with db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_events")) == 2
