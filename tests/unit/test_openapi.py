"""The OpenAPI document is generated from the shapes, and responses are checked against it."""

from typing import Any

import pytest
from flask import Flask, jsonify
from openapi_spec_validator import validate

from backend.api import openapi
from backend.api.operations import OPERATIONS
from tests.openapi_check import ResponseCheck


def checked(app: Flask, method: str, path: str, body: Any, status: int = 200) -> list[str]:
    """What a fresh check says of ``body`` answered to ``method path``."""
    check = ResponseCheck()
    with app.test_request_context(path, method=method):
        response = jsonify(body)
        response.status_code = status
        check.check(app, response)
    return check.problems


def test_the_served_document_is_the_generated_one_and_valid_openapi_3_1(app: Flask) -> None:
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(served)
    assert served == openapi.document()
    assert served["openapi"] == "3.1.0"


def test_the_components_say_what_the_views_return(app: Flask) -> None:
    schemas = openapi.document()["components"]["schemas"]
    assert {"gate", "inserted_at", "links"} <= set(schemas["Draft"]["required"])
    assert {"policy", "type", "source", "score", "detail"} <= set(schemas["RuleHit"]["required"])
    assert "eligible_reviewers" not in schemas["Gate"]["required"]  # only while held
    assert all(s.get("additionalProperties") is not True for s in schemas.values())


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_answers_503_and_describes_each_json_reply(operation: Any) -> None:
    responses = openapi.document()["paths"][operation.path][operation.method]["responses"]
    assert "503" in responses
    for status, response in responses.items():
        schema = response["content"].get("application/json", {}).get("schema")
        described = schema is None or "$ref" in schema or operation.operation_id == "openapi"
        assert described, status


def test_when_a_response_breaks_its_shape_then_the_check_names_the_field(app: Flask) -> None:
    body = {"status": "ok", "checks": {"database": {"ok": "yes", "detail": "sqlite"}}}
    assert checked(app, "GET", "/api/v1/health", body) == [
        "GET /health -> 200: $.checks.database.ok: 'yes' is not of type 'boolean'"
    ]


def test_when_a_response_has_an_undeclared_key_then_the_check_names_it(app: Flask) -> None:
    body = {"tickets": [], "next": None}
    [problem] = checked(app, "GET", "/api/v1/tickets", body)
    assert problem.startswith("GET /tickets -> 200: $: Additional properties")
    assert "'next' was unexpected" in problem


def test_when_a_status_is_not_documented_then_the_check_says_so(app: Flask) -> None:
    body = {"error": {"code": "teapot", "message": "no"}}
    assert checked(app, "GET", "/api/v1/tickets", body, status=418) == [
        "GET /tickets -> 418: status 418 is not documented (documented: 200, 401, 503)"
    ]


def test_when_an_error_matches_the_document_then_the_check_is_silent(app: Flask) -> None:
    body = {"error": {"code": "not_found", "message": "draft 'x' was not found"}}
    assert checked(app, "GET", "/api/v1/drafts/x", body, status=404) == []
