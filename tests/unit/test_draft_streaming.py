"""A streamed draft on its way to the agent: cut whole placeholder by placeholder on the
worker, kept on the draft row with its placeholders while it grows, and followed (restored)
through GET /api/v1/drafts/<id>/events."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from backend import pipeline, services
from backend.api import drafts as drafts_api
from backend.api.draft_events import Pace, draft_events
from backend.auth import app_tokens
from backend.drafting import TextSink
from backend.drafting.offline import OfflineDrafter
from backend.drafting.stream import RestoredStream, recent_paragraphs
from backend.drafts import DraftStore
from backend.models import Draft
from backend.redaction import RedactedText, Vault
from backend.types import DraftText, Source, Ticket, VerifiedDraft


def jane() -> Vault:
    vault = Vault()
    vault.placeholder_for("PERSON", "Jane Roe")
    return vault


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# --- the worker's side: restore and throttle --------------------------------------------


def test_when_a_placeholder_is_split_across_chunks_then_it_is_written_and_restored_whole() -> None:
    writes: list[str] = []
    stream = RestoredStream(jane(), writes.append, interval=0.0)

    for chunk in ["Hi <PER", "SON_1>, E-104 is", " a Wi-Fi handshake failure."]:
        stream(chunk)
    stream.flush()

    # stored with its placeholders (nothing personal at rest), never half a placeholder
    assert writes == [
        "Hi ",
        "Hi <PERSON_1>, E-104 is",
        "Hi <PERSON_1>, E-104 is a Wi-Fi handshake failure.",
    ]
    assert [jane().restore(write) for write in writes] == [
        "Hi ",
        "Hi Jane Roe, E-104 is",
        "Hi Jane Roe, E-104 is a Wi-Fi handshake failure.",
    ]
    assert stream.text == "Hi Jane Roe, E-104 is a Wi-Fi handshake failure."


def test_when_chunks_come_fast_then_the_row_is_written_at_most_every_interval() -> None:
    clock, writes = Clock(), []
    stream = RestoredStream(Vault(), writes.append, interval=0.15, clock=clock)

    for n in range(10):  # 10 chunks over 0.1 s
        clock.now = n * 0.01
        stream(f"{n}")
    clock.now = 0.2
    stream("!")
    stream.flush()

    assert writes == ["0", "0123456789!"]


def test_when_an_attempt_is_reset_then_the_text_is_cleared_at_once_and_starts_again() -> None:
    writes: list[str] = []
    stream = RestoredStream(jane(), writes.append, interval=60.0, clock=Clock())
    stream("Dear <PERSON_1>, E-1")
    stream("04 means")  # throttled: not written
    stream.reset()
    stream("Hello <PER")
    stream.flush()  # a dangling half placeholder is written as it came
    assert writes == ["Dear <PERSON_1>, E-1", "", "Hello <PER"]


def test_when_the_text_so_far_is_withheld_then_it_is_taken_back_and_nothing_more_is_shown() -> None:
    writes: list[str] = []
    asked: list[str] = []

    def withhold(text: str) -> bool:
        asked.append(text)
        return "stop taking" in text

    stream = RestoredStream(jane(), writes.append, interval=0.0, clock=Clock(), withhold=withhold)
    stream("Dear <PERSON_1>, restart the pump.")
    stream(" You can stop taking")
    stream(" your insulin.")
    stream.flush()

    # the empty text goes on being written: each write renews the worker's lease
    assert writes == ["Dear <PERSON_1>, restart the pump.", "", "", ""]
    assert asked == [  # the gate is asked about the restored text (and redacts it itself)
        "Dear Jane Roe, restart the pump.",
        "Dear Jane Roe, restart the pump. You can stop taking",
    ]
    assert stream.withheld


def test_when_the_check_fails_then_the_text_is_not_shown_and_the_stream_goes_on() -> None:
    writes: list[str] = []

    def broken(text: str) -> bool:
        raise RuntimeError("policy store unavailable")

    stream = RestoredStream(jane(), writes.append, interval=0.0, clock=Clock(), withhold=broken)
    stream("Dear <PERSON_1>, restart the pump.")  # must not raise into the model's stream
    stream.flush()

    assert writes == ["", ""]
    assert stream.withheld


def test_when_an_attempt_is_reset_after_being_withheld_then_the_new_text_is_checked_afresh() -> (
    None
):
    writes: list[str] = []
    stream = RestoredStream(
        jane(),
        writes.append,
        interval=0.0,
        clock=Clock(),
        withhold=lambda text: "stop taking" in text,
    )
    stream("You can stop taking it.")
    stream.reset()
    stream("Restart the pump.")

    assert writes == ["", "Restart the pump."]
    assert not stream.withheld


class Scripted:
    """A streaming drafter that sends fixed chunks, pausing so each one is written."""

    name = "scripted"

    def __init__(self, chunks: Sequence[str]) -> None:
        self.chunks = chunks

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        for chunk in self.chunks:
            if on_text:
                on_text(chunk)
            time.sleep(0.16)
        return DraftText("".join(self.chunks) + " [1]", tuple(sources), (), (), "scripted", "s-1")


def streamed_draft(
    monkeypatch: pytest.MonkeyPatch, ticket_id: str, chunks: Sequence[str]
) -> tuple[str, list[str], Draft]:
    """Drafts a demo ticket with a scripted streaming model: (outcome, texts written, row)."""
    store = services.draft_store()
    written: list[str] = []
    monkeypatch.setattr(DraftStore, "write_partial", _recording(DraftStore.write_partial, written))
    row, _ = store.request("demo", ticket_id, "test")
    outcome = pipeline.process_draft(
        row.id, store, replace(services.get(), drafter=Scripted(chunks))
    )
    done = store.get("demo", row.id)
    assert done is not None
    return outcome, written, done


def test_when_a_worker_streams_a_draft_then_the_row_grows_redacted_and_reads_restored(
    indexed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = ["Hi <PER", "SON_1>, E-104 is a Wi-Fi", " handshake failure."]
    outcome, written, done = streamed_draft(monkeypatch, "N-1", chunks)  # Jane Roe's ticket

    assert outcome == "ready"
    assert written == [
        "Hi ",
        "Hi <PERSON_1>, E-104 is a Wi-Fi",
        "Hi <PERSON_1>, E-104 is a Wi-Fi handshake failure.",
    ]
    assert done.partial_text is None
    # The finished draft greets the requester's first name (<PERSON_2>: "Jane").
    assert done.text == "Hi <PERSON_2>, E-104 is a Wi-Fi handshake failure. [1]"
    read = indexed_app.test_client().get(f"/api/v1/drafts/{done.id}").get_json()
    assert read["text"] == "Hi Jane, E-104 is a Wi-Fi handshake failure. [1]"
    assert read["restored"] is True


def test_when_the_gate_flags_the_ticket_itself_then_nothing_is_streamed_before_review(
    indexed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # N-4 asks whether to stop a child's inhaler
    outcome, written, done = streamed_draft(monkeypatch, "N-4", ["You could stop", " it."])

    assert outcome == "ready"
    assert written == []
    assert "medical" in done.gate["domains"]
    assert done.text == "You could stop it. [1]"


class CountingGate:
    """The real gate, counting how often drafting asks it about the ticket alone."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.ticket_alone = inner, 0

    def evaluate(
        self, ticket: RedactedText, draft: RedactedText | None, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        self.ticket_alone += draft is None
        decision: dict[str, Any] = self.inner.evaluate(ticket, draft, *args, **kwargs)
        return decision


@pytest.mark.parametrize(("drafter", "asked"), [(OfflineDrafter(), 0), (Scripted(["Hi."]), 1)])
def test_the_ticket_is_judged_before_generation_only_for_a_drafter_that_streams(
    indexed_app: Flask, drafter: Any, asked: int
) -> None:
    store, real = services.draft_store(), services.get()
    gate = CountingGate(real.gate)
    row, _ = store.request("demo", "N-1", "test")

    outcome = pipeline.process_draft(row.id, store, replace(real, drafter=drafter, gate=gate))

    assert outcome == "ready"
    assert gate.ticket_alone == asked


def test_when_the_draft_strays_into_advice_while_streaming_then_it_is_taken_back_for_review(
    indexed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = [
        "Hi <PERSON_1>, E-104 is a Wi-Fi fault.",
        " You should stop taking your medication",
        " for now.",
    ]
    # N-1 is a Wi-Fi question: the ticket passes the gate
    outcome, written, done = streamed_draft(monkeypatch, "N-1", chunks)

    shown = "Hi <PERSON_1>, E-104 is a Wi-Fi fault."
    assert outcome == "ready"
    assert written == [shown, "", "", ""]
    assert done.gate["domains"] == ["medical"]
    greeted = shown.replace("<PERSON_1>", "<PERSON_2>")  # the requester's first name
    assert done.text == greeted + " You should stop taking your medication for now. [1]"


def words(count: int, word: str) -> str:
    return " ".join([word] * count)


def test_a_check_re_reads_the_paragraphs_before_the_new_text_not_the_whole_draft() -> None:
    first, second = words(50, "pairing"), words(45, "router")
    text = f"{first}\n\n{second}\n\nNew text."
    checked = len(f"{first}\n\n{second}")

    assert recent_paragraphs(text, checked) == f"{second}\n\nNew text."
    assert recent_paragraphs(text, checked, overlap_words=60) == text  # the overlap reaches back
    assert recent_paragraphs(text, 0) == text
    assert recent_paragraphs(words(200, "pairing") + " New text.", 1000) == (
        words(200, "pairing") + " New text."  # no paragraph break: the whole text
    )


class RecordingRedactor:
    def __init__(self, inner: Any) -> None:
        self.inner, self.texts = inner, list[str]()

    def redact(self, text: str, *args: Any, **kwargs: Any) -> RedactedText:
        self.texts.append(text)
        redacted: RedactedText = self.inner.redact(text, *args, **kwargs)
        return redacted


def test_when_a_long_draft_streams_then_each_check_redacts_only_its_recent_paragraphs(
    app: Flask,
) -> None:
    redactor = RecordingRedactor(services.get().redactor)
    real = replace(services.get(), redactor=redactor)
    ticket = Ticket("demo", "N-1", "Wi-Fi drops", "It drops hourly.")
    flagged = pipeline.draft_flagged(real, Vault(), [], ticket)
    opening = words(60, "pairing") + "."
    middle = opening + "\n\n" + words(50, "router") + "."

    assert not flagged(opening)
    assert not flagged(middle)
    assert flagged(middle + "\n\nYou should stop taking your insulin.")

    assert redactor.texts[-2] == middle  # the opening had only just passed: re-read whole
    last = redactor.texts[-1]
    assert last.startswith("router") and "pairing" not in last
    assert not flagged("Hi, a new attempt.")  # a retried attempt is read from its start
    assert redactor.texts[-1] == "Hi, a new attempt."


def test_when_the_text_keeps_growing_then_the_workers_lease_is_renewed(app: Flask) -> None:
    shared = services.draft_store()
    store = DraftStore(shared._sessions, 1, 3)  # noqa: SLF001 - same sessions, a 1 s lease
    row, _ = store.request("demo", "N-1", "test")
    claim = store.claim(row.id)
    assert claim is not None
    time.sleep(0.6)
    assert store.write_partial(claim, "Hi Jane")
    time.sleep(0.6)  # past the first lease, not past the renewed one
    assert store.stale(queued_for=timedelta(hours=1)) == []
    assert store.claim(row.id) is None  # no second worker takes a draft that is streaming


def test_when_the_database_fails_mid_stream_then_the_preview_is_skipped_not_the_provider(
    app: Flask,
) -> None:
    def broken_sessions() -> Any:
        raise OperationalError("UPDATE drafts", {}, Exception("database is locked"))

    shared = services.draft_store()
    row, _ = shared.request("demo", "N-1", "test")
    claim = shared.claim(row.id)
    assert claim is not None
    broken = DraftStore(broken_sessions, 60, 3)
    assert broken.write_partial(claim, "Hi Jane") is False  # logged, never raised


def _recording(write: Any, written: list[str]) -> Any:
    def recorded(self: DraftStore, claim: Any, text: str) -> bool:
        written.append(text)
        return bool(write(self, claim, text))

    return recorded


# --- the API's side: server-sent events ---------------------------------------------------


def events(raw: str) -> list[tuple[str, Any]]:
    """(event, data) for each event frame; comment lines are left out."""
    found = []
    for block in raw.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if not line.startswith(":"))
        if fields:
            found.append((fields["event"], json.loads(fields["data"])))
    return found


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_when_a_draft_streams_then_events_carry_deltas_a_reset_and_the_ready_draft(
    client: FlaskClient,
) -> None:
    store = services.draft_store()
    row, _ = store.request("demo", "N-1", "test")
    claim = store.claim(row.id)
    assert claim is not None
    services.vault_store().save("demo", "N-1", jane())
    store.write_partial(claim, "Hi <PERSON_1>")
    response = client.get(f"/api/v1/drafts/{row.id}/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    with closing(response):
        frames = iter(response.response)
        seen = [next(frames).decode()]
        for step in ["Hi <PERSON_1>, E-104 is", "", "Hello <PERSON_1>"]:
            store.write_partial(claim, step)
            seen.append(next(frames).decode())
        store.complete(claim, VerifiedDraft("Hello <PERSON_1>. [1]", (), (), (), "m", "m-1"), {})
        seen.append(next(frames).decode())
        assert list(frames) == []  # the stream ends after the final event

    assert events("".join(seen)) == [
        ("delta", {"text": "Hi Jane Roe"}),
        ("delta", {"text": ", E-104 is"}),
        ("reset", {}),
        ("delta", {"text": "Hello Jane Roe"}),
        ("ready", client.get(f"/api/v1/drafts/{row.id}").get_json()),
    ]


def test_a_stream_reads_the_vault_once_unless_placeholders_stay_unfilled(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real = services.ticket_texts

    def counted(tenant: str, ticket_id: str, session: Any = None) -> Any:
        opened.append(ticket_id)
        return real(tenant, ticket_id, session)

    monkeypatch.setattr(services, "ticket_texts", counted)
    restore = drafts_api.VaultOnce("demo", "N-1")

    early = restore("Hi <PERSON_1>")  # the stream began before the vault was saved
    services.vault_store().save("demo", "N-1", jane())
    texts = [
        restore(t) for t in ("Hi <PERSON_1>", "Hi <PERSON_1>, E-104", "Hi <PERSON_1>, E-104 is")
    ]

    assert early == "Hi <PERSON_1>"
    assert texts[-1] == "Hi Jane Roe, E-104 is"
    assert len(opened) == 2  # once at the start, once when the placeholder was still unfilled


def test_when_a_client_polls_a_streaming_draft_then_it_gets_the_text_so_far_until_ready(
    client: FlaskClient,
) -> None:
    store = services.draft_store()
    row, _ = store.request("demo", "N-1", "test")
    claim = store.claim(row.id)
    assert claim is not None
    services.vault_store().save("demo", "N-1", jane())
    store.write_partial(claim, "Hi <PERSON_1>, E-104 is")
    polled = client.get(f"/api/v1/drafts/{row.id}").get_json()
    assert (polled["status"], polled["partial_text"], polled["text"]) == (
        "running",
        "Hi Jane Roe, E-104 is",
        None,
    )
    store.complete(claim, VerifiedDraft("Hi <PERSON_1>.", (), (), (), "t", "m"), {})
    done = client.get(f"/api/v1/drafts/{row.id}").get_json()
    assert (done["status"], done["partial_text"], done["text"]) == ("ready", None, "Hi Jane Roe.")


def test_when_the_draft_is_already_ready_then_the_stream_is_just_the_ready_draft(
    indexed_app: Flask,
) -> None:
    store = services.draft_store()
    row, _ = store.request("demo", "N-1", "test")
    pipeline.process_draft(row.id, store, services.get())
    client = indexed_app.test_client()

    body = client.get(f"/api/v1/drafts/{row.id}/events").get_data(as_text=True)

    ((event, draft),) = events(body)
    assert event == "ready" and draft["citations"]
    assert draft == client.get(f"/api/v1/drafts/{row.id}").get_json()


def test_when_another_tenant_asks_for_the_events_then_the_draft_is_not_found(
    app: Flask, client: FlaskClient
) -> None:
    row, _ = services.draft_store().request("demo", "N-1", "test")
    token = app_tokens.issue(app.config["SECRET_KEY"], "acme", "9001")
    other = {"Authorization": f"Bearer {token}"}

    response = client.get(f"/api/v1/drafts/{row.id}/events", headers=other)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "draft_not_found"


def test_when_nothing_changes_then_keep_alives_flow_until_the_time_is_up() -> None:
    clock = Clock()
    running = Draft(id="d1", status="running", partial_text=None)

    def sleep(seconds: float) -> None:
        clock.now += seconds

    frames = list(draft_events(lambda: running, lambda d: {}, Pace(1.0, 5.0, 12.0), clock, sleep))

    assert frames.count(": keep-alive\n\n") == 2
    assert frames[-1].startswith(": stream time is up")
    assert events("".join(frames)) == []  # no final event: the client polls instead


def test_when_the_draft_fails_then_the_last_event_is_failed() -> None:
    failed = Draft(id="d1", status="failed", partial_text=None)
    frames: Iterator[str] = draft_events(lambda: failed, lambda d: {"status": d.status})
    assert events("".join(frames)) == [("failed", {"status": "failed"})]
