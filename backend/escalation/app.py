"""The escalation steps wired to the running app: its connector, notifier, settings, database.

``run_now(id)`` and ``give_up(id, why)`` are what the Celery task ``backend.tasks.escalate``
calls; the API queues that task once the escalation's transaction has committed.
"""

from __future__ import annotations

import logging

from flask import current_app

from backend import services
from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore
from backend.db import db
from backend.errors import ConfigError, PrecedentError
from backend.escalation import Target, target
from backend.escalation.run import About, Deps, fail, run
from backend.notify import notifier_for
from backend.notify import settings as notify_settings
from backend.redaction import Vault, requester_values

log = logging.getLogger("backend.escalation")


def run_now(escalation_id: int) -> str:
    current = services.get()
    deps = Deps(
        sessions=db.session,
        connector=current.connector,
        notifier=notifier_for(notify_settings.from_config(current_app.config)),
        target_of=target_of,
        restore=restore,
        about=about,
    )
    return run(escalation_id, deps)


def give_up(escalation_id: int, message: str) -> None:
    fail(db.session, escalation_id, message)


def target_of(tenant: str) -> Target:
    """The tenant's stored escalation settings over the deployment's."""
    config = current_app.config
    settings: HelpdeskSettings | None = None
    if config["CONNECTOR"] != "files":
        try:
            settings = HelpdeskSettingsStore.from_config(config).load(tenant)
        except ConfigError:  # not connected: the connector itself says so when called
            settings = None
    return target(config, settings)


def restore(tenant: str, ticket_id: str, text: str) -> str:
    return services.ticket_texts(tenant, ticket_id).restore(text)


def about(tenant: str, ticket_id: str) -> About:
    """The ticket's subject with personal values as placeholders, and its link."""
    current = services.get()
    try:
        ticket = current.connector.get_ticket(tenant, ticket_id)
    except PrecedentError as exc:
        log.warning("ticket %s: not named in the notice (%s)", ticket_id, exc.message)
        return About()
    known = requester_values(ticket.requester.name, ticket.requester.email)
    subject = current.redactor.redact(ticket.subject, Vault(), known, tenant).text
    return About(subject, ticket.url)
