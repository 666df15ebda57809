"""The team lead's insights: figures, lists with a done state, drill-down, audited exports.

Leads authenticate with their personal token (``Authorization: Bearer …``, see
backend/learning/leads.py). Filters are query parameters: ``since`` (12h, 30d, 4w; default
30d) or ``from`` / ``to`` (dates, ``to`` inclusive), and any of the draft dimensions.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import audit
from backend.api import responses as out
from backend.api import responses_insights as shapes
from backend.api.bodies import known_id, parse_body
from backend.db import db
from backend.errors import InputError, NotFound, Unauthorized
from backend.learning import export, items, leads, thresholds
from backend.learning.dimensions import DIMENSIONS, Dimension
from backend.learning.escalations import (
    ESCALATION_KEYS,
    Escalation,
    escalation_correctness,
    left_out,
)
from backend.learning.sql import Filters, decided
from backend.learning.thresholds import Thresholds
from backend.learning.window import Window, last
from backend.models import Draft, Lead, Outcome
from backend.tasks import refresh_insights

bp = Blueprint("insights", __name__)  # the page; the API is nested under /api/v1/insights
api = Blueprint("api", __name__, url_prefix="/api/v1/insights")
DRILL_LIMIT = 50
By = TypeVar("By", bound=str)


def current_lead(session: Session) -> Lead:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send your lead token as 'Authorization: Bearer <token>'")
    return leads.lead_for_token(session, token.strip())


def window(default: str = "30d") -> Window:
    start, end = request.args.get("from"), request.args.get("to")
    if not start and not end:
        return last(request.args.get("since") or default)
    until = _day(end, "to") + timedelta(days=1) if end else datetime.now(UTC)
    since = _day(start, "from") if start else until - timedelta(days=30)
    if since >= until:
        raise InputError(f"'from' ({start}) must be on or before 'to' ({end})")
    return Window(since, until)


def _day(value: str, name: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{name}' must be a date such as 2026-03-31, not '{value}'") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def filters() -> Filters:
    return {d: request.args[d] for d in DIMENSIONS if request.args.get(d) is not None}


def limits() -> Thresholds:
    return thresholds.from_config(current_app.config)


def dimension(default: Dimension = "agent") -> Dimension:
    return grouping(DIMENSIONS, default, "unknown dimension '{}'")


def escalation_key() -> Escalation:
    return grouping(ESCALATION_KEYS, "ticket_type", "unknown grouping '{}' for escalations")


def grouping(valid: tuple[By, ...], default: By, unknown: str) -> By:
    """The ``by`` query parameter, one of ``valid``; ``unknown`` says what was sent ({})."""
    by = request.args.get("by") or default
    for known in valid:
        if by == known:
            return known
    raise InputError(f"{unknown.format(by)}. Valid values are: {', '.join(valid)}")


@api.get("/lead")
def who() -> Response:
    with db.session() as session:
        lead = current_lead(session)
        body = {
            "name": lead.name,
            "email": lead.email,
            "expires_at": export.iso(leads.expires(lead)),
        }
    return out.respond(shapes.InsightsLead.model_validate(body))


@api.get("/overview")
def overview() -> Response:
    with db.session() as session:
        lead = current_lead(session)
        body = export.overview_json(session, lead.tenant_id, window(), filters())
    return out.respond(shapes.InsightsOverview.model_validate(body))


@api.get("/quality")
def quality() -> Response:
    with db.session() as session:
        lead = current_lead(session)
        body = export.quality_rows_json(session, lead.tenant_id, window(), dimension(), filters())
    return out.respond(shapes.InsightsQuality.model_validate(body))


@api.get("/dimensions")
def dimensions() -> Response:
    span = window()
    with db.session() as session:
        lead = current_lead(session)
        rows = decided(lead.tenant_id, span)
        # one pass: the distinct combinations are few, however many drafts
        combos = session.execute(select(*(rows.c[d] for d in DIMENSIONS)).distinct()).all()
        values = {d: sorted({str(c[i]) for c in combos if c[i]}) for i, d in enumerate(DIMENSIONS)}
    body = {"window": export.window_json(span, {}), "values": values}
    return out.respond(shapes.InsightsDimensions.model_validate(body))


@api.get("/lists")
def lists() -> Response:
    """The four lists as last stored, with their age; a refresh is queued when they are older
    than ``items.STALE`` (a worker recomputes them: no request waits for it). With a window
    or a dimension in the query, only the entries with drafts there, recounted over them."""
    scoped = any(name in request.args for name in ("since", "from", "to", *DIMENSIONS))
    scope = (window(), filters()) if scoped else None
    with db.session() as session:
        lead = current_lead(session)
        body = export.lists_json(session, lead.tenant_id, None, scope, limits())
    body["refreshing"] = queue_refresh_if_stale(lead.tenant_id, body["age_seconds"])
    return out.respond(shapes.InsightsLists.model_validate(body))


def queue_refresh_if_stale(tenant_id: int, age_seconds: float | None) -> bool:
    """Whether a refresh was queued: never computed, or older than ``items.STALE``."""
    if age_seconds is not None and age_seconds < items.STALE.total_seconds():
        return False
    refresh_insights.delay(tenant_id)  # after the session above is committed and closed
    return True


@api.get("/escalations")
def escalations() -> Response:
    """Escalation correctness; ``by`` is an intent, ticket_type (the default) or topic (the
    escalated tickets' topic clusters, from their stored query vectors), or agent or team."""
    span, chosen, by = window(), filters(), escalation_key()
    with db.session() as session:
        lead = current_lead(session)
        found = escalation_correctness(session, lead.tenant_id, span, by, chosen)
        older = left_out(session, lead.tenant_id, span, chosen) if by == "topic" else 0
    body = {
        "window": export.window_json(span, chosen),
        "by": by,
        "left_out": older,
        "rows": [
            {**asdict(r), "wrong_rate": r.wrong_rate, "from_drafts": r.from_drafts} for r in found
        ],
    }
    return out.respond(shapes.InsightsEscalations.model_validate(body))


@api.post("/items/<int:item_id>/done")
def mark(item_id: int) -> Response:
    change = parse_body(shapes.ItemDone)
    assert isinstance(change, shapes.ItemDone)
    known_id(item_id, "insights item")
    with db.session() as session:
        lead = current_lead(session)
        item = items.set_done(session, lead.tenant_id, item_id, change.done, lead.email)
        body = export.lists_json(session, lead.tenant_id)
    [row] = [i for i in body["items"] if i["id"] == item.id]
    return out.respond(shapes.InsightItem.model_validate(row))


@api.get("/drafts")
def drafts() -> Response:
    """Drill-down: the drafts behind a figure, newest first (``action`` narrows further)."""
    span, chosen = window(), filters()
    with db.session() as session:
        lead = current_lead(session)
        rows = decided(lead.tenant_id, span, chosen)
        query = select(rows)
        if request.args.get("action"):
            query = query.where(rows.c.action == request.args["action"])
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        found = session.execute(query.order_by(rows.c.created_at.desc()).limit(DRILL_LIMIT))
        body = {
            "window": export.window_json(span, chosen),
            "total": total,
            "drafts": [_row(r._mapping) for r in found],
        }
    return out.respond(shapes.InsightsDrafts.model_validate(body))


def _row(row: Any) -> dict[str, Any]:
    return {
        "id": row["draft_id"],
        "ticket_id": row["ticket_id"],
        "agent": row["agent"],
        "action": row["action"],
        "similarity": row["similarity"],
        "edit_distance": row["edit_distance"],
        "at": export.iso(row["created_at"]),
        **{d: row[d] for d in ("team", "brand", "location", "ticket_type", "jurisdiction")},
    }


@api.get("/drafts/<draft_id>")
def draft(draft_id: str) -> Response:
    """One draft and the reply sent as stored (placeholders, never the customer's values)."""
    with db.session() as session:
        lead = current_lead(session)
        found = session.get(Draft, draft_id)
        if found is None or found.tenant_id != lead.tenant_id:
            raise NotFound(f"no draft {draft_id} for this tenant")
        outcome = session.scalars(
            select(Outcome)
            .where(Outcome.draft_id == draft_id, Outcome.action.is_not(None))
            .order_by(Outcome.id.desc())
        ).first()
        body = {
            "row": _detail_row(found, outcome),
            "draft_text": found.text or "",
            "sent_text": outcome.sent_text if outcome else None,
            "flags": list(found.flags or []),
            "citations": [
                {"marker": c.marker, "title": c.title, "url": c.url, "source_id": c.source_id}
                for c in found.citations
            ],
        }
    return out.respond(shapes.InsightsDraft.model_validate(body))


def _detail_row(found: Draft, outcome: Outcome | None) -> dict[str, Any]:
    return {
        "id": found.id,
        "ticket_id": found.ticket_id,
        "agent": (outcome.agent if outcome else None) or "",
        "action": (outcome.action if outcome else None) or "",
        "similarity": outcome.similarity if outcome else None,
        "edit_distance": outcome.edit_distance if outcome else None,
        "at": export.iso(outcome.created_at if outcome else found.completed_at) or "",
        **{
            d: getattr(found, d)
            for d in ("team", "brand", "location", "ticket_type", "jurisdiction")
        },
    }


def _exported(kind: str, default: str = "30d") -> tuple[dict[str, Any], Dimension]:
    """The whole page's data; the export is audited with who, what and which filters."""
    span, chosen, by = window(default), filters(), dimension()
    with db.session() as session:
        lead = current_lead(session)
        data = export.snapshot(session, lead.tenant_id, span, by, chosen, limits=limits())
        details = {"format": kind, "by": by, **export.window_json(span, chosen)}
        audit.record(session, lead.tenant_id, lead.email, "insights.exported", "insights", details)
    queue_refresh_if_stale(lead.tenant_id, data["lists"]["age_seconds"])
    return data, by


@api.get("/export.json")
def export_json() -> Response:
    data, _ = _exported("json")
    return out.respond(shapes.InsightsExport.model_validate(data))


@api.get("/export.csv")
def export_csv() -> Response:
    data, by = _exported("csv")
    return _download(export.as_csv(data), "text/csv", f"insights-by-{by}.csv")


@api.get("/report.md")
def weekly_report() -> Response:
    """The weekly retro report; ``since`` defaults to 7d here."""
    data, _ = _exported("md", "7d")
    return _download(export.as_markdown(data, "Weekly retro"), "text/markdown", "retro.md")


def _download(text: str, media: str, name: str) -> Response:
    response = Response(text, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/insights")
def page() -> str:
    """The team lead's page; it signs in with the lead's token."""
    return render_template("insights.html")


bp.register_blueprint(api)
