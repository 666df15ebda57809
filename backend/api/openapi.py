"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": STRING}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": STRING,
                    "message": STRING,
                    "decision": {
                        "type": "object",
                        "description": "with already_decided: the decision that won",
                        "properties": {
                            "status": {"enum": ["approved", "rejected"]},
                            "reviewer": NULLABLE_STRING,
                            "decided_at": NULLABLE_STRING,
                            "note": NULLABLE_STRING,
                        },
                    },
                },
            }
        },
    },
    "Citation": {
        "type": "object",
        "properties": {
            "marker": {"type": "integer", "description": "the n of [n] in the draft text"},
            "kind": {"enum": ["ticket", "doc"]},
            "source_id": STRING,
            "title": STRING,
            "url": NULLABLE_STRING,
            "snippet": STRING,
            "score": {"type": "number", "description": "similarity to the question, 0..1"},
        },
    },
    "Draft": {
        "type": "object",
        "properties": {
            "id": STRING,
            "ticket_id": STRING,
            "status": {"enum": ["queued", "running", "ready", "failed"]},
            "text": {**NULLABLE_STRING, "description": "reply with [n] markers, when ready"},
            "citations": {"type": "array", "items": _ref("Citation")},
            "flags": {
                **STRINGS,
                "description": "e.g. weak_evidence, knowledge_gap, model_unavailable (the model "
                "provider failed: evidence-only draft), model_refused (the provider is not "
                "verified zero-retention for this tenant's data: evidence-only draft)",
            },
            "notes": {**STRINGS, "description": "plain-language uncertainty for the agent"},
            "provider": NULLABLE_STRING,
            "model": NULLABLE_STRING,
            "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
            "attempts": {"type": "integer"},
            "error": {
                "type": ["object", "null"],
                "description": "why it failed, or the last temporary error while it is retried",
                "properties": {"code": STRING, "message": STRING},
            },
            "created_at": STRING,
            "updated_at": STRING,
            "completed_at": NULLABLE_STRING,
            "partial_text": {
                "type": ["string", "null"],
                "description": "while running with a streaming model: the text written so far "
                "(placeholders restored, citation markers not yet checked); null otherwise",
            },
            "restored": {
                "type": "boolean",
                "description": "false once the ticket's placeholder vault has expired: text and "
                "partial_text then show placeholders such as <PERSON_1>, not the values",
            },
            "customer_context": {
                "oneOf": [_ref("CustomerContext"), {"type": "null"}],
                "description": "who is asking, shown to the agent and never sent to a model; "
                "null while drafting or when skipped (then flags holds context_skipped)",
            },
            "links": {"type": "object", "properties": {"self": STRING}},
        },
    },
    "CustomerContext": {
        "type": "object",
        "properties": {
            "organization": STRING,
            "plan": {**STRING, "description": "the first plan / tier / subscription field"},
            "fields": {"type": "object", "additionalProperties": STRING},
            "tags": STRINGS,
            "prior_tickets": {
                "type": "object",
                "description": "the requester's other recent tickets (the newest few)",
                "properties": {
                    "count": {"type": "integer"},
                    "recent": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": STRING,
                                "subject": STRING,
                                "status": STRING,
                                "created_at": STRING,
                            },
                        },
                    },
                },
            },
        },
    },
    "Gate": {
        "type": "object",
        "description": "The compliance gate's decision; insert is refused unless insertable",
        "properties": {
            "status": {"enum": ["clear", "review_required", "approved", "rejected"]},
            "domains": STRINGS,
            "jurisdiction": NULLABLE_STRING,
            "rules": {"type": "array", "items": _ref("RuleHit")},
            "held": {
                **STRINGS,
                "description": "why a domain is gated whatever the text says, e.g. 'policy for "
                "legal is missing: policies/legal.yaml not found' (fail closed)",
            },
            "languages": {
                "type": "object",
                "additionalProperties": STRING,
                "description": "ISO 639-1 language detected per text judged ('ticket', "
                "'draft'); absent when a text is too short to tell",
            },
            "notes": {
                **STRINGS,
                "description": "what the agent should know about the decision itself, e.g. "
                "a language the policies were not measured on (unsupported_language: warn)",
            },
            "insertable": {"type": "boolean"},
            "reason": NULLABLE_STRING,
            "urgent": {
                "type": "boolean",
                "description": "the safety policy found someone may be in danger: show "
                "instruction first; the review item is first in reviewers' queues",
            },
            "instruction": {
                **STRING,
                "description": "urgent drafts only: the tenant's safety instruction "
                "(PRECEDENT_SAFETY_INSTRUCTION, PRECEDENT_SAFETY_INSTRUCTIONS)",
            },
            "eligible_reviewers": {
                "type": "integer",
                "description": "held drafts only: reviewers who may decide it now (0: nobody)",
            },
        },
    },
    "RuleHit": {
        "type": "object",
        "properties": {
            "rule": STRING,
            "domain": STRING,
            "source": {"enum": ["ticket", "draft"]},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "text": STRING,
            "type": STRING,
            "score": {"type": ["number", "null"], "description": "the rule's score, if it has one"},
            "detail": {
                **NULLABLE_STRING,
                "description": "why, in words: 'the ticket is about medical (0.91) and asks for a "
                "personal judgement (0.88): 0.80 ≥ threshold 0.50'",
            },
        },
    },
    "Review": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "draft_id": STRING,
            "ticket_id": STRING,
            "domains": STRINGS,
            "jurisdiction": STRING,
            "status": {"enum": ["pending", "approved", "rejected"]},
            "created_at": STRING,
            "decided_at": NULLABLE_STRING,
            "age_seconds": {"type": "integer"},
            "note": NULLABLE_STRING,
            "urgent": {"type": "boolean", "description": "a safety item: listed first"},
            "instruction": {**STRING, "description": "urgent items only: the safety instruction"},
        },
    },
    "Reviewer": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": STRING,
            "email": STRING,
            "credentials": {"type": "array", "items": _ref("Credential")},
        },
    },
    "Credential": {
        "type": "object",
        "required": ["domain", "jurisdictions", "licence_id", "expires_on"],
        "properties": {
            "domain": {"enum": ["legal", "medical", "financial", "insurance", "safety"]},
            "jurisdictions": STRINGS,
            "licence_id": STRING,
            "expires_on": {"type": "string", "format": "date"},
        },
    },
    "TicketSummary": {
        "type": "object",
        "properties": {
            "id": STRING,
            "subject": STRING,
            "requester": STRING,
            "created_at": STRING,
            "tags": STRINGS,
            "jurisdiction": STRING,
        },
    },
    "Ticket": {
        "allOf": [
            _ref("TicketSummary"),
            {
                "type": "object",
                "properties": {
                    "body": STRING,
                    "requester_email": STRING,
                    "comments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "author": STRING,
                                "body": STRING,
                                "public": {"type": "boolean"},
                                "created_at": NULLABLE_STRING,
                            },
                        },
                    },
                },
            },
        ],
    },
    "Health": {
        "type": "object",
        "properties": {
            "status": {"enum": ["ok", "degraded"]},
            "checks": {
                "type": "object",
                "description": "database, broker, index (reachability) and policies (a "
                "policy file that does not load, or a required policy missing, named with "
                "file:line)",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"ok": {"type": "boolean"}, "detail": STRING},
                },
            },
        },
    },
    "PolicyFile": {
        "type": "object",
        "properties": {
            "file": STRING,
            "state": {
                "enum": ["ok", "broken", "missing", "not_loaded", "ignored"],
                "description": "ok: the file on disk is in force; broken: it does not load "
                "(error), the running version stays; missing: gone from disk, its running "
                "version stays until every file loads; not_loaded: valid, waiting for a "
                "broken file (the folder loads all or nothing); ignored: not *.yaml",
            },
            "domain": NULLABLE_STRING,
            "loaded_version": {**NULLABLE_STRING, "description": "the version in force"},
            "disk_version": {**NULLABLE_STRING, "description": "the valid file on disk"},
            "error": NULLABLE_STRING,
        },
    },
    "PolicyStatus": {
        "type": "object",
        "properties": {
            "enabled": {"type": "boolean", "description": "false: PRECEDENT_POLICIES_DIR empty"},
            "status": {"enum": ["ok", "degraded"]},
            "directory": STRING,
            "required": {**STRINGS, "description": "PRECEDENT_REQUIRED_POLICIES"},
            "in_force": {"type": "object", "additionalProperties": STRING},
            "files": {"type": "array", "items": _ref("PolicyFile")},
            "missing": {
                "type": "array",
                "description": "required domains with no policy in force: every draft is "
                "held for review in them",
                "items": {
                    "type": "object",
                    "properties": {"domain": STRING, "reason": STRING},
                },
            },
            "problems": {**STRINGS, "description": "one line per problem, file:line first"},
        },
    },
}

