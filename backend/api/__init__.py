"""HTTP API under /api/v1 (JSON) and the pages the backend serves."""

from __future__ import annotations

from flask import Flask

from backend.api import (
    admin,
    app_session,
    apps,
    drafts,
    errors,
    escalations,
    health,
    insights,
    openapi,
    outcomes,
    pages,
    reviews,
    tickets,
    webhooks,
)


def init_app(app: Flask) -> None:
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
        escalations,
        webhooks,
        insights,
    )
    for module in modules:
        app.register_blueprint(module.bp)
    errors.init_app(app)
