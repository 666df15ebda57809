"""OpenAPI parts for the helpdesk side: app authentication, outcomes and webhooks."""

from __future__ import annotations

from typing import Any

from backend.api.openapi import DRAFT_ID, NULLABLE_STRING, STRING, _error, _json, _ref

SCHEMAS: dict[str, Any] = {
    "Outcome": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "draft_id": STRING,
            "ticket_id": STRING,
            "source": {"enum": ["sidebar", "webhook"]},
            "agent": {
                "type": ["string", "null"],
                "description": "the agent named by a verified credential (app token, signed "
                "webhook); null when the caller only claimed one",
            },
            "action": {
                "enum": ["accepted", "edited", "rejected", "escalated", None],
                "description": "accepted / edited are measured from the text unless the "
                "agent said rejected or escalated",
            },
            "rating": {"enum": ["up", "down", None]},
            "reason": {
                "enum": ["wrong_facts", "wrong_tone", "missing_info", "not_needed", None],
                "description": "why a thumbs-down: only with rating down",
            },
            "sent_type": {"enum": ["public", "internal", None]},
            "edit_distance": {
                "type": ["integer", "null"],
                "description": "Levenshtein distance, draft (markers stripped) to sent text",
            },
            "similarity": {"type": ["number", "null"], "description": "1 - distance / longer"},
            "gate_status": STRING,
            "bypass": {
                "type": "boolean",
                "description": "a gated, unapproved draft's text was sent (audited)",
            },
            "confirms_id": {"type": ["integer", "null"]},
            "confirmation": {"enum": ["confirmed", "corrected", None]},
            "sent_at": NULLABLE_STRING,
            "created_at": STRING,
        },
    },
    "WebhookEvent": {
        "type": "object",
        "description": "The body the helpdesk trigger sends (docs/helpdesk-http.md)",
        "required": ["ticket_id"],
        "properties": {
            "event": {"enum": ["ticket_created", "comment_added", "ticket_updated"]},
            "ticket_id": STRING,
            "comment": {
                "type": "object",
                "properties": {
                    "id": STRING,
                    "body": STRING,
                    "public": {"type": "boolean"},
                    "author_id": STRING,
                    "author_role": {
                        "type": "string",
                        "description": "end-user / customer / requester / contact: the "
                        "customer wrote it and it is ignored",
                    },
                    "author_is_agent": {
                        "type": ["boolean", "string"],
                        "description": 'false (or "false"): the customer wrote it; ignored',
                    },
                },
            },
        },
    },
    "WebhookResult": {
        "type": "object",
        "properties": {
            "event": {"enum": ["ticket_created", "comment_added", "unknown"]},
            "ticket_id": STRING,
            "result": STRING,
            "draft_id": STRING,
            "outcome_id": {"type": "integer"},
            "confirmation": {"enum": ["confirmed", "corrected", None]},
        },
    },
}

TENANT = {"name": "tenant", "in": "path", "required": True, "schema": STRING}


def _webhook(scheme: str, summary: str, operation_id: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "security": [{scheme: []}],
            "parameters": [TENANT],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("WebhookEvent")}},
            },
            "responses": {
                "202": _json(_ref("WebhookResult"), "Accepted: what was done, or why not"),
                "400": _error("Not JSON, or no ticket id"),
                "401": _error("Bad or missing signature / secret (audited, nothing processed)"),
                "413": _error("Body larger than PRECEDENT_MAX_CONTENT_LENGTH; nothing processed"),
                "503": _error("Draft saved, but the job queue is unavailable"),
            },
        }
    }


PATHS: dict[str, Any] = {
    "/app/token": {
        "post": {
            "operationId": "renewAppToken",
            "security": [{"appToken": []}],
            "summary": "Trade a still-valid app token for a fresh one (the open sidebar page)",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "token": STRING,
                            "expires_in": {"type": "integer", "description": "seconds"},
                        },
                    },
                    "A new app token for the same tenant and agent (audited)",
                ),
                "400": _error("The caller did not sign in with an app token"),
                "401": _error(
                    "The app token is missing, expired or forged; or its Zendesk sign-in "
                    "(auth_time) is over 12 hours old or missing, or the tenant no longer has "
                    "Zendesk connected: sign in again through Zendesk (audited)"
                ),
            },
        }
    },
    "/drafts/{draft_id}/outcome": {
        "post": {
            "operationId": "reportOutcome",
            "summary": "Record what the agent sent or decided; edit distance, gate bypass",
            "parameters": [DRAFT_ID],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("OutcomeReport")}},
            },
            "responses": {
                "201": _json(_ref("Outcome"), "Recorded (and audited)"),
                "400": _error("No field, or an unknown action, rating or sent_type"),
                "404": _error("No such draft for this tenant"),
                "409": _error("The draft is not ready"),
            },
        }
    },
    "/webhooks/zendesk/{tenant}": _webhook(
        "zendeskWebhookSignature",
        "Zendesk trigger: ticket created starts a draft; a comment records the outcome",
        "zendeskWebhook",
    ),
    "/webhooks/freshdesk/{tenant}": _webhook(
        "freshdeskWebhookSecret",
        "Freshdesk automation: ticket created starts a draft; a reply records the outcome",
        "freshdeskWebhook",
    ),
}

# The app API: a Zendesk page's app token or a Freshdesk installation secret; no credential
# ({}) only while no helpdesk account is connected (the embedded default).
APP_SECURITY: list[dict[str, list[str]]] = [{"appToken": []}, {"freshdeskAppSecret": []}, {}]
SECURITY_SCHEMES = {
    "appToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "short-lived token embedded in the Zendesk sidebar page",
    },
    "freshdeskAppSecret": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Precedent-App-Secret",
        "description": "the Freshdesk installation secret (request templates)",
    },
    "zendeskWebhookSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Zendesk-Webhook-Signature",
        "description": "base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + raw "
        "body with the webhook signing secret; 5-minute replay window",
    },
    "freshdeskWebhookSecret": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Precedent-Webhook-Secret",
        "description": "the shared secret set in the Freshdesk automation's headers",
    },
}


def with_app_security(paths: dict[str, Any]) -> dict[str, Any]:
    app_api = ("/drafts", "/tickets")
    return {
        path: {
            method: {"security": APP_SECURITY, **op} if path.startswith(app_api) else op
            for method, op in ops.items()
        }
        for path, ops in paths.items()
    }
