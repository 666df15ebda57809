"""Who is calling: the tenant (helpdesk account) and the actor.

The app API blueprints decide once per request (``backend.auth.identity``): a Zendesk page's
app token, a Freshdesk installation secret, or — only while no helpdesk account is
connected — nobody, acting for the configured default tenant. Everything else (the CLI, the
admin API) acts for the default tenant.
"""

from __future__ import annotations

from flask import current_app, g


def current_tenant() -> str:
    identity = g.get("precedent_identity")
    if identity is not None:
        return str(identity.tenant)
    return str(current_app.config["DEFAULT_TENANT"])


def current_actor() -> str:
    identity = g.get("precedent_identity")
    return str(identity.actor) if identity is not None else "agent:preview"


def current_agent() -> str | None:
    """The helpdesk agent named by a verified credential, if any."""
    identity = g.get("precedent_identity")
    return None if identity is None or identity.agent is None else str(identity.agent)
