"""HTTP status and transport failures of a helpdesk API, mapped to our errors.

Shared by the Zendesk (zenpy runs on requests) and Freshdesk connectors. Messages name the
helpdesk account and what failed, never a credential, a request header or a response body.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from backend.errors import (
    ConnectorAuthFailed,
    ConnectorError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    NotFound,
)

DEFAULT_RETRY_AFTER = 60.0


def retry_after(response: requests.Response) -> float:
    """Seconds from ``Retry-After``; a minute when it is missing or not a number."""
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


def check(response: requests.Response, account: str) -> None:
    """Raise our error for a failed response; ``account`` is e.g. 'Zendesk acme'."""
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        seconds = retry_after(response)
        raise ConnectorRateLimited(
            f"{account} rate limit reached; retrying after {seconds:g} s", retry_after=seconds
        )
    if status in (401, 403):
        raise ConnectorAuthFailed(
            f"{account} refused our credentials (HTTP {status}); check the API token "
            "and the agent's permissions, then connect the helpdesk again"
        )
    if status == 404:
        raise NotFound(f"{account}: {_path(response)} was not found")
    if status >= 500:
        raise ConnectorUnavailable(f"{account} is unavailable (HTTP {status}); will retry")
    raise ConnectorError(f"{account} rejected {_path(response)} (HTTP {status})")


def raising_hook(account: str) -> Any:
    """A requests response hook that raises our errors before a client library sees them.

    zenpy would otherwise sleep through a 429 inside the worker; we want the task to retry.
    404 is left to the caller, which knows what was missing.
    """

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        if response.status_code != 404:
            check(response, account)
        return response

    return hook


@contextmanager
def transport_errors(account: str) -> Iterator[None]:
    """Connection failures and timeouts become retryable; nothing else is swallowed."""
    try:
        yield
    except (requests.ConnectionError, requests.Timeout):
        raise ConnectorUnavailable(f"{account} could not be reached; will retry") from None


def _path(response: requests.Response) -> str:
    return urlsplit(response.url or "").path or "the resource"


class _Rebased(HTTPAdapter):
    """Sends a request addressed to ``origin`` to ``base`` instead, same path and query."""

    def __init__(self, origin: str, base: str) -> None:
        super().__init__()
        self._origin, self._base = origin, base.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        if not url.startswith(self._origin + "/"):
            return super().send(request, *args, **kwargs)
        moved = request.copy()
        moved.url = self._base + url[len(self._origin) :]
        response = super().send(moved, *args, **kwargs)
        # The client reads the answer as one to the request it addressed (zenpy checks that
        # the request went to its account's domain before it parses the JSON).
        response.request = request
        return response


def rebase(session: requests.Session, origin: str, base: str) -> None:
    """Calls to ``origin`` (https://acme.zendesk.com) go to ``base`` (a test server, a proxy).

    For a client library that builds its own URLs from a fixed scheme and domain.
    """
    session.mount(origin + "/", _Rebased(origin, base))
