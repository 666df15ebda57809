"""Freshdesk sidebar app requests: the installation secret the request templates carry.

The app's ``config/requests.json`` sends
``X-Precedent-App-Secret: <%= iparam.installation_secret %>`` (a secure iparam, filled in
by Freshworks' proxy, never visible in the browser).
"""

from __future__ import annotations

from collections.abc import Mapping

from backend.auth.webhooks import header_value, verify_shared_secret

APP_SECRET_HEADER = "X-Precedent-App-Secret"


def verify_freshdesk_app(headers: Mapping[str, str], secret: str) -> None:
    """Raises ``Unauthorized`` unless the request carries this installation's secret."""
    presented = header_value(headers, APP_SECRET_HEADER)
    verify_shared_secret(presented, secret, "Freshdesk app request")
