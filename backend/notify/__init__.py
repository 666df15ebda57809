"""Telling people: reviewers about new review items, and whoever takes an escalated ticket.

``PRECEDENT_NOTIFY`` names the notifier (``log`` by default, ``none``, ``webhook``, ``smtp``).
A review notice names the ticket (its id and redacted subject), the domains, the jurisdiction,
the urgency and a link to the reviewer page; an escalation notice the ticket, the agent's
note (redacted), where the ticket went and its link in the helpdesk. Never the customer's
personal data. What to send and when is decided in ``backend/notify/service.py`` and
``backend/escalation``; a notifier only delivers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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

    @property
    def recipient(self) -> tuple[str, str]:
        return self.reviewer_name, self.reviewer_email

    def payload(self) -> dict[str, object]:
        """The webhook's JSON (backend/notify/webhook.py)."""
        return {
            "event": "review.new" if len(self.items) == 1 else "review.digest",
            "title": self.title(),
            "urgent": self.urgent,
            "reviewer": {"name": self.reviewer_name, "email": self.reviewer_email},
            "items": [{**asdict(i), "domains": list(i.domains)} for i in self.items],
            "text": self.text(),
        }


@dataclass(frozen=True)
class EscalationNotice:
    """An escalated ticket, for one person: who handed it on, why, and where it went."""

    name: str
    email: str
    ticket_id: str
    subject: str  # redacted, as in review notices
    note: str  # the agent's note, redacted
    agent: str
    domains: tuple[str, ...]
    group: str
    tags: tuple[str, ...]
    link: str  # the ticket in the helpdesk; "" when unknown
    urgent: bool = False

    @property
    def recipient(self) -> tuple[str, str]:
        return self.name, self.email

    def title(self) -> str:
        what = "URGENT (safety) escalation" if self.urgent else "Escalated"
        return f"{what}: ticket {self.ticket_id}" + (
            f" ({', '.join(self.domains)})" if self.domains else ""
        )

    def text(self) -> str:
        went = [f"group {self.group}"] if self.group else []
        went += [f"tagged {', '.join(self.tags)}"] if self.tags else []
        lines = [
            f"Hello {self.name},",
            "",
            f"{self.agent or 'An agent'} escalated ticket {self.ticket_id}: "
            f"{self.subject or '(subject unavailable)'}",
            f"  note: {self.note or '(none)'}",
            f"  in the helpdesk: an internal note{', ' if went else ''}{', '.join(went)}",
        ]
        lines += [f"  {self.link}"] if self.link else []
        return "\n".join(lines) + "\n"

    def payload(self) -> dict[str, object]:
        fields = asdict(self)
        fields.update(domains=list(self.domains), tags=list(self.tags))
        recipient = {"name": fields.pop("name"), "email": fields.pop("email")}
        extra = {"title": self.title(), "recipient": recipient, "text": self.text()}
        return {"event": "ticket.escalated", **fields, **extra}


Message = Notice | EscalationNotice


class Notifier(Protocol):
    """Delivers a notice; raises ``NotificationFailed`` (our error) when it cannot."""

    def __init__(self, settings: NotifySettings) -> None: ...

    def send(self, notice: Message) -> None: ...


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
