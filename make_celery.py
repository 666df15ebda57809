"""Worker entry point: ``celery -A make_celery worker`` (or ``precedent worker``)."""

from backend import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
