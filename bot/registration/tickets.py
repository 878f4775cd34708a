"""Handoff tickets: a record for support, and an email to the support address.

A ticket says why the supplier asked for help, how far the registration went and what was
given (as structured fields, nothing secret: the invitation code, the registration address and
the phone masked, never a password), and how to reach the supplier: the contact address they
chose to leave, kept in full for support (the conversation logs only keep it masked, see
bot/privacy/redaction.py). A conversation opens at most ``handoff_ticket_limit`` tickets
(a setting): past it, the last reference is given again and no mail is sent, so that a script
cannot flood the support mailbox from one conversation. A script opens new conversations at
will: across them, a contact address is named in at most ``handoff_tickets_per_contact_per_day``
tickets a day, one client address (the web app's reference of it, ``client_reference``) opens at
most ``handoff_tickets_per_client_per_day`` a day, and the site at most
``handoff_tickets_per_hour`` an hour; beyond, nothing is recorded or sent and the supplier is
given the support address (``TicketInfo.limited``). Two conversations racing for the last place
may both get one (one ticket more).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.checks.email_addresses import mask_email
from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import mask_code
from bot.db import utcnow
from bot.mail.outbox import queue_mail
from bot.models import Ticket
from bot.settings import get_settings

# The support team reads French, whatever the language of the conversation it picks up.
SUPPORT_LANGUAGE = "fr"


class HandoffReason(str, Enum):
    USER_REQUEST = "user_request"
    INVITATION_LOCKED = "invitation_locked"  # too many failed invitation checks
    NOT_UNDERSTOOD = "not_understood"  # second fallback
    ACTIVATION_EMAIL = "activation_email"  # still no email after the checklist
    ERROR = "error"


class Step(str, Enum):
    """How far the registration went, in the article's steps."""

    NONE = "none"
    COMPANY = "company"  # identifying the company (country, identifier, invitation code)
    ACCOUNT_DETAILS = "account_details"  # email, password, terms of use
    CONTACT_DETAILS = "contact_details"  # names, phone, job title
    REGISTERED = "registered"  # the account exists (activation pending or done)


@dataclass(frozen=True)
class Progress:
    """What the registration had reached and what the supplier gave, ready for support.

    Build it with :meth:`masked` from the registration's answers: the invitation code, the
    registration address and the phone are then masked. ``pending_question`` is the question
    the registration was waiting for (a slot name), if any.
    """

    step: Step = Step.NONE
    pending_question: str | None = None
    country: str | None = None
    company_id: str | None = None  # display form, e.g. "732 829 320"
    invitation_code: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    job_title: str | None = None
    invitation_failures: int = 0

    @classmethod
    def masked(
        cls,
        step: Step,
        *,
        pending_question: str | None = None,
        company: CompanyId | None = None,
        country: str | None = None,
        invitation_code: str | None = None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        job_title: str | None = None,
        invitation_failures: int = 0,
    ) -> Progress:
        """The progress from the registration's raw answers, the credentials masked: the
        invitation code (first 4 symbols), the registration address and the phone (last 2
        digits)."""
        return cls(
            step=step,
            pending_question=pending_question,
            country=company.country if company else country,
            company_id=company.display() if company else None,
            invitation_code=mask_code(invitation_code) if invitation_code else None,
            email=mask_email(email) if email else None,
            first_name=first_name,
            last_name=last_name,
            phone=mask_phone(phone) if phone else None,
            job_title=job_title,
            invitation_failures=invitation_failures,
        )

    def fields(self) -> dict[str, str | int]:
        """The given fields, in the registration's order (none of the empty ones)."""
        return {
            name: value
            for name, value in asdict(self).items()
            if name not in ("step", "pending_question") and value not in (None, "", 0)
        }


def mask_phone(phone: str) -> str:
    """ "+33612345678" -> "+33…78": the country code and the last 2 digits, for support."""
    digits = phone.strip()
    if len(digits) <= 5:
        return "…"
    return f"{digits[:3]}…{digits[-2:]}"


@dataclass(frozen=True)
class TicketInfo:
    reference: str | None  # None when ``limited``
    support_email: str
    new: bool = True  # False: the conversation's ticket limit was reached, nothing was sent
    contact_email: str | None = None
    limited: bool = False  # the contact's or the site's limit: no ticket, write to support


def reference(ticket_pk: int) -> str:
    return f"T-{ticket_pk:06d}"


def console_url(ticket_pk: int) -> str:
    """The ticket's page in the staff console (its details and the redacted transcript)."""
    return get_settings().link(f"/console/tickets/{reference(ticket_pk)}")


