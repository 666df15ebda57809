"""Precedent: cited draft replies for helpdesk agents.

``create_app`` assembles the Flask app; nothing connects at import time.
"""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask

from backend import config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(config.defaults())
    config.check_environment(config.environment())
    app.config.from_prefixed_env(config.ENV_PREFIX.rstrip("_"))
    if test_config:
        app.config.update(test_config)
    config.validate(app.config)

    # Imported here, as in Flask's tutorial, not to dodge a cycle: a script that imports one
    # package (the gate's CLI, a benchmark) need not load the web app, the queue and models.
    from backend import api, jobs, services
    from backend.db import db

    db.init_app(app)
    jobs.celery_init_app(app)
    services.init_app(app)
    api.init_app(app)
    return app


def settle_after_start() -> None:
    """Exclude what start-up built (modules, the app, its services) from garbage collection.

    A web process keeps these for its whole life, yet every full collection walks them all:
    about 100 ms, every few requests, measured on the insights API (docs/benchmarks.md).
    Called by the web entry points once the app is made; a forked server worker inherits it.
    """
    gc.collect()
    gc.freeze()
