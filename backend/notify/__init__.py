"""Telling reviewers about new review items: a small Protocol and a registry of notifiers.

``PRECEDENT_NOTIFY`` names the notifier (``log`` by default, ``none``, ``webhook``, ``smtp``).
A notice names the ticket (its id and redacted subject), the domains, the jurisdiction, the
urgency and a link to the reviewer page; never the customer's personal data. What to send and
when is decided in ``backend/notify/service.py``; a notifier only delivers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from backend.notify.settings import NotifySettings
from backend.registry import Registry


@dataclass(frozen=True)
class ItemNotice:
    """One review item as a notice shows it: ids, redacted subject, routing, link."""

    review_id: int
    ticket_id: str
    subject: str  # redacted: placeholders such as <PERSON_1>, never the values
    domains: tuple[str, ...]
    jurisdiction: str
    urgent: bool
    link: str


@dataclass(frozen=True)
class Notice:
    """What one reviewer is told: one new item, or a digest of several (urgent first)."""

    reviewer_name: str
    reviewer_email: str
    items: tuple[ItemNotice, ...]

    @property
    def urgent(self) -> bool:
        return any(i.urgent for i in self.items)

    def title(self) -> str:
        if len(self.items) == 1:
            item = self.items[0]
            what = "URGENT (safety) review" if item.urgent else "Review"
            return f"{what} needed: ticket {item.ticket_id} ({', '.join(item.domains)})"
        urgent = sum(i.urgent for i in self.items)
        extra = f", {urgent} urgent (safety)" if urgent else ""
        return f"{len(self.items)} drafts await your review{extra}"

    def text(self) -> str:
        """Plain text for a person: one paragraph per item, then where to decide."""
        lines = [f"Hello {self.reviewer_name},", ""]
        for item in self.items:
            flag = "URGENT, someone may be in danger: " if item.urgent else ""
            lines += [
                f"{flag}ticket {item.ticket_id}: {item.subject or '(subject unavailable)'}",
                f"  {', '.join(item.domains)} advice, {item.jurisdiction or 'no jurisdiction'}",
                f"  review {item.review_id}: {item.link}",
                "",
            ]
        lines.append("Sign in to the reviewer page with your reviewer token to decide.")
        return "\n".join(lines) + "\n"


class Notifier(Protocol):
    """Delivers a notice; raises ``NotificationFailed`` (our error) when it cannot."""

    def __init__(self, settings: NotifySettings) -> None: ...

    def send(self, notice: Notice) -> None: ...


notifiers: Registry[Notifier] = Registry(
    "notifier",
    {
        "log": "backend.notify.basic",
        "none": "backend.notify.basic",
        "webhook": "backend.notify.webhook",
        "smtp": "backend.notify.smtp",
    },
)


def notifier_for(settings: NotifySettings) -> Notifier:
    return notifiers.get(settings.notifier)(settings)
