"""Outgoing e-mail: a queue in the database, sent after the commit and retried.

A write that owes somebody a message (a signature's confirmation link, an application's
approval, a rejected suggestion) calls :func:`enqueue` in its own transaction, so the
message exists exactly when what it tells about does. Sending happens later, once the
visitor has the answer: the web process sends after the response has gone out
(:class:`Sender`), and ``widget-service mail retry`` (run by the poll timer) sends what
failed before.

``WIDGETS_SMTP_URL`` names the server: ``smtp://user:password@host:port``,
``smtps://…`` (TLS from the start) or ``smtp+starttls://…``. Without it (development) each
message is written to ``instance/outbox/`` as an ``.eml`` file instead, so ``make run``
works offline. Only the standard library is used (smtplib, email).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .models import OutgoingMail
from .timeutil import utcnow

log = logging.getLogger(__name__)

OUTBOX = "outbox"
SCHEMES = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}
# after a failure: wait 1, 2, 4 … minutes, at most six hours; give up after MAX_ATTEMPTS
FIRST_DELAY = dt.timedelta(minutes=1)
LONGEST_DELAY = dt.timedelta(hours=6)
MAX_ATTEMPTS = 12
SMTP_TIMEOUT = 20.0
BATCH = 100
# seconds a web process leaves the queue to the timer after a failed round
PAUSE_AFTER_FAILURE = 60.0


class MailConfigurationError(ValueError):
    """``WIDGETS_SMTP_URL`` cannot be understood; the message says why."""


class Transport(Protocol):
    """Something that delivers one message or raises."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SMTPSettings:
    """Where and how to reach the SMTP server."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SMTPSettings:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise MailConfigurationError(
                "WIDGETS_SMTP_URL must start with smtp://, smtps:// or smtp+starttls://"
            )
        if not parts.hostname:
            raise MailConfigurationError("WIDGETS_SMTP_URL names no host")
        try:
            port = parts.port or SCHEMES[scheme]
        except ValueError:
            raise MailConfigurationError("WIDGETS_SMTP_URL has a port that is no number") from None
        return cls(
            scheme=scheme,
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SMTPTransport:
    """Sends through one SMTP connection, opened on first use and kept for a batch."""

    def __init__(self, settings: SMTPSettings, timeout: float = SMTP_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if settings.scheme == "smtps":
            connection = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=self.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
            if settings.scheme == "smtp+starttls":
                connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password or "")
        return connection

    def send(self, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            # the server may drop an idle connection between two messages: one fresh try
            self.close()
            self._connection = self._connect()
            self._connection.send_message(message)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None


class OutboxTransport:
    """Writes each message to a folder as ``<id>.eml``: development without a mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["X-Widgets-Mail-Id"] or make_msgid().strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(bytes(message))

    def close(self) -> None:
        """Nothing stays open."""


def transport_from_config(config: Mapping[str, Any], instance_path: str) -> Transport:
    """SMTP when ``SMTP_URL`` is set, else the instance folder's outbox."""
    url = config.get("SMTP_URL")
    if url:
        return SMTPTransport(SMTPSettings.from_url(str(url)))
    return OutboxTransport(outbox_folder(instance_path))


def outbox_folder(instance_path: str) -> Path:
    return Path(instance_path) / OUTBOX


def enqueue(
    session: Session, recipient: str, subject: str, text: str, html: str | None = None
) -> OutgoingMail:
    """Queue a message in the caller's transaction; it is sent after the commit."""
    mail = OutgoingMail(recipient=recipient, subject=subject, text=text, html=html)
    session.add(mail)
    session.info["mail_queued"] = True
    return mail


def queued_in(session: Session) -> bool:
    """Whether this session queued mail (so a sender should be woken once it committed)."""
    return bool(session.info.get("mail_queued"))


