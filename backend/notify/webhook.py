"""``webhook``: each notice POSTed as JSON to ``PRECEDENT_NOTIFY_WEBHOOK_URL``.

The body: ``{"event": "review.new" | "review.digest", "title", "urgent", "reviewer":
{"name", "email"}, "items": [{"review_id", "ticket_id", "subject", "domains",
"jurisdiction", "urgent", "link"}], "text"}``. Any 2xx answer counts as delivered.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict

from backend.errors import NotificationFailed
from backend.notify import Notice, notifiers
from backend.notify.settings import NotifySettings, masked_url

TIMEOUT_SECONDS = 10.0


def payload(notice: Notice) -> dict[str, object]:
    return {
        "event": "review.new" if len(notice.items) == 1 else "review.digest",
        "title": notice.title(),
        "urgent": notice.urgent,
        "reviewer": {"name": notice.reviewer_name, "email": notice.reviewer_email},
        "items": [{**asdict(i), "domains": list(i.domains)} for i in notice.items],
        "text": notice.text(),
    }


@notifiers.register("webhook")
class WebhookNotifier:
    def __init__(self, settings: NotifySettings) -> None:
        self.url = settings.webhook_url

    def send(self, notice: Notice) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload(notice)).encode(),
            headers={"Content-Type": "application/json", "User-Agent": "precedent-notify"},
            method="POST",
        )
        where = masked_url(self.url)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:  # urlopen raises for every status from 400 on
            raise NotificationFailed(f"webhook {where} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NotificationFailed(f"webhook {where} unreachable: {reason}") from None
