"""Web entry point for a WSGI server: ``gunicorn 'backend.wsgi:web_app()'``.

A factory rather than a module-level app, so importing this module connects to nothing; the
production profile probes its services here and the server does not start if one is down.
"""

from __future__ import annotations

from flask import Flask

from backend import create_app, production, settle_after_start


def web_app() -> Flask:
    app = create_app()
    production.check_services(app.config)
    settle_after_start()
    return app
