"""The page Zendesk loads in the ticket sidebar (the ZAF app's location URL).

With ``signedUrls`` on, Zendesk opens it with a POST whose ``token`` form field is a JWT.
Checking that JWT and exchanging it for a short-lived API token is the signed-identity work
in ``backend.auth``; until it lands the page is rendered without a token and the API acts
for the default tenant, as everywhere else.
"""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("apps", __name__, url_prefix="/apps")


@bp.route("/zendesk/sidebar", methods=["GET", "POST"])
def zendesk_sidebar() -> str:
    return render_template("zendesk_sidebar.html", api_token=None)
