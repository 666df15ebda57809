"""``smtp``: each notice as a plain-text e-mail to the reviewer, through ``PRECEDENT_SMTP_*``.

Port 465 speaks TLS from the start; on other ports STARTTLS is used whenever the server
offers it, and a login (``PRECEDENT_SMTP_USER``) is refused over a connection without TLS
unless the server is on this machine.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from backend.errors import ConfigError, NotificationFailed
from backend.notify import Message, notifiers
from backend.notify.settings import NotifySettings

TIMEOUT_SECONDS = 10.0
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def message(notice: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    name, address = notice.recipient
    mail["To"] = f"{name} <{address}>" if name != address else address
    mail["Subject"] = f"[Precedent] {notice.title()}"
    if notice.urgent:
        mail["Importance"] = "high"
    mail.set_content(notice.text())
    return mail


@notifiers.register("smtp")
class SmtpNotifier:
    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send(self, notice: Message) -> None:
        where = f"{self.settings.smtp_host}:{self.settings.smtp_port}"
        try:
            with self._connect() as server:
                server.send_message(message(notice, self.settings.smtp_from))
        except smtplib.SMTPAuthenticationError as exc:
            raise NotificationFailed(
                f"mail server {where} refused the login of PRECEDENT_SMTP_USER "
                f"'{self.settings.smtp_user}' ({exc.smtp_code})"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            raise NotificationFailed(
                f"mail server {where} did not take the mail ({detail})"
            ) from None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        tls = s.smtp_port == 465
        context = ssl.create_default_context()
        server = (
            smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS, context=context)
            if tls
            else smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)
        )
        try:
            if not tls:
                self._starttls(server)
            if s.smtp_user:
                server.login(s.smtp_user, s.smtp_password)
        except BaseException:
            server.close()
            raise
        return server

    def _starttls(self, server: smtplib.SMTP) -> None:
        s = self.settings
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        elif s.smtp_user and s.smtp_host not in LOCAL_HOSTS:
            raise ConfigError(
                f"mail server {s.smtp_host} offers no STARTTLS: PRECEDENT_SMTP_PASSWORD "
                "would cross the network in clear; use port 465 or a server with TLS"
            )
