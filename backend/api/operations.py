"""Every operation of /api/v1: method, path, summary, request shape and replies per status.

``backend/api/openapi.py`` builds the OpenAPI document from this table and the shapes in
``backend/api/shapes.py`` (requests) and ``backend/api/responses*.py`` (responses).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from backend.api import responses as out
from backend.api import responses_escalation as escalated
from backend.api import responses_insights as insights
from backend.api import responses_review as queue
from backend.api import responses_reviewers as lifecycle
from backend.api import shapes as into


@dataclass(frozen=True)
class Reply:
    status: int
    description: str
    shape: type[BaseModel] | None = out.Error  # None: a JSON object not described here
    media: str = "application/json"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    replies: tuple[Reply, ...]
    body: type[into.Body] | None = None
    security: tuple[str, ...] = ()  # scheme names, any one of them; "" for none at all
    description: str = ""
    query: tuple[str, ...] = ()  # query parameters, by name (openapi.QUERY)


# The app API: a Zendesk page's app token or a Freshdesk installation secret; no credential
# only while no helpdesk account is connected (the embedded default).
APP = ("appToken", "freshdeskAppSecret", "")
APP_REFUSED = Reply(401, "Missing, expired or forged app token or secret (audited)")
REVIEWER = ("reviewerToken",)
ADMIN = ("adminToken",)
ADMIN_REFUSED = Reply(403, "Admin API disabled or wrong token")
NO_DRAFT = Reply(404, "No such draft for this tenant")
NO_TICKET = Reply(404, "The helpdesk has no such ticket")
EVENTS = (
    'A text/event-stream. `event: delta` carries `{"text": ...}`, the text added since the '
    "previous event (plain text; [n] markers appear as written and are resolved only in the "
    "final draft); `event: reset` (`{}`) says the text so far is void (a model attempt "
    "failed, or the compliance gate holds the draft until its decision) and drop it; the "
    "stream ends with `event: ready` or `event: failed` whose data is the Draft exactly as "
    "GET /drafts/{draft_id} returns it. Comment lines keep the connection alive. After "
    "PRECEDENT_DRAFT_EVENTS_SECONDS (default 60) the stream ends without a final event: poll "
    "GET /drafts/{draft_id} instead. Drafts from the offline drafter, or already finished, "
    "send only the final event."
)


def _webhook(platform: str, scheme: str, summary: str) -> Operation:
    return Operation(
        "post",
        f"/webhooks/{platform}/{{tenant}}",
        f"{platform}Webhook",
        summary,
        (
            Reply(202, "Accepted: what was done, or why not", out.WebhookResult),
            Reply(400, "Not JSON, or no ticket id"),
            Reply(401, "Bad or missing signature / secret (audited, nothing processed)"),
            Reply(413, "Body larger than PRECEDENT_MAX_CONTENT_LENGTH; nothing processed"),
            Reply(503, "Draft saved, but the job queue is unavailable"),
        ),
        into.WebhookBody,
        (scheme,),
    )


DRAFTS = (
    Operation(
        "post",
        "/drafts",
        "requestDraft",
        "The ticket's draft: the newest of its current version, else a new one drafted in "
        "the background ({again: true}: always a new one)",
        (
            Reply(200, "A draft there was: of the current version (or in progress)", out.Draft),
            Reply(202, "Accepted: a new draft, queued", out.Draft),
            Reply(400, "The body is not a JSON object with a ticket_id"),
            APP_REFUSED,
            NO_TICKET,
            Reply(503, "Saved, but the job queue is unavailable"),
        ),
        into.DraftRequest,
        APP,
    ),
    Operation(
        "get",
        "/drafts/{draft_id}",
        "readDraft",
        "A draft's status and, when ready, its text",
        (Reply(200, "The draft", out.Draft), APP_REFUSED, NO_DRAFT),
        security=APP,
    ),
    Operation(
        "get",
        "/drafts/{draft_id}/events",
        "followDraft",
        "Server-sent events while the draft is written",
        (
            Reply(200, "Events until the draft is ready or failed", None, "text/event-stream"),
            APP_REFUSED,
            NO_DRAFT,
        ),
        security=APP,
        description=EVENTS,
    ),
    Operation(
        "post",
        "/drafts/{draft_id}/insert",
        "insertDraft",
        "Record that the agent inserts the draft into the reply composer",
        (
            Reply(200, "Inserted", out.Draft),
            APP_REFUSED,
            NO_DRAFT,
            Reply(
                409,
                "Gated and not approved (code review_required or rejected), or not ready; "
                "the attempt is audited",
            ),
        ),
        security=APP,
    ),
    Operation(
        "post",
        "/drafts/{draft_id}/shown",
        "markDraftShown",
        "Record that the sidebar showed the ready draft to an agent (the first report wins)",
        (
            Reply(200, "The moment first reported; a repeat changes nothing", out.DraftShown),
            APP_REFUSED,
            NO_DRAFT,
            Reply(409, "The draft is not ready (code draft_not_ready)"),
        ),
        security=APP,
        description="Review speed in the insights counts from this moment (or, for a draft "
        "never shown, from when it was ready) to the insert or the first send.",
    ),
    Operation(
        "post",
        "/drafts/{draft_id}/outcome",
        "reportOutcome",
        "Record what the agent sent or decided; edit distance, gate bypass",
        (
            Reply(201, "Recorded (and audited)", out.Outcome),
            Reply(400, "No field, or an unknown action, rating or sent_type"),
            APP_REFUSED,
            NO_DRAFT,
            Reply(409, "The draft is not ready"),
        ),
        into.OutcomeReport,
        APP,
    ),
    Operation(
        "get",
        "/tickets",
        "listTickets",
        "Open tickets from the helpdesk connector",
        (Reply(200, "Open tickets", out.Tickets), APP_REFUSED),
        security=APP,
    ),
    Operation(
        "get",
        "/tickets/{ticket_id}",
        "readTicket",
        "One ticket with its comments",
        (Reply(200, "The ticket", out.Ticket), APP_REFUSED, NO_TICKET),
        security=APP,
    ),
    Operation(
        "post",
        "/app/token",
        "renewAppToken",
        "Trade a still-valid app token for a fresh one (the open sidebar page)",
        (
            Reply(200, "A new app token for the same tenant and agent (audited)", out.AppToken),
            Reply(400, "The caller did not sign in with an app token"),
            Reply(
                401,
                "The app token is missing, expired or forged; or its Zendesk sign-in "
                "(auth_time) is over 12 hours old or missing, or the tenant no longer has "
                "Zendesk connected: sign in again through Zendesk (audited)",
            ),
        ),
        security=("appToken",),
    ),
    _webhook(
        "zendesk",
        "zendeskWebhookSignature",
        "Zendesk trigger: ticket created starts a draft; a comment records the outcome",
    ),
    _webhook(
        "freshdesk",
        "freshdeskWebhookSecret",
        "Freshdesk automation: ticket created starts a draft; a reply records the outcome",
    ),
    Operation(
        "get",
        "/health",
        "health",
        "Database, job queue and search index reachability; policy problems",
        (
            Reply(
                200,
                "All reachable; status is degraded when checks.policies reports a problem",
                out.Health,
            ),
            Reply(503, "Something is unreachable", out.Health),
        ),
    ),
    Operation(
        "get",
        "/openapi.json",
        "openapi",
        "This document",
        (Reply(200, "OpenAPI 3.1 document", None),),
    ),
)


def _reviewer_change(method: str, path: str, operation_id: str, summary: str) -> Operation:
    """An admin change to one reviewer, answered with the reviewer as it now stands."""
    replies = (
        Reply(200, "Changed", lifecycle.AdminReviewerRecord),
        ADMIN_REFUSED,
        Reply(404, "No such reviewer (or credential)"),
        Reply(409, "Already so (code already_inactive or already_active)"),
    )
    return Operation(method, path, operation_id, summary, replies, security=ADMIN)


REVIEWER_LIFECYCLE = (
    _reviewer_change(
        "post",
        "/admin/reviewers/{reviewer_id}/deactivate",
        "deactivateReviewer",
        "Deactivate a reviewer: their token is refused and they decide nothing from now on",
    ),
    _reviewer_change(
        "post",
        "/admin/reviewers/{reviewer_id}/reactivate",
        "reactivateReviewer",
        "Reactivate a reviewer: their current token and credentials count again",
    ),
    _reviewer_change(
        "delete",
        "/admin/reviewers/{reviewer_id}/token",
        "revokeReviewerToken",
        "Revoke the reviewer's token now; POST to the same path issues a new one",
    ),
    Operation(
        "post",
        "/admin/reviewers/{reviewer_id}/token",
        "rotateReviewerToken",
        "A new token for the reviewer, shown once; the old one is refused from now on",
        (
            Reply(200, "Rotated", lifecycle.AdminReviewerToken),
            ADMIN_REFUSED,
            Reply(404, "No such reviewer"),
        ),
        security=ADMIN,
    ),
    _reviewer_change(
        "delete",
        "/admin/reviewers/{reviewer_id}/credentials/{credential_id}",
        "removeCredential",
        "Withdraw one of the reviewer's licences (audited)",
    ),
)

REVIEWS = (
    Operation(
        "get",
        "/reviews",
        "listReviews",
        "The signed-in reviewer's queue: items their credentials cover",
        (
            Reply(200, "The queue, oldest first (urgent items first)", queue.ReviewQueue),
            Reply(401, "Missing or unknown reviewer token"),
        ),
        security=REVIEWER,
    ),
    Operation(
        "get",
        "/reviews/{item_id}",
        "readReview",
        "One review item with its ticket, draft, citations and matched rules",
        (
            Reply(200, "The item", queue.ReviewDetail),
            Reply(401, "Missing or unknown reviewer token"),
            Reply(403, "The reviewer's credentials do not cover it"),
            Reply(404, "No such item"),
        ),
        security=REVIEWER,
    ),
    Operation(
        "post",
        "/reviews/{item_id}/decision",
        "decideReview",
        "Approve, edit and approve, or reject a gated draft",
        (
            Reply(200, "Decided", queue.Review),
            Reply(400, "Unknown action or missing edited text"),
            Reply(401, "Missing or unknown reviewer token"),
            Reply(403, "Credential missing, not covering, or expired (audited)"),
            Reply(404, "No such item"),
            Reply(
                409,
                "Already decided (code already_decided; error.decision is the decision that "
                "won, possibly a moment ago by another reviewer); nothing was written",
            ),
        ),
        into.Decision,
        REVIEWER,
    ),
    Operation(
        "get",
        "/admin/reviewers",
        "listReviewers",
        "Reviewers of this tenant: state, token expiry, credentials (expiring ones flagged)",
        (Reply(200, "Reviewers", lifecycle.AdminReviewers), ADMIN_REFUSED),
        security=ADMIN,
    ),
    Operation(
        "post",
        "/admin/reviewers",
        "addReviewer",
        "Add a reviewer; the response carries their token, shown once",
        (
            Reply(201, "Added", queue.AddedReviewer),
            Reply(400, "Missing name or e-mail"),
            ADMIN_REFUSED,
            Reply(409, "A reviewer already has this e-mail (code reviewer_exists)"),
        ),
        into.NewReviewer,
        ADMIN,
    ),
    Operation(
        "post",
        "/admin/reviewers/{reviewer_id}/credentials",
        "addCredential",
        "Record a licence: domain, jurisdictions (US-CA, US-*), licence, expiry",
        (
            Reply(201, "Recorded", lifecycle.AdminReviewerRecord),
            Reply(400, "Unknown domain, no jurisdiction, a bad date, or one already past"),
            ADMIN_REFUSED,
            Reply(404, "No such reviewer"),
        ),
        into.NewCredential,
        ADMIN,
    ),
    *REVIEWER_LIFECYCLE,
    Operation(
        "get",
        "/admin/policies",
        "policyStatus",
        "Compliance policies: per file, the version in force and the state on disk",
        (Reply(200, "The policy folder", queue.PolicyStatus), ADMIN_REFUSED),
        security=ADMIN,
    ),
)

ESCALATIONS = (
    Operation(
        "post",
        "/drafts/{draft_id}/escalate",
        "escalateDraft",
        "Escalate the draft's ticket: internal note, group and tags, people told",
        (
            Reply(202, "Queued (and the escalated verdict recorded)", escalated.Escalation),
            Reply(200, "Already escalated (or being escalated): nothing new", escalated.Escalation),
            Reply(400, "The note is not a string or is too long"),
            APP_REFUSED,
            NO_DRAFT,
            Reply(409, "The draft is not ready"),
        ),
        into.EscalationRequest,
        APP,
        description="Never a public reply: the helpdesk gets an internal note (Zendesk "
        "public: false, Freshdesk private: true), the tenant's escalation group and tags. "
        "Reviewers eligible for the draft and the tenant's escalation address are told. "
        "Poll links.self until status is done or failed; POST again after a failure.",
    ),
    Operation(
        "get",
        "/drafts/{draft_id}/escalation",
        "readEscalation",
        "The draft's escalation: what was done in the helpdesk and who was told",
        (
            Reply(200, "The escalation", escalated.Escalation),
            APP_REFUSED,
            Reply(404, "No such draft for this tenant, or it was not escalated"),
        ),
        security=APP,
    ),
)

LEAD = ("leadToken",)
LEAD_REFUSED = Reply(401, "Missing, unknown, revoked or expired lead token")
BAD_FILTER = Reply(400, "A span, date or dimension not understood (the message says which)")
FILTERS: tuple[str, ...] = ("since", "from", "to", "agent", "team", "brand", "location")
FILTERS += ("ticket_type", "jurisdiction")


def _insight(
    path: str, operation_id: str, summary: str, shape: type[BaseModel], query: tuple[str, ...]
) -> Operation:
    replies = (Reply(200, summary, shape), BAD_FILTER, LEAD_REFUSED)
    return Operation("get", path, operation_id, summary, replies, security=LEAD, query=query)


def _insight_export(path: str, operation_id: str, summary: str, media: str) -> Operation:
    replies = (Reply(200, summary + " (audited)", None, media), BAD_FILTER, LEAD_REFUSED)
    query = (*FILTERS, "by")
    return Operation("get", path, operation_id, summary, replies, security=LEAD, query=query)


INSIGHTS = (
    Operation(
        "get",
        "/insights/lead",
        "readLead",
        "The signed-in team lead",
        (Reply(200, "The lead", insights.InsightsLead), LEAD_REFUSED),
        security=LEAD,
    ),
    _insight(
        "/insights/overview",
        "insightsOverview",
        "Totals, the trend of acceptance and edit distance, the similarity distribution",
        insights.InsightsOverview,
        FILTERS,
    ),
    _insight(
        "/insights/quality",
        "insightsQuality",
        "Action mix, similarity and review speed by one dimension",
        insights.InsightsQuality,
        (*FILTERS, "by"),
    ),
    _insight(
        "/insights/dimensions",
        "insightsDimensions",
        "The values each dimension takes in the window",
        insights.InsightsDimensions,
        ("since", "from", "to"),
    ),
    Operation(
        "get",
        "/insights/lists",
        "insightsLists",
        "Revision, coaching, policy-review and knowledge-gap lists with their done state; "
        "a window or dimension narrows them",
        (
            Reply(200, "The lists (recomputed when 15 minutes old)", insights.InsightsLists),
            BAD_FILTER,
            LEAD_REFUSED,
        ),
        security=LEAD,
        query=FILTERS,
    ),
    Operation(
        "post",
        "/insights/items/{item_id}/done",
        "markInsightItem",
        "Mark a list entry done, or open again (audited)",
        (
            Reply(200, "The entry as it now stands", insights.InsightItem),
            Reply(400, "Already so"),
            LEAD_REFUSED,
            Reply(404, "No such entry for this tenant"),
        ),
        insights.ItemDone,
        LEAD,
    ),
    _insight(
        "/insights/drafts",
        "insightsDrafts",
        "Drill-down: the drafts behind a figure, newest first (at most 50)",
        insights.InsightsDrafts,
        (*FILTERS, "action"),
    ),
    Operation(
        "get",
        "/insights/drafts/{draft_id}",
        "insightsDraft",
        "One draft and the reply sent, as stored (redacted)",
        (Reply(200, "The draft", insights.InsightsDraft), LEAD_REFUSED, NO_DRAFT),
        security=LEAD,
    ),
    _insight(
        "/insights/export.json",
        "exportInsightsJson",
        "The page's data as JSON (audited)",
        insights.InsightsExport,
        (*FILTERS, "by"),
    ),
    _insight(
        "/insights/escalations",
        "insightsEscalations",
        "Escalations sent back or re-routed by the receiving team, by intent (ticket_type, "
        "the default; or topic: what the escalated tickets ask, clustered as the knowledge "
        "gaps are and named by their top terms), agent or team: from the helpdesk's group "
        "changes, else from later drafts",
        insights.InsightsEscalations,
        (*FILTERS, "by"),
    ),
    _insight_export(
        "/insights/export.csv", "exportInsightsCsv", "Quality by a dimension", "text/csv"
    ),
    _insight_export(
        "/insights/report.md", "insightsWeeklyReport", "The weekly retro (7d)", "text/markdown"
    ),
)

OPERATIONS = DRAFTS + ESCALATIONS + REVIEWS + INSIGHTS
