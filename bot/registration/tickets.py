"""Handoff tickets: a record for support, and an email to the support address."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class TicketInfo:
    reference: str
    support_email: str


def reference(ticket_pk: int) -> str:
    return f"T-{ticket_pk:06d}"


def console_url(ticket_pk: int) -> str:
    """The ticket's page in the staff console (its details and the redacted transcript)."""
    return get_settings().link(f"/console/tickets/{reference(ticket_pk)}")


def open_ticket(
    session: Session,
    *,
    conversation_id: str,
    language: str,
    reason: HandoffReason,
    step: str,
    summary: str,
) -> TicketInfo:
    """Record the ticket and notify support by email (through the outbox).

    ``summary`` must already be free of secrets (no password, no full invitation code):
    the callers build it from masked values.
    """
    ticket = Ticket(
        conversation_id=conversation_id,
        language=language,
        reason=reason.value,
        step=step,
        summary=summary,
    )
    session.add(ticket)
    session.flush()
    settings = get_settings()
    queue_mail(
        session,
        "support_ticket",
        settings.support_email,
        SUPPORT_LANGUAGE,
        reference=reference(ticket.id),
        conversation_id=conversation_id,
        conversation_language=language,
        ticket_url=console_url(ticket.id),
        reason=reason.value,
        step=step,
        summary=summary,
    )
    return TicketInfo(reference=reference(ticket.id), support_email=settings.support_email)
