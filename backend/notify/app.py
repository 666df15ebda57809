"""The notifier wired to the running app: settings, the helpdesk for subjects, the database.

``notify_now(item_id)`` and ``digest_now()`` are what the Celery tasks run; another part of
the backend that wants reviewers told about an item enqueues ``backend.tasks.notify_review``
after its transaction commits (or calls ``notify_now`` where it already runs in a worker).
"""

from __future__ import annotations

import logging

from flask import current_app

from backend import services
from backend.db import db
from backend.errors import PrecedentError
from backend.notify import notifier_for
from backend.notify import settings as notify_settings
from backend.notify.service import Delivery, notify_review_item, send_digests
from backend.redaction import Vault, requester_values

log = logging.getLogger("backend.notify")


def redacted_subject(tenant: str, ticket_id: str) -> str:
    """The ticket's subject with personal values as placeholders; "" when it cannot be read."""
    current = services.get()
    try:
        ticket = current.connector.get_ticket(tenant, ticket_id)
    except PrecedentError as exc:
        log.warning("ticket %s: subject not shown in the notice (%s)", ticket_id, exc.message)
        return ""
    known = requester_values(ticket.requester.name, ticket.requester.email)
    return current.redactor.redact(ticket.subject, Vault(), known, tenant).text


def notify_now(item_id: int) -> Delivery | None:
    """Tell the reviewers eligible for a pending item (see ``service.notify_review_item``)."""
    chosen = notify_settings.from_config(current_app.config)
    notifier = notifier_for(chosen)
    with db.session() as session:
        return notify_review_item(session, item_id, notifier, chosen, redacted_subject)


def digest_now() -> Delivery:
    chosen = notify_settings.from_config(current_app.config)
    notifier = notifier_for(chosen)
    with db.session() as session:
        return send_digests(session, notifier, chosen, redacted_subject)


def immediate(urgent: bool) -> bool:
    """Whether a new item is notified at once: always without a digest, and safety items."""
    return urgent or int(current_app.config["NOTIFY_DIGEST_MINUTES"]) == 0
