"""Response shapes of /api/v1/insights (the team lead's page and exports)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from backend.api.responses import Shape
from backend.api.shapes import Body

Action = Literal["accepted", "edited", "rejected", "escalated"]


class InsightsWindow(Shape):
    since: str
    until: str
    period_days: int = Field(description="1: a point per day; 7: a point per week")
    filters: dict[str, str] = Field(description="dimension -> value the drafts were limited to")


class Spread(Shape):
    q1: float
    median: float
    q3: float


class QualityRow(Shape):
    key: str = Field(description="the dimension's value; '' when unknown; 'all' ungrouped")
    volume: int
    actions: dict[str, int] = Field(description="accepted, edited, rejected, escalated")
    rates: dict[str, float]
    similarity: Spread | None = Field(description="of the sent reply to the draft")
    review_seconds: Spread | None = Field(
        description="draft shown (or, never shown, ready) -> inserted or sent, at least 0"
    )


class Period(Shape):
    start: str
    volume: int
    actions: dict[str, int]
    acceptance: float = Field(description="sent as drafted, of the drafts acted on")
    edit_distance: float | None = Field(description="mean characters changed, replies sent")
    similarity: float | None = Field(description="median similarity of sent reply to draft")


class InsightsOverview(Shape):
    window: InsightsWindow
    totals: QualityRow
    bypasses: int
    edit_distance: float | None
    trend: list[Period]
    similarity_bins: list[int] = Field(description="drafts per tenth of similarity, 0-0.1 first")


class InsightsQuality(Shape):
    window: InsightsWindow
    by: str
    rows: list[QualityRow]


class InsightsDimensions(Shape):
    """The values each dimension takes in the window, for the page's filters."""

    window: InsightsWindow
    values: dict[str, list[str]]


class InsightItem(Shape):
    id: int
    list: Literal["revision", "coaching", "policy", "gap"]
    key: str
    title: str
    details: dict[str, Any] = Field(
        description="the list's figures and examples; example texts are the stored redacted ones"
    )
    first_seen: str
    done: bool
    done_at: str | None
    done_by: str | None


class InsightsLists(Shape):
    refreshed_at: str | None
    age_seconds: float | None = Field(
        description="how long ago the lists were computed; null: not yet computed"
    )
    refreshing: bool = Field(
        default=False,
        description="a refresh was queued because the lists are over 15 minutes old (or were "
        "never computed); these are the stored ones, read again in a minute",
    )
    covers: InsightsWindow | None = Field(
        default=None, description="the 30 days the lists were found over; null: not yet computed"
    )
    narrowed: InsightsWindow | None = Field(
        default=None,
        description="the window and filters asked for: only the entries with drafts there, "
        "their figures counted over those drafts; null: the lists as found",
    )
    items: list[InsightItem]


class InsightsDraftRow(Shape):
    id: str
    ticket_id: str
    agent: str
    action: str
    similarity: float | None
    edit_distance: int | None
    at: str
    team: str
    brand: str
    location: str
    ticket_type: str
    jurisdiction: str


class InsightsDrafts(Shape):
    window: InsightsWindow
    total: int
    drafts: list[InsightsDraftRow]


class InsightsCitation(Shape):
    marker: int
    title: str
    url: str | None
    source_id: str


class InsightsDraft(Shape):
    """One draft and the reply sent, as stored: placeholders stand for the customer's details."""

    row: InsightsDraftRow
    draft_text: str
    sent_text: str | None
    flags: list[str]
    citations: list[InsightsCitation]


class InsightsLead(Shape):
    name: str
    email: str
    expires_at: str


class EscalationRow(Shape):
    key: str = Field(
        description="the intent (the ticket type, or the topic cluster's title: its top "
        "terms), agent or team; '' when unknown"
    )
    escalations: int
    sent_back: int = Field(description="came back to the escalating team")
    rerouted: int = Field(description="went on from the receiving team to a further one")
    held: int = Field(description="one receiving team kept it")
    unseen: int = Field(description="not seen to leave the escalating team")
    wrong_rate: float = Field(description="sent back or re-routed, of the escalations seen")
    from_history: int = Field(
        description="judged from the helpdesk's own group changes (Zendesk audits, webhooks)"
    )
    from_drafts: int = Field(description="judged from the teams later drafts recorded")


class InsightsEscalations(Shape):
    """Escalations the receiving team sent back or routed on, by ticket type, topic, agent or
    team."""

    window: InsightsWindow
    by: Literal["ticket_type", "topic", "agent", "team"]
    left_out: int = Field(
        default=0,
        description="by topic: the window's older escalations left out of the rows (only the "
        "newest 1,000 are clustered); 0 otherwise",
    )
    rows: list[EscalationRow]


class InsightsExport(Shape):
    """Everything on the page, as one JSON document (the export is audited)."""

    overview: InsightsOverview
    quality: InsightsQuality
    lists: InsightsLists


class ItemDone(Body):
    """``POST /insights/items/{item_id}/done``: mark it done (true) or open again (false)."""

    EXAMPLE = '{"done": true}'
    done: bool
