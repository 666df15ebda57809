"""The notifiers that need no server: ``log`` (the default) and ``none``."""

from __future__ import annotations

import logging

from backend.notify import Message, Notice, notifiers
from backend.notify.settings import NotifySettings

log = logging.getLogger("backend.notify")


@notifiers.register("log")
class LogNotifier:
    """Writes each notice's title and recipient to the log (ids and redacted subjects only)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send(self, notice: Message) -> None:
        if isinstance(notice, Notice):
            reviews = ", ".join(str(i.review_id) for i in notice.items)
            log.info("notice for %s: %s (reviews %s)", notice.recipient[1], notice.title(), reviews)
        else:
            log.info("notice for %s: %s", notice.recipient[1], notice.title())


@notifiers.register("none")
class NoNotifier:
    """Tells nobody; reviewers find new items on the reviewer page."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send(self, notice: Message) -> None:
        return None
