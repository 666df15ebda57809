"""Who is calling: the tenant (helpdesk account) and the actor.

Until signed helpdesk identities land (ZAF JWT, Freshdesk app secret), every request acts
for the configured default tenant.
"""

from __future__ import annotations

from flask import current_app


def current_tenant() -> str:
    return str(current_app.config["DEFAULT_TENANT"])


def current_actor() -> str:
    return "agent:preview"