DRAFT_ID = {"name": "draft_id", "in": "path", "required": True, "schema": STRING}
ROW_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": ROW_ID}
REVIEWER_ID = {"name": "reviewer_id", "in": "path", "required": True, "schema": ROW_ID}
TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": STRING}

PATHS: dict[str, Any] = {
    "/drafts": {
        "post": {
            "operationId": "requestDraft",
            "summary": "Ask for a draft reply to a ticket; drafting runs in the background",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("DraftRequest")}},
            },
            "responses": {
                "202": _json(_ref("Draft"), "Accepted: queued (or the draft already in progress)"),
                "400": _error("The body is not a JSON object with a ticket_id"),
                "404": _error("The helpdesk has no such ticket"),
                "503": _error("Saved, but the job queue is unavailable"),
            },
        }
    },
    "/drafts/{draft_id}": {
        "get": {
            "operationId": "readDraft",
            "summary": "A draft's status and, when ready, its text",
            "parameters": [DRAFT_ID],
            "responses": {
                "200": _json(_ref("Draft"), "The draft"),
                "404": _error("No such draft for this tenant"),
            },
        }
    },
    "/drafts/{draft_id}/events": {
        "get": {
            "operationId": "followDraft",
            "summary": "Server-sent events while the draft is written",
            "description": (
                'A text/event-stream. `event: delta` carries `{"text": ...}`, the text '
                "added since the previous event (plain text; [n] markers appear as written "
                "and are resolved only in the final draft); `event: reset` (`{}`) says the "
                "text so far is void (a model attempt failed, or the compliance gate holds "
                "the draft until its decision) and drop it; the stream ends "
                "with `event: ready` or `event: failed` whose data is the Draft exactly as "
                "GET /drafts/{draft_id} returns it. Comment lines keep the connection "
                "alive. After PRECEDENT_DRAFT_EVENTS_SECONDS (default 60) the stream ends "
                "without a final event: poll GET /drafts/{draft_id} instead. Drafts from "
                "the offline drafter, or already finished, send only the final event."
            ),
            "parameters": [DRAFT_ID],
            "responses": {
                "200": {
                    "description": "Events until the draft is ready or failed",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "404": _error("No such draft for this tenant"),
            },
        }
    },
    "/tickets": {
        "get": {
            "operationId": "listTickets",
            "summary": "Open tickets from the helpdesk connector",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "tickets": {"type": "array", "items": _ref("TicketSummary")}
                        },
                    },
                    "Open tickets",
                )
            },
        }
    },
    "/tickets/{ticket_id}": {
        "get": {
            "operationId": "readTicket",
            "summary": "One ticket with its comments",
            "parameters": [TICKET_ID],
            "responses": {
                "200": _json(_ref("Ticket"), "The ticket"),
                "404": _error("The helpdesk has no such ticket"),
            },
        }
    },
    "/health": {
        "get": {
            "operationId": "health",
            "summary": "Database, job queue and search index reachability; policy problems",
            "responses": {
                "200": _json(
                    _ref("Health"),
                    "All reachable; status is degraded when checks.policies reports a problem",
                ),
                "503": _json(_ref("Health"), "Something is unreachable"),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1 document"}},
        }
    },
}


