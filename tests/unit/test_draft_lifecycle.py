import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from backend import audit, pipeline, services
from backend.db import db
from backend.drafts import DraftStore, LeaseLost
from backend.errors import ProviderUnavailable
from backend.models import AuditEvent, Citation, Draft
from backend.types import VerifiedDraft

RESULT = VerifiedDraft("Hello [1]", (), (), (), "offline", "m")


def store(lease: int = 60, attempts: int = 3) -> DraftStore:
    s = services.draft_store()
    return DraftStore(s._sessions, lease, attempts)  # noqa: SLF001 - same sessions, other limits


def actions() -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_when_a_ticket_already_has_a_draft_in_progress_then_it_is_reused(app: Flask) -> None:
    first, created = store().request("demo", "N-1", "agent:a")
    again, created_again = store().request("demo", "N-1", "agent:b")
    assert created and not created_again and again.id == first.id


def test_when_a_worker_holds_a_live_lease_then_no_one_else_can_claim(app: Flask) -> None:
    draft, _ = store().request("demo", "N-1", "agent")
    assert store().claim(draft.id) is not None
    assert store().claim(draft.id) is None


def test_when_a_lease_runs_out_then_the_draft_is_claimed_again_and_the_old_worker_cannot_write(
    app: Flask,
) -> None:
    short = store(lease=1)
    draft, _ = short.request("demo", "N-1", "agent")
    dead = short.claim(draft.id)
    time.sleep(1.1)
    assert short.stale(queued_for=timedelta(hours=1)) == [draft.id]
    alive = short.claim(draft.id)
    assert dead and alive and alive.attempt == 2
    with pytest.raises(LeaseLost):
        short.complete(dead, RESULT, {})
    with pytest.raises(LeaseLost):
        short.heartbeat(dead)
    short.complete(alive, RESULT, {"fetch": 1.0})
    assert short.get("demo", draft.id).status == "ready"  # type: ignore[union-attr]
    assert actions() == ["draft.requested", "draft.ready"]


def test_when_a_temporary_error_repeats_then_the_draft_fails_after_the_last_attempt(
    app: Flask,
) -> None:
    limited = store(attempts=2)
    draft, _ = limited.request("demo", "N-1", "agent")
    assert limited.release(limited.claim(draft.id), "provider_unavailable", "down")  # type: ignore[arg-type]
    assert not limited.release(limited.claim(draft.id), "provider_unavailable", "down")  # type: ignore[arg-type]
    row = limited.get("demo", draft.id)
    assert row is not None and row.status == "failed"
    assert row.error_message == "down (gave up after 2 attempts)"
    assert actions() == ["draft.requested", "draft.retrying", "draft.failed"]


def test_when_the_pipeline_raises_a_temporary_error_then_it_is_retried_not_lost(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*_: object, **__: object) -> None:
        raise ProviderUnavailable("model endpoint timed out", retry_after=2)

    monkeypatch.setattr(pipeline, "draft_reply", unavailable)
    draft, _ = store().request("demo", "N-1", "agent")
    with pytest.raises(ProviderUnavailable):
        pipeline.process_draft(draft.id, store(), services.get())
    row = store().get("demo", draft.id)
    assert row is not None and (row.status, row.error_code) == ("queued", "provider_unavailable")


def test_when_the_ticket_vanished_then_the_draft_fails_with_a_clear_message(app: Flask) -> None:
    draft, _ = store().request("demo", "GONE-1", "agent")
    assert pipeline.process_draft(draft.id, store(), services.get()) == "failed"
    row = store().get("demo", draft.id)
    assert row is not None and row.error_code == "ticket_not_found"
    assert pipeline.process_draft(draft.id, store(), services.get()) == "skipped"


def test_when_a_draft_is_completed_then_citations_and_audit_are_written_together(
    indexed_app: Flask,
) -> None:
    draft, _ = store().request("demo", "N-1", "agent")
    assert pipeline.process_draft(draft.id, store(), services.get()) == "ready"
    assert pipeline.process_draft(draft.id, store(), services.get()) == "skipped"
    with db.session() as session:
        markers = sorted(
            session.scalars(select(Citation.marker).where(Citation.draft_id == draft.id))
        )
        assert len(markers) >= 2 and markers == list(range(1, len(markers) + 1))
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "draft.ready")).one()
    assert event.details["citations"][0] == "ticket:R-1"
    assert event.details["provider"] == "offline"


def test_when_audit_events_are_changed_then_the_database_refuses(app: Flask) -> None:
    store().request("demo", "N-1", "agent")
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), db.session() as session:
            session.execute(text(statement))


def test_when_the_chain_is_intact_then_verify_finds_nothing_and_edits_are_detected(
    app: Flask,
) -> None:
    for ticket in ("N-1", "N-2", "N-3"):
        store().request("demo", ticket, "agent")
    with db.session() as session:
        tenant_id = session.scalars(select(Draft.tenant_id)).first()
        assert audit.verify(session, tenant_id) == []  # type: ignore[arg-type]
        session.execute(text("DROP TRIGGER audit_events_no_UPDATE"))
        session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 2"))
        assert audit.verify(session, tenant_id) == [  # type: ignore[arg-type]
            "event 2: contents do not match its hash"
        ]
        session.rollback()
