"""Outgoing mail: an outbox table and a sender.

Mail is never sent inside a user's request. It is written to the outbox in the same
transaction as what it announces (an account and its activation email exist together or not
at all), then a sender delivers it with aiosmtplib. A mail leaves the outbox only once the SMTP
server has accepted it; failures are retried with exponential backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.db import utcnow
from bot.models import OutboxMail
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
MAX_BACKOFF = timedelta(hours=1)
CLAIM_DURATION = timedelta(minutes=5)
# Replaces each secret (activation link token, invitation code) in the copy of a mail kept
# once it is sent. Not mail wording: no supplier reads it (the mail left with the secret); it
# tells whoever looks at the outbox table why it is missing, in both languages since the row
# does not say which.
REDACTED = "[masqué une fois envoyé / masked once sent]"

# Autoescape is off for the mail templates because subjects and plain-text bodies are not
# HTML; every HTML block turns it on with {% autoescape true %}. The shared HTML layout
# (_layout.html.jinja) is escaped as a whole: its macros are evaluated with its own setting,
# not the caller's (tested in tests/mail/test_outbox.py).
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(enabled_extensions=("html.jinja",), default=False),
    undefined=StrictUndefined,  # a missing value is a bug, not an empty string in a mail
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render(kind: str, language: str, **values: object) -> RenderedMail:
    """Render the ``kind`` mail in ``language`` (one of LANGUAGES); HTML values are escaped."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    template = _env.get_template(f"{kind}.{language}.jinja")
    settings = get_settings()
    context = template.new_context({"mail_from": settings.mail_from, **values})

    def block(name: str) -> str:
        return "".join(template.blocks[name](context)).strip()

    return RenderedMail(subject=block("subject"), text=block("text") + "\n", html=block("html"))


def queue_mail(
    session: Session,
    kind: str,
    to_address: str,
    language: str,
    *,
    secret: str | None = None,
    secrets: Sequence[str] = (),
    **values: object,
) -> OutboxMail:
    """Put a mail in the outbox, in the caller's transaction.

    ``secret`` (or several, ``secrets``: a code as shown and as in a link) is kept in the
    stored copy only until the mail is sent, then replaced by :data:`REDACTED`.
    """
    rendered = render(kind, language, **values)
    kept = [s for s in (secret, *secrets) if s]
    mail = OutboxMail(
        kind=kind,
        to_address=to_address,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        next_attempt_at=utcnow(),
        # Longest first: a code's formatted form contains no shorter secret, but a link may.
        secret="\n".join(sorted(set(kept), key=len, reverse=True)) or None,
    )
    session.add(mail)
    session.flush()
    return mail


def backoff(attempts: int, first_retry_seconds: float | None = None) -> timedelta:
    """Wait before retry number ``attempts``: 30 s, 1 min, 2 min, ... capped at 1 hour.

    The first wait is OUTBOX_RETRY_SECONDS (30 s by default).
    """
    first = (
        get_settings().outbox_retry_seconds if first_retry_seconds is None else first_retry_seconds
    )
    # the exponent is capped too: 2**attempts overflows timedelta after a few dozen failures
    return min(timedelta(seconds=first * 2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def build_message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"My Sis ID <{settings.mail_from}>"
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.split("@")[-1])
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


async def _send(message: EmailMessage, settings: Settings) -> None:
    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        start_tls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    pending: int = 0  # still waiting after this run (failed or not yet due)


def _claim_due(
    session: Session, now: datetime, limit: int, settings: Settings, *, due_only: bool
) -> list[tuple[int, str, EmailMessage]]:
    """Claim due mails so that two senders running at once never send the same mail.

    Returns ready-to-send messages and commits: no transaction stays open while SMTP is
    spoken (on SQLite an open transaction would block every other writer meanwhile).
    """
    due = session.scalars(
        select(OutboxMail.id)
        .where(
            OutboxMail.sent_at.is_(None),
            OutboxMail.next_attempt_at <= now if due_only else True,
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    claimed = []
    for mail_id in due:
        result = session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail_id,
                OutboxMail.sent_at.is_(None),
                or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM_DURATION)
        )
        if result.rowcount == 1:
            mail = session.get(OutboxMail, mail_id)
            claimed.append((mail_id, mail.kind, build_message(mail, settings)))
    session.commit()
    return claimed


def _redact(text: str, secret: str | None) -> str:
    for written in (secret or "").split("\n"):
        if written:
            text = text.replace(written, REDACTED)
    return text


def _record_sent(session: Session, mail_id: int) -> None:
    mail = session.get(OutboxMail, mail_id)
    mail.sent_at = utcnow()
    mail.attempts += 1
    mail.claimed_until = None
    mail.last_error = None
    mail.text_body = _redact(mail.text_body, mail.secret)
    mail.html_body = _redact(mail.html_body, mail.secret)
    mail.secret = None


def _record_failure(
    session: Session, mail_id: int, error: Exception, first_retry_seconds: float
) -> int:
    mail = session.get(OutboxMail, mail_id)
    mail.attempts += 1
    mail.next_attempt_at = utcnow() + backoff(mail.attempts, first_retry_seconds)
    mail.claimed_until = None
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    return mail.attempts


async def deliver_due(
    sessions: sessionmaker,
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    limit: int = 100,
    due_only: bool = True,
) -> DeliveryReport:
    """Send every due mail of the outbox once; failures are rescheduled with backoff.

    ``due_only=False`` ignores the backoff: an operator who knows the server is back flushes
    everything now.
    """
    settings = settings or get_settings()
    report = DeliveryReport()
    with sessions() as session:
        claimed = _claim_due(session, now or utcnow(), limit, settings, due_only=due_only)
    for mail_id, kind, message in claimed:
        try:
            await _send(message, settings)
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
            with sessions() as session:
                attempts = _record_failure(session, mail_id, error, settings.outbox_retry_seconds)
                session.commit()
            report.failed += 1
            log.warning(
                "mail %s (%s) not delivered, attempt %s: %s",
                mail_id,
                kind,
                attempts,
                type(error).__name__,
            )
        else:
            with sessions() as session:
                _record_sent(session, mail_id)
                session.commit()
            report.sent += 1
            log.info("mail %s (%s) delivered", mail_id, kind)
    with sessions() as session:
        report.pending = pending_count(session)
    return report


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_(None)))


async def run_sender(
    sessions: sessionmaker,
    settings: Settings | None = None,
    *,
    interval_seconds: float = 5.0,
    stop: asyncio.Event | None = None,
    before_round: Callable[[], object] | None = None,
) -> None:
    """Deliver the outbox continuously until ``stop`` is set (the long-running sender).

    ``before_round`` runs first in every round (the housekeeping that `python -m bot outbox
    flush --watch` adds, bot/registration/housekeeping.py): what it queues leaves in the same
    round.
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        if before_round is not None:
            try:
                before_round()
            except Exception:  # the mail must go on; next round retries
                log.exception("housekeeping failed")
        try:
            await deliver_due(sessions, settings)
        except Exception:  # a database hiccup must not kill the sender; next round retries
            log.exception("outbox round failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        except asyncio.TimeoutError:
            pass
