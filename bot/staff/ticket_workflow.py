"""The support queue: every handoff ticket with where support is with it (open, in progress,
closed), its history of internal notes and status changes.

The ticket's own columns belong to the handoff (bot/registration/tickets.py, which may add
fields); this module reads whatever columns the ticket has, so a new field shows in the
console without a change here, and keeps the workflow in tables of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import ConversationSummary, Ticket, TicketActivity, TicketState
from bot.registration.tickets import reference

_REFERENCE = re.compile(r"T-(\d{1,12})")
# Columns shown elsewhere on the page, or never: the id is the reference, the conversation
# id is not shown (the transcript is).
_NOT_SHOWN = {"id", "conversation_id"}
# Columns that may hold the supplier's address, in order of preference (the handoff adds one).
EMAIL_COLUMNS = ("contact_email", "email", "supplier_email")
MAX_NOTE_CHARS = 4000


class TicketStatus(str, Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


@dataclass(frozen=True)
class QueuedTicket:
    ticket: Ticket
    reference: str
    status: str
    email: str | None
    conversation_reference: str | None


def ticket_pk(ticket_reference: str) -> int | None:
    match = _REFERENCE.fullmatch(ticket_reference.strip().upper())
    return int(match.group(1)) if match else None


def _email(ticket: Ticket, conversation_email: str | None) -> str | None:
    for name in EMAIL_COLUMNS:
        value = getattr(ticket, name, None)
        if isinstance(value, str) and "@" in value:
            return value
    return conversation_email


def fields(ticket: Ticket) -> list[tuple[str, object]]:
    """Every column of the ticket worth showing, in the table's order (None and "" left out)."""
    shown = []
    for column in Ticket.__table__.columns:
        value = getattr(ticket, column.key, None)
        if column.key in _NOT_SHOWN or value is None or value == "":
            continue
        shown.append((column.key, value))
    return shown


def queue(
    session: Session, *, status: TicketStatus | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[QueuedTicket], int]:
    """Tickets newest first, with their status (open unless support moved them)."""
    current = func.coalesce(TicketState.status, TicketStatus.OPEN.value)
    query = (
        select(Ticket, current, ConversationSummary.email, ConversationSummary.reference)
        .outerjoin(TicketState, TicketState.ticket_pk == Ticket.id)
        .outerjoin(
            ConversationSummary, ConversationSummary.conversation_id == Ticket.conversation_id
        )
    )
    counted = select(func.count(Ticket.id)).outerjoin(
        TicketState, TicketState.ticket_pk == Ticket.id
    )
    if status is not None:
        query = query.where(current == status.value)
        counted = counted.where(current == status.value)
    rows = session.execute(
        query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset(offset).limit(limit)
    ).all()
    return [
        QueuedTicket(ticket, reference(ticket.id), state, _email(ticket, email), conversation)
        for ticket, state, email, conversation in rows
    ], session.scalar(counted)


def find(session: Session, ticket_reference: str) -> QueuedTicket | None:
    pk = ticket_pk(ticket_reference)
    if pk is None:
        return None
    row = session.execute(
        select(Ticket, TicketState.status, ConversationSummary.email, ConversationSummary.reference)
        .outerjoin(TicketState, TicketState.ticket_pk == Ticket.id)
        .outerjoin(
            ConversationSummary, ConversationSummary.conversation_id == Ticket.conversation_id
        )
        .where(Ticket.id == pk)
    ).first()
    if row is None:
        return None
    ticket, state, email, conversation = row
    return QueuedTicket(
        ticket,
        reference(ticket.id),
        state or TicketStatus.OPEN.value,
        _email(ticket, email),
        conversation,
    )


def set_status(session: Session, ticket: Ticket, status: TicketStatus, staff_email: str) -> None:
    now = utcnow()
    state = session.get(TicketState, ticket.id)
    if state is None:
        state = TicketState(ticket_pk=ticket.id)
        session.add(state)
    if state.status == status.value:
        return
    state.status, state.updated_at, state.updated_by = status.value, now, staff_email
    session.add(
        TicketActivity(
            ticket_pk=ticket.id, at=now, staff_email=staff_email, kind="status", text=status.value
        )
    )


def add_note(session: Session, ticket: Ticket, staff_email: str, text: str) -> bool:
    """Add an internal note (never sent to the supplier); False when it is empty."""
    note = text.strip()[:MAX_NOTE_CHARS]
    if not note:
        return False
    session.add(
        TicketActivity(
            ticket_pk=ticket.id, at=utcnow(), staff_email=staff_email, kind="note", text=note
        )
    )
    return True


def activity(session: Session, ticket: Ticket) -> list[TicketActivity]:
    return list(
        session.scalars(
            select(TicketActivity)
            .where(TicketActivity.ticket_pk == ticket.id)
            .order_by(TicketActivity.at, TicketActivity.id)
        )
    )
