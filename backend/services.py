"""Builds the implementations named in settings, once per process, on first use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from backend.connectors import connectors
from backend.db import db
from backend.drafting import drafters
from backend.drafts import DraftStore
from backend.pipeline import Services
from backend.redaction import redactors
from backend.retrieval import embedders, indexes

EXTENSION = "precedent_services"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}


def get() -> Services:
    """The pipeline's services for the current app (models load lazily on first call)."""
    cache: dict[str, Any] = current_app.extensions[EXTENSION]
    if "services" not in cache:
        cache["services"] = build(current_app.config)
    services: Services = cache["services"]
    return services


def build(config: Any) -> Services:
    embedder = embedders.get(config["EMBEDDER"])(threads=config["INFERENCE_THREADS"])  # type: ignore[call-arg]
    return Services(
        connector=connectors.get(config["CONNECTOR"])(inbox=config["FILES_INBOX"]),  # type: ignore[call-arg]
        redactor=redactors.get(config["REDACTOR"])(),
        embedder=embedder,
        index=indexes.get(config["INDEX"])(config["INDEX_PATH"], embedder.dimensions),  # type: ignore[call-arg]
        drafter=drafters.get(config["DRAFTER"])(),
        tickets_per_draft=config["RETRIEVE_TICKETS"],
        docs_per_draft=config["RETRIEVE_DOCS"],
    )


def draft_store() -> DraftStore:
    url = current_app.config["DATABASE_URL"]

    @contextmanager
    def sessions() -> Iterator[Session]:
        with db.session(url) as session:
            yield session

    return DraftStore(
        sessions,
        current_app.config["DRAFT_LEASE_SECONDS"],
        current_app.config["DRAFT_MAX_ATTEMPTS"],
    )
