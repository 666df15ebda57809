"""Pages served by the backend: the preview (the sidebar's UI core, outside a helpdesk)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template
from werkzeug.wrappers import Response

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> Response:
    return redirect("/preview")


@bp.get("/preview")
def preview() -> str:
    return render_template("preview.html")


@bp.get("/review")
def review_queue() -> str:
    """The credentialed reviewer's page; it signs in with the reviewer's token."""
    return render_template("review.html")
