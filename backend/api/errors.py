"""JSON errors for every route: our errors, HTTP errors and a database that is down."""

from __future__ import annotations

import logging
import math
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from backend.api import responses as out
from backend.errors import DatabaseUnavailable, InputError, PrecedentError, RetryableError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30  # what a 503 asks the caller to wait when nothing says better
# SQLAlchemy's errors for a database that is down, restarting or out of connections.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_in_path)
    app.register_error_handler(PrecedentError, _precedent_error)
    app.register_error_handler(HTTPException, _http_error)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, _database_down)


def error_response(
    status: int, code: str, message: str, retry_after: float | None = None, **fields: Any
) -> tuple[Response, int]:
    """The JSON error; a 503 says when to try again (``Retry-After``, in seconds)."""
    detail = out.ErrorDetail.model_validate({"code": code, "message": message, **fields})
    response = out.respond(out.Error(error=detail))
    if status == 503:
        response.headers["Retry-After"] = str(math.ceil(retry_after or RETRY_AFTER_SECONDS))
    return response, status


def _precedent_error(exc: PrecedentError) -> tuple[Response, int]:
    if exc.http_status >= 500:
        log.error("request failed: %s", exc.message)
    retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
    return error_response(exc.http_status, exc.code, exc.message, retry_after, **exc.fields)


def _database_down(exc: Exception) -> tuple[Response, int]:
    """Every route: a database that is down is a 503 to retry, not a 500."""
    log.error("database unavailable: %s", type(exc).__name__, exc_info=exc)
    return _precedent_error(
        DatabaseUnavailable(
            f"the database cannot be reached right now; try again in {RETRY_AFTER_SECONDS} seconds",
            retry_after=RETRY_AFTER_SECONDS,
        )
    )


def _refuse_nul_in_path() -> None:
    """A NUL (%00) in the URL can name nothing, and PostgreSQL refuses it in a query."""
    if "\x00" in request.path:
        raise InputError("the URL contains a NUL character (%00); remove it")


def _http_error(exc: HTTPException) -> BaseResponse | tuple[Response, int]:
    if not request.path.startswith("/api/"):
        return exc.get_response()
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)
