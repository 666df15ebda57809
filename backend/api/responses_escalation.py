"""Response shape of an escalation (see ``backend/api/responses.py``): what was done in the
helpdesk and who was told, with the sentence the sidebar shows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend.api.responses import Shape


class EscalationLinks(Shape):
    self: str = Field(description="GET it here until status is done or failed")


class Escalation(Shape):
    id: int
    draft_id: str
    ticket_id: str
    status: Literal["queued", "done", "failed"] = Field(
        description="queued: the helpdesk is being written to; done: note, group and tags "
        "applied and the people told; failed: the helpdesk refused (POST again to retry)"
    )
    note: str = Field(description="the agent's note as they wrote it")
    group: str = Field(description="the group the ticket was assigned to; empty: unchanged")
    tags: list[str] = Field(description="tags added to the ticket")
    told: list[str] = Field(description="reviewers and addresses notified")
    not_told: list[str] = Field(description="those a notice did not reach, each with why")
    error: str | None = Field(description="why it failed")
    summary: str = Field(description="what happened and who was told, for the agent")
    created_at: str
    links: EscalationLinks