def _bearer(scheme: str, summary: str, **operation: Any) -> dict[str, Any]:
    return {"security": [{scheme: []}], "summary": summary, **operation}


REVIEW_PATHS: dict[str, Any] = {
    "/drafts/{draft_id}/insert": {
        "post": {
            "operationId": "insertDraft",
            "summary": "Record that the agent inserts the draft into the reply composer",
            "parameters": [DRAFT_ID],
            "responses": {
                "200": _json(_ref("Draft"), "Inserted"),
                "404": _error("No such draft for this tenant"),
                "409": _error(
                    "Gated and not approved (code review_required or "
                    "rejected), or not ready; the attempt is audited"
                ),
            },
        }
    },
    "/reviews": {
        "get": _bearer(
            "reviewerToken",
            "The signed-in reviewer's queue: items their credentials cover",
            operationId="listReviews",
            responses={
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "reviewer": _ref("Reviewer"),
                            "reviews": {"type": "array", "items": _ref("Review")},
                        },
                    },
                    "The queue, oldest first",
                ),
                "401": _error("Missing or unknown reviewer token"),
            },
        )
    },
    "/reviews/{item_id}": {
        "get": _bearer(
            "reviewerToken",
            "One review item with its ticket, draft, citations and matched rules",
            operationId="readReview",
            parameters=[ITEM_ID],
            responses={
                "200": _json(_ref("Review"), "The item"),
                "403": _error("The reviewer's credentials do not cover it"),
                "404": _error("No such item"),
            },
        )
    },
    "/reviews/{item_id}/decision": {
        "post": _bearer(
            "reviewerToken",
            "Approve, edit and approve, or reject a gated draft",
            operationId="decideReview",
            parameters=[ITEM_ID],
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("Decision")}},
            },
            responses={
                "200": _json(_ref("Review"), "Decided"),
                "400": _error("Unknown action or missing edited text"),
                "403": _error("Credential missing, not covering, or expired (audited)"),
                "409": _error(
                    "Already decided (code already_decided; error.decision is the decision "
                    "that won, possibly a moment ago by another reviewer); nothing was written"
                ),
            },
        )
    },
    "/admin/reviewers": {
        "get": _bearer(
            "adminToken",
            "Reviewers of this tenant with their credentials",
            operationId="listReviewers",
            responses={
                "200": _json(
                    {
                        "type": "object",
                        "properties": {"reviewers": {"type": "array", "items": _ref("Reviewer")}},
                    },
                    "Reviewers",
                ),
                "403": _error("Admin API disabled or wrong token"),
            },
        ),
        "post": _bearer(
            "adminToken",
            "Add a reviewer; the response carries their token, shown once",
            operationId="addReviewer",
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("NewReviewer")}},
            },
            responses={
                "201": _json(
                    {
                        "type": "object",
                        "properties": {"reviewer": _ref("Reviewer"), "token": STRING},
                    },
                    "Added",
                ),
                "400": _error("Missing name or e-mail"),
                "409": _error("A reviewer already has this e-mail (code reviewer_exists)"),
            },
        ),
    },
    "/admin/policies": {
        "get": _bearer(
            "adminToken",
            "Compliance policies: per file, the version in force and the state on disk",
            operationId="policyStatus",
            responses={
                "200": _json(_ref("PolicyStatus"), "The policy folder"),
                "403": _error("Admin API disabled or wrong token"),
            },
        )
    },
    "/admin/reviewers/{reviewer_id}/credentials": {
        "post": _bearer(
            "adminToken",
            "Record a licence: domain, jurisdictions (US-CA, US-*), licence, expiry",
            operationId="addCredential",
            parameters=[REVIEWER_ID],
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": _ref("NewCredential")}},
            },
            responses={
                "201": _json(
                    {"type": "object", "properties": {"reviewer": _ref("Reviewer")}}, "Recorded"
                ),
                "400": _error("Unknown domain, no jurisdiction, or a bad date"),
                "404": _error("No such reviewer"),
            },
        )
    },
}


