"""When an agent was first shown a ready draft: the start of its review time.

The sidebar reports each ready draft it renders (POST /drafts/<id>/shown). Only the first
report is kept: one conditional UPDATE stamps ``shown_at`` while it is still empty, so
concurrent or repeated reports (two open sidebars, a re-render, a retried request) leave
the first moment in place; a draft already inserted or answered is not stamped (its review
ended before). The ``draft_facts`` trigger of migration 0023 follows the change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, update
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import Draft, Outcome, utcnow


def mark_shown(session: Session, draft: Draft) -> datetime | None:
    """Stamp ``draft.shown_at`` now unless it is stamped already; its value either way.

    A draft already inserted or answered (an agent replied in the helpdesk before opening
    the sidebar) is not stamped: its review ended before this showing, so ``None``. Raises
    ``Conflict`` (draft_not_ready) for a draft that is not ready: nothing was shown.
    """
    if draft.status != "ready":
        raise Conflict(f"draft {draft.id} is {draft.status}, not ready", "draft_not_ready")
    answered = exists().where(Outcome.draft_id == Draft.id, Outcome.sent_at.is_not(None))
    session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.status == "ready", Draft.shown_at.is_(None))
        .where(Draft.inserted_at.is_(None), ~answered)
        .values(shown_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    session.refresh(draft)
    return draft.shown_at