def _tickets_of(conversation_id: str):
    return select(Ticket).where(Ticket.conversation_id == conversation_id)


def tickets_opened(session: Session, conversation_id: str) -> int:
    return session.scalar(
        select(func.count(Ticket.id)).where(Ticket.conversation_id == conversation_id)
    )


def limit_reached(session: Session, conversation_id: str) -> bool:
    """No new ticket may be opened in this conversation (the same reference is given)."""
    return tickets_opened(session, conversation_id) >= get_settings().handoff_ticket_limit


def _site_limit_reached(
    session: Session, contact_email: str | None, client_reference: str | None, now: datetime
) -> bool:
    """The site's tickets within the hour, or this contact's or this client's within the day,
    are at their limits (the module's docstring)."""
    settings = get_settings()
    count = select(func.count(Ticket.id))
    day = Ticket.created_at > now - timedelta(days=1)
    if contact_email is not None:
        named = count.where(func.lower(Ticket.contact_email) == contact_email.lower(), day)
        if session.scalar(named) >= settings.handoff_tickets_per_contact_per_day:
            return True
    if client_reference is not None:
        client = count.where(Ticket.client_reference == client_reference, day)
        if session.scalar(client) >= settings.handoff_tickets_per_client_per_day:
            return True
    recent = count.where(Ticket.created_at > now - timedelta(hours=1))
    return session.scalar(recent) >= settings.handoff_tickets_per_hour


def known_contact(session: Session, conversation_id: str) -> str | None:
    """The contact address left with an earlier ticket of this conversation, if any."""
    return session.scalar(
        _tickets_of(conversation_id)
        .where(Ticket.contact_email.is_not(None))
        .order_by(Ticket.id.desc())
        .limit(1)
        .with_only_columns(Ticket.contact_email)
    )


def latest_ticket(session: Session, conversation_id: str) -> TicketInfo | None:
    """This conversation's latest ticket ("what's my ticket number again?"), if any."""
    ticket = session.scalars(_tickets_of(conversation_id).order_by(Ticket.id.desc())).first()
    if ticket is None:
        return None
    return TicketInfo(
        reference(ticket.id),
        get_settings().support_email,
        new=False,
        contact_email=ticket.contact_email,
    )


def summary_text(progress: Progress, contact_email: str | None) -> str:
    """A plain one-field-a-line summary (kept in the ticket row for the command line)."""
    lines = [f"step: {progress.step.value}"]
    if progress.pending_question:
        lines.append(f"pending_question: {progress.pending_question}")
    lines += [f"{name}: {value}" for name, value in progress.fields().items()]
    lines.append(f"contact_email: {contact_email or '-'}")
    return "\n".join(lines)


def open_ticket(
    session: Session,
    *,
    conversation_id: str,
    language: str,
    reason: HandoffReason,
    progress: Progress,
    contact_email: str | None = None,
    client_reference: str | None = None,
) -> TicketInfo:
    """Record the ticket and notify support by email (through the outbox).

    Past the conversation's ticket limit, nothing is recorded or sent: the last ticket's
    reference is returned with ``new=False``.
    """
    settings = get_settings()
    if limit_reached(session, conversation_id):
        last = session.scalars(_tickets_of(conversation_id).order_by(Ticket.id.desc())).first()
        return TicketInfo(reference(last.id), settings.support_email, new=False, contact_email=None)
    if _site_limit_reached(session, contact_email, client_reference, utcnow()):
        return TicketInfo(None, settings.support_email, new=False, limited=True)
    ticket = Ticket(
        conversation_id=conversation_id,
        language=language,
        reason=reason.value,
        step=progress.step.value,
        summary=summary_text(progress, contact_email),
        contact_email=contact_email,
        client_reference=client_reference,
        details=json.dumps(
            {"pending_question": progress.pending_question, **progress.fields()},
            ensure_ascii=False,
        ),
    )
    session.add(ticket)
    session.flush()
    queue_mail(
        session,
        "support_ticket",
        settings.support_email,
        SUPPORT_LANGUAGE,
        reference=reference(ticket.id),
        conversation_language=language,
        ticket_url=console_url(ticket.id),
        reason=reason.value,
        step=progress.step.value,
        pending_question=progress.pending_question,
        fields=progress.fields(),
        contact_email=contact_email,
    )
    return TicketInfo(
        reference(ticket.id), settings.support_email, new=True, contact_email=contact_email
    )
