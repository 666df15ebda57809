"""Precedent: cited draft replies for helpdesk agents.

``create_app`` assembles the Flask app; nothing connects at import time.
"""

from __future__ import annotations

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
