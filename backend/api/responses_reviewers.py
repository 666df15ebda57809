"""Response shapes of the admin API's reviewer lifecycle (see ``backend/api/responses.py``):
a reviewer as an administrator sees them, with their state and their licences' expiry."""

from __future__ import annotations

from pydantic import Field

from backend.api.responses import Shape
from backend.api.responses_review import Credential, Reviewer


class AdminCredential(Credential):
    id: int = Field(description="for DELETE /admin/reviewers/{reviewer_id}/credentials/{id}")
    days_left: int = Field(description="days until expires_on; negative once it has passed")
    expired: bool
    expiring_soon: bool = Field(
        description="expires within PRECEDENT_REVIEWER_EXPIRY_WARN_DAYS (default 30): renew it"
    )


class AdminReviewer(Reviewer):
    credentials: list[AdminCredential]  # type: ignore[assignment]  # the admin's fuller view
    active: bool = Field(description="false: deactivated; their token is refused")
    token_expires_on: str = Field(
        json_schema_extra={"format": "date"},
        description="the current token's last day (PRECEDENT_REVIEWER_TOKEN_DAYS)",
    )


class AdminReviewers(Shape):
    reviewers: list[AdminReviewer]


class AdminReviewerRecord(Shape):
    reviewer: AdminReviewer


class AdminReviewerToken(Shape):
    reviewer: AdminReviewer
    token: str = Field(description="the reviewer's new token, shown once; the old one is dead")
