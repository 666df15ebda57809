"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Generated: the operations come from ``backend/api/operations.py``, the components from the
pydantic shapes they name (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel

from backend.api.operations import OPERATIONS, Operation, Reply

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
REF = "#/components/schemas/{model}"
ROW_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
PARAMETERS: dict[str, dict[str, Any]] = {  # path parameters by name
    "draft_id": {"type": "string"},
    "ticket_id": {"type": "string"},
    "tenant": {"type": "string"},
    "item_id": ROW_ID,
    "reviewer_id": ROW_ID,
    "credential_id": ROW_ID,
}
DIMENSION = {
    "type": "string",
    "enum": ["agent", "team", "brand", "location", "ticket_type", "jurisdiction"],
}
QUERY: dict[str, dict[str, Any]] = {  # query parameters by name, all optional
    "since": {"type": "string", "pattern": "^[0-9]{1,4}[hdw]$", "description": "30d, 12h, 4w"},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date", "description": "inclusive"},
    "by": DIMENSION,
    "action": {"type": "string", "enum": ["accepted", "edited", "rejected", "escalated"]},
    **{name: {"type": "string"} for name in DIMENSION["enum"]},
}
UNAVAILABLE = Reply(
    503,
    "The database (or, where said, the job queue) cannot be reached: try again after "
    "Retry-After seconds (code database_unavailable)",
)
BAD_BODY = Reply(
    400, "The body is not JSON, is nested more than 32 levels, or a field is wrong (error.field)"
)
BAD_PATH = Reply(400, "The URL contains a NUL character (%00)")
TOO_LARGE = Reply(413, "Body larger than PRECEDENT_MAX_CONTENT_LENGTH; nothing processed")


def _bearer(description: str) -> dict[str, str]:
    return {"type": "http", "scheme": "bearer", "description": description}


def _header(name: str, description: str) -> dict[str, str]:
    return {"type": "apiKey", "in": "header", "name": name, "description": description}


SECURITY_SCHEMES = {
    "appToken": _bearer("short-lived token embedded in the Zendesk sidebar page"),
    "freshdeskAppSecret": _header(
        "X-Precedent-App-Secret", "the Freshdesk installation secret (request templates)"
    ),
    "zendeskWebhookSignature": _header(
        "X-Zendesk-Webhook-Signature",
        "base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + raw body with the "
        "webhook signing secret; 5-minute replay window",
    ),
    "freshdeskWebhookSecret": _header(
        "X-Precedent-Webhook-Secret", "the shared secret set in the Freshdesk automation's headers"
    ),
    "reviewerToken": _bearer("a reviewer's personal token"),
    "leadToken": _bearer("a team lead's personal token (precedent leads add)"),
    "adminToken": _bearer("PRECEDENT_ADMIN_TOKEN"),
}


@cache
def document() -> dict[str, Any]:
    """The whole document; built once per process (it depends on no setting)."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Precedent API",
            "version": "1",
            "description": "Cited draft replies for helpdesk agents. Precedent never sends "
            "anything to a customer: drafts are for an agent to edit and send.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": components(), "securitySchemes": SECURITY_SCHEMES},
    }


def components() -> dict[str, Any]:
    """Every shape the operations name, with the shapes nested in them."""
    schemas: dict[str, Any] = {}
    for op in OPERATIONS:
        if op.body is not None:
            _collect(op.body, "validation", schemas)
        for reply in (*op.replies, UNAVAILABLE):
            if reply.shape is not None:
                _collect(reply.shape, "serialization", schemas)
    return dict(sorted(schemas.items()))


def _collect(
    shape: type[BaseModel], mode: Literal["validation", "serialization"], into: dict[str, Any]
) -> None:
    schema = shape.model_json_schema(ref_template=REF, mode=mode)
    into.update(schema.pop("$defs", {}))
    into[shape.__name__] = schema


def _operation(op: Operation) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.description:
        operation["description"] = op.description
    if op.security:
        operation["security"] = [{scheme: []} if scheme else {} for scheme in op.security]
    names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
    query = [{"name": n, "in": "query", "required": False, "schema": QUERY[n]} for n in op.query]
    if names or query:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": PARAMETERS[name]}
            for name in names
        ] + query
    replies = {reply.status: reply for reply in op.replies}
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": _content(op.body)}
        replies.setdefault(400, BAD_BODY)
        replies.setdefault(413, TOO_LARGE)
    if names:
        replies.setdefault(400, BAD_PATH)
    replies.setdefault(503, UNAVAILABLE)
    operation["responses"] = {str(s): _response(replies[s]) for s in sorted(replies)}
    return operation


def _response(reply: Reply) -> dict[str, Any]:
    if reply.media != "application/json":
        text = {"schema": {"type": "string"}}
        return {"description": reply.description, "content": {reply.media: text}}
    schema = {"$ref": REF.format(model=reply.shape.__name__)} if reply.shape else {}
    return {"description": reply.description, "content": {reply.media: {"schema": schema}}}


def _content(shape: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=shape.__name__)}}}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