def compose(mail: OutgoingMail, sender: str, sender_name: str | None = None) -> EmailMessage:
    """The message as it goes out: plain text, with an HTML alternative when there is one."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["X-Widgets-Mail-Id"] = str(mail.id)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


@dataclass
class SendReport:
    """What one round of sending did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.sent} sent, {self.failed} failed"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure."""
    delay: dt.timedelta = FIRST_DELAY * (2 ** max(0, attempts - 1))
    return min(delay, LONGEST_DELAY)


def due_mail(session: Session, now: dt.datetime, *, everything: bool = False) -> list[OutgoingMail]:
    """Unsent messages whose time has come (``everything``: also those given up on)."""
    query = select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
    if not everything:
        query = query.where(
            OutgoingMail.next_attempt_at <= now, OutgoingMail.attempts < MAX_ATTEMPTS
        )
    return list(session.scalars(query.order_by(OutgoingMail.id).limit(BATCH)))


def send_due(
    session: Session,
    transport: Transport,
    sender: str,
    *,
    sender_name: str | None = None,
    everything: bool = False,
    now: Callable[[], dt.datetime] = utcnow,
) -> SendReport:
    """Send what is due, committing after each message so none goes out twice."""
    report = SendReport()
    try:
        for mail in due_mail(session, now(), everything=everything):
            try:
                transport.send(compose(mail, sender, sender_name))
            except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
                mail.attempts += 1
                mail.last_error = _describe(error)[:500]
                mail.next_attempt_at = now() + retry_delay(mail.attempts)
                report.failed += 1
                report.errors.append(f"{mail.recipient}: {mail.last_error}")
                transport.close()
            else:
                mail.attempts += 1
                mail.sent_at = now()
                mail.last_error = None
                report.sent += 1
            session.commit()
    finally:
        transport.close()
    return report


def _describe(error: BaseException) -> str:
    """A mail error in words, without internal class names."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the server refused the recipient"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the server refused the user name or password"
    if isinstance(error, smtplib.SMTPResponseException):
        raw = error.smtp_error
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        return f"the server answered {error.smtp_code} {detail}".strip()
    if isinstance(error, TimeoutError):
        return "the server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(error, ssl.SSLError):
        return "the TLS connection failed"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    return str(error) or "the message could not be sent"


def waiting(session: Session) -> list[OutgoingMail]:
    """Every message not yet sent, oldest first (for ``mail outbox`` and the office)."""
    query = select(OutgoingMail).where(OutgoingMail.sent_at.is_(None)).order_by(OutgoingMail.id)
    return list(session.scalars(query))


def recent(session: Session, limit: int = 50) -> list[OutgoingMail]:
    """The newest messages, sent or not."""
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)
    return list(session.scalars(query))


class Sender:
    """Sends due mail for a web process once a response has gone out.

    It runs in the worker's own thread after the answer is sent (``call_on_close``), so the
    visitor never waits for SMTP and no extra thread runs beside the requests.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        transport: Callable[[], Transport],
        sender: str,
        sender_name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = factory
        self._transport = transport
        self._sender = sender
        self._sender_name = sender_name
        self._clock = clock
        self._paused_until = 0.0

    def send_once(self) -> SendReport | None:
        """One round of sending; an error is logged, never raised into the server.

        After a failed round this process leaves the queue alone for :data:`PAUSE_AFTER_FAILURE`
        seconds (None is returned): a server that is away would otherwise hold the worker for
        the SMTP timeout after every answer that queued mail. The timer sends meanwhile.
        """
        if self._clock() < self._paused_until:
            return None
        try:
            with self._factory() as session:
                report = send_due(
                    session, self._transport(), self._sender, sender_name=self._sender_name
                )
        except Exception:  # a database or configuration fault must not reach the server
            log.exception("sending queued mail failed; it stays queued")
            self._paused_until = self._clock() + PAUSE_AFTER_FAILURE
            return None
        if report.failed:
            log.warning("Mail could not be sent (%s); it stays queued", report.line())
            self._paused_until = self._clock() + PAUSE_AFTER_FAILURE
        return report
