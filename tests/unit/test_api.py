import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from backend import pipeline, services


@pytest.fixture
def client(indexed_app: Flask) -> FlaskClient:
    return indexed_app.test_client()


def queued_messages(app: Flask) -> list[Path]:
    return list((Path(app.config["DATA_DIR"]) / "queue" / "messages").iterdir())


def test_when_a_draft_is_requested_then_it_is_queued_and_later_ready(
    client: FlaskClient, indexed_app: Flask
) -> None:
    response = client.post("/api/v1/drafts", json={"ticket_id": "N-1"})
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["text"] is None
    assert response.headers["Location"] == f"/api/v1/drafts/{body['id']}"
    assert len(queued_messages(indexed_app)) == 1  # the task was really sent

    pipeline.process_draft(body["id"], services.draft_store(), services.get())  # the worker
    ready = client.get(body["links"]["self"]).get_json()
    assert ready["status"] == "ready"
    assert ready["citations"][0]["source_id"] == "R-1"
    assert ready["citations"][0]["url"] == "https://t/R-1"
    assert "[1]" in ready["text"]
    assert set(ready["timings_ms"]) >= {"fetch", "retrieve", "generate"}
    assert ready["completed_at"].endswith("Z")


def test_when_the_same_ticket_is_requested_twice_then_one_draft_is_made(
    client: FlaskClient, indexed_app: Flask
) -> None:
    first = client.post("/api/v1/drafts", json={"ticket_id": "N-1"}).get_json()
    second = client.post("/api/v1/drafts", json={"ticket_id": "N-1"}).get_json()
    assert first["id"] == second["id"]
    assert len(queued_messages(indexed_app)) == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "code", "message"),
    [
        (
            {"data": "not json", "content_type": "application/json"},
            400,
            "bad_input",
            'the body is not JSON: send a JSON object such as {"ticket_id": "TW-20001"}',
        ),
        (
            {"json": {"ticket": "N-1"}},
            400,
            "bad_input",
            "ticket_id is required and must be a non-empty string",
        ),
        (
            {"json": {"ticket_id": "x" * 201}},
            400,
            "bad_input",
            "ticket_id is longer than 200 characters",
        ),
        ({"json": {"ticket_id": "NOPE"}}, 404, "ticket_not_found", None),
    ],
)
def test_when_a_request_is_bad_then_the_error_is_json_with_a_stable_code(
    client: FlaskClient,
    indexed_app: Flask,
    kwargs: dict[str, object],
    status: int,
    code: str,
    message: str | None,
) -> None:
    response = client.post("/api/v1/drafts", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    if message:
        assert error["message"] == message
    assert queued_messages(indexed_app) == []  # nothing half-done


def test_when_a_draft_is_unknown_then_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/drafts/0123")
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "draft_not_found",
        "message": "draft '0123' was not found",
    }


def test_when_a_route_is_unknown_then_api_errors_are_json_too(client: FlaskClient) -> None:
    assert client.get("/api/v1/nope").get_json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/drafts").get_json()["error"]["code"] == "method_not_allowed"


def test_when_asked_then_health_reports_each_dependency(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "sqlite"}
    assert body["checks"]["index"]["detail"] == "lancedb (2 documents)"


def test_when_the_open_tickets_are_listed_then_the_picker_gets_summaries(
    client: FlaskClient,
) -> None:
    tickets = client.get("/api/v1/tickets").get_json()["tickets"]
    assert [t["id"] for t in tickets] == ["N-1", "N-2", "N-3", "N-4"]
    detail = client.get("/api/v1/tickets/N-1").get_json()
    assert detail["comments"][1]["public"] is False


def test_the_openapi_document_is_valid_and_describes_every_api_route(
    client: FlaskClient, indexed_app: Flask
) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    served = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method)
        for rule in indexed_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}  # type: ignore[operator]
    }
    assert served == documented


def test_when_the_preview_page_is_opened_then_it_loads_the_sidebar_core(
    client: FlaskClient,
) -> None:
    assert client.get("/").headers["Location"] == "/preview"
    page = client.get("/preview").get_data(as_text=True)
    assert "sidebar.js" in page and "preview.js" in page