def document() -> dict[str, Any]:
    from backend.api import openapi_helpdesk as helpdesk
    from backend.api import shapes

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Precedent API",
            "version": "1",
            "description": "Cited draft replies for helpdesk agents. Precedent never sends "
            "anything to a customer: drafts are for an agent to edit and send.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": _unavailable(
            helpdesk.with_app_security({**PATHS, **REVIEW_PATHS, **helpdesk.PATHS})
        ),
        "components": {
            "schemas": {**SCHEMAS, **helpdesk.SCHEMAS, **shapes.openapi_schemas()},
            "securitySchemes": {
                **helpdesk.SECURITY_SCHEMES,
                "reviewerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a reviewer's personal token",
                },
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "PRECEDENT_ADMIN_TOKEN",
                },
            },
        },
    }


UNAVAILABLE = _error(
    "The database (or, where said, the job queue) cannot be reached: try again after "
    "Retry-After seconds (code database_unavailable)"
)
BAD_BODY = "The body is not JSON, is nested more than 32 levels, or a field is wrong (error.field)"


def _unavailable(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation may answer 503 while the database is down; each body may be refused."""
    return {
        path: {method: _with_errors(op) for method, op in ops.items()}
        for path, ops in paths.items()
    }


def _with_errors(operation: dict[str, Any]) -> dict[str, Any]:
    responses = dict(operation["responses"])
    responses.setdefault("503", UNAVAILABLE)
    if "requestBody" in operation:
        responses.setdefault("400", _error(BAD_BODY))
    return {**operation, "responses": responses}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
