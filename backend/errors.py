"""Our error hierarchy. Vendor exceptions are mapped to these at the boundary.

Every error carries a stable ``code`` (used by the API and the CLI) and a message
written for the person who reads it.
"""

from __future__ import annotations

from typing import Any


class PrecedentError(Exception):
    """Base class: a message for the reader and a stable code.

    ``fields`` are extra members of the API's error object (e.g. the decision that won a
    race), for programs; the message alone must still tell a person what happened.
    """

    code = "error"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = {}


class ConfigError(PrecedentError):
    code = "bad_setting"


class InputError(PrecedentError):
    """The caller sent something we cannot use (bad file, bad JSON, bad mapping)."""

    code = "bad_input"
    http_status = 400


class NotFound(PrecedentError):
    code = "not_found"
    http_status = 404


class TicketNotFound(NotFound):
    code = "ticket_not_found"


class DraftNotFound(NotFound):
    code = "draft_not_found"


class MissingDependency(ConfigError):
    code = "missing_dependency"


class RetryableError(PrecedentError):
    """A temporary failure: the task is retried, the draft is not lost."""

    code = "temporarily_unavailable"
    http_status = 503

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotificationFailed(RetryableError):
    """A notifier could not deliver (mail server or webhook down); the review item stays."""

    code = "notification_failed"


class DatabaseUnavailable(RetryableError):
    """The database could not be reached or dropped the connection (mapped in backend/api)."""

    code = "database_unavailable"


class ConnectorRateLimited(RetryableError):
    code = "connector_rate_limited"


class ConnectorUnavailable(RetryableError):
    """The helpdesk answered 5xx or could not be reached."""

    code = "connector_unavailable"


class ConnectorAuthFailed(PrecedentError):
    """The helpdesk refused our credentials (401/403): retrying will not help."""

    code = "connector_auth_failed"
    http_status = 502


class ConnectorError(PrecedentError):
    """The helpdesk rejected a request for another reason (e.g. 422)."""

    code = "connector_error"
    http_status = 502


class ProviderUnavailable(RetryableError):
    code = "provider_unavailable"


class ProviderRejected(PrecedentError):
    """The model provider refused the request (bad key, bad request): retrying cannot help."""

    code = "provider_rejected"
    http_status = 502


class ProviderRefused(ConfigError):
    """A vendor is not verified zero-retention for this tenant's data, so it was not called."""

    code = "provider_refused"


class IndexUnavailable(RetryableError):
    """The search index could not be reached or answered with a temporary failure."""

    code = "index_unavailable"


class Forbidden(PrecedentError):
    code = "forbidden"
    http_status = 403


class Unauthorized(PrecedentError):
    code = "unauthorized"
    http_status = 401


class Conflict(PrecedentError):
    """The request is valid but the resource's state does not allow it."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str, code: str = "conflict", **fields: Any) -> None:
        super().__init__(message)
        self.code = code
        self.fields = fields
