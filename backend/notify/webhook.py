"""``webhook``: each notice POSTed as JSON to ``PRECEDENT_NOTIFY_WEBHOOK_URL``.

The body: ``{"event": "review.new" | "review.digest", "title", "urgent", "reviewer":
{"name", "email"}, "items": [{"review_id", "ticket_id", "subject", "domains",
"jurisdiction", "urgent", "link"}], "text"}``, or for an escalation ``{"event":
"ticket.escalated", "title", "recipient": {"name", "email"}, "ticket_id", "subject", "note",
"agent", "domains", "group", "tags", "link", "urgent", "text"}``. Any 2xx answer counts as
delivered.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from backend.errors import NotificationFailed
from backend.notify import Message, notifiers
from backend.notify.settings import NotifySettings, masked_url

TIMEOUT_SECONDS = 10.0


def payload(notice: Message) -> dict[str, object]:
    return notice.payload()


@notifiers.register("webhook")
class WebhookNotifier:
    def __init__(self, settings: NotifySettings) -> None:
        self.url = settings.webhook_url

    def send(self, notice: Message) -> None:
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
