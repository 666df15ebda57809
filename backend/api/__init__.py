"""HTTP API under /api/v1 (JSON) and the pages the backend serves."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from backend.errors import PrecedentError

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from backend.api import (
        admin,
        app_session,
        apps,
        drafts,
        health,
        openapi,
        outcomes,
        pages,
        reviews,
        tickets,
        webhooks,
    )

    modules = (
        drafts,
        health,
        openapi,
        tickets,
        reviews,
        admin,
        pages,
        apps,
        app_session,
        outcomes,
        webhooks,
    )
    for module in modules:
        app.register_blueprint(module.bp)
    app.register_error_handler(PrecedentError, _precedent_error)
    app.register_error_handler(HTTPException, _http_error)


def error_response(status: int, code: str, message: str, **fields: Any) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message, **fields}), status


def _precedent_error(exc: PrecedentError) -> tuple[Response, int]:
    if exc.http_status >= 500:
        log.error("request failed: %s", exc.message)
    return error_response(exc.http_status, exc.code, exc.message, **exc.fields)


def _http_error(exc: HTTPException) -> BaseResponse | tuple[Response, int]:
    if not request.path.startswith("/api/"):
        return exc.get_response()
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)
