"""Retention and erasure of conversation data (GDPR Art. 5(1)(e) and Art. 17).

- :func:`purge` deletes the tracker store's events older than the retention period
  (``RETENTION_DAYS``, 90 by default) and the registration drafts last touched before it (an
  abandoned registration's draft holds a password hash and the supplier's details).
- :func:`erase` removes one supplier's conversations (every event), the personal data tied to
  them in the accounts database (handoff ticket summaries, registration drafts, the support
  emails about those conversations, mails to the address), and keeps only what an existing
  account needs: the account itself, and its activation / "account exists" mails (pending
  delivery and the resend limit rely on them).

Both report exactly what they removed, so that the privacy officer can answer the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, or_, select, update

from bot.analytics import conversation_index
from bot.analytics.conversations import (
    EVENTS,
    conversations_for_email,
    has_events_table,
    tracker_engine,
)
from bot.db import session_scope, utcnow
from bot.models import Account, OutboxMail, RegistrationDraft, Ticket
from bot.registration.tickets import reference

ERASED = "[effacé à la demande de la personne / erased on request]"
# Mails an existing account still needs (delivery of a pending activation, resend limit).
ACCOUNT_MAIL_KINDS = ("activation", "account_exists", "account_active")
_CHUNK = 500  # ids per IN (...) clause: far below every backend's parameter limit


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    events: int
    conversations_touched: int
    conversations_removed: int
    drafts: int


def purge(
    tracker_url: str,
    older_than: timedelta,
    *,
    accounts_url: str | None = None,
    now: datetime | None = None,
) -> PurgeResult:
    """Delete every event older than ``older_than`` and the drafts not touched since."""
    cutoff = (now or utcnow()) - older_than
    limit = cutoff.timestamp()
    engine = tracker_engine(tracker_url)
    try:
        events = touched = removed = 0
        if has_events_table(engine):
            with engine.begin() as connection:
                last = func.max(EVENTS.c.timestamp)
                per_conversation = (
                    select(EVENTS.c.sender_id, last.label("last"))
                    .where(
                        EVENTS.c.sender_id.in_(
                            select(EVENTS.c.sender_id).where(EVENTS.c.timestamp < limit)
                        )
                    )
                    .group_by(EVENTS.c.sender_id)
                )
                rows = connection.execute(per_conversation).all()
                touched = len(rows)
                removed = sum(1 for row in rows if row.last < limit)
                events = connection.execute(
                    delete(EVENTS).where(EVENTS.c.timestamp < limit)
                ).rowcount
            # The console's index follows: gone conversations leave it, the others shrink.
            conversation_index.refresh(
                tracker_url, [row.sender_id for row in rows], accounts_url=accounts_url
            )
    finally:
        engine.dispose()
    with session_scope(accounts_url) as session:
        drafts = session.execute(
            delete(RegistrationDraft).where(RegistrationDraft.updated_at < cutoff)
        ).rowcount
    return PurgeResult(cutoff, events, touched, removed, drafts)


@dataclass
class ErasureResult:
    conversations: list[str] = field(default_factory=list)
    events: int = 0
    tickets: int = 0
    drafts: int = 0
    mails: int = 0
    account_kept: str | None = None  # status of the account kept for the address, if any

    @property
    def nothing_found(self) -> bool:
        return not (self.conversations or self.events or self.tickets or self.drafts or self.mails)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def erase(
    tracker_url: str,
    *,
    email: str | None = None,
    conversation_id: str | None = None,
    accounts_url: str | None = None,
) -> ErasureResult:
    """Remove a supplier's conversations and personal data (by address or conversation)."""
    if (email is None) == (conversation_id is None):
        raise ValueError("give either an email address or a conversation id")
    address = email.strip().lower() if email else None
    if address:
        ids = sorted(
            conversations_for_email(tracker_url, address, accounts_url)
            | _ticket_conversations(address, accounts_url)
        )
    else:
        ids = [conversation_id]
    result = ErasureResult()
    engine = tracker_engine(tracker_url)
    try:
        if has_events_table(engine):
            with engine.begin() as connection:
                for chunk in _chunks(ids):
                    result.events += connection.execute(
                        delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))
                    ).rowcount
    finally:
        engine.dispose()
    # The console's index (summaries, reviews, inbox entries) forgets them too.
    conversation_index.forget(ids, accounts_url=accounts_url)
    with session_scope(accounts_url) as session:
        for chunk in _chunks(ids):
            result.tickets += session.execute(
                update(Ticket)
                .where(Ticket.conversation_id.in_(chunk), Ticket.summary != ERASED)
                .values(summary=ERASED, contact_email=None, details=None)
            ).rowcount
            result.drafts += session.execute(
                delete(RegistrationDraft).where(RegistrationDraft.conversation_id.in_(chunk))
            ).rowcount
            # The support emails about these conversations repeat the ticket summary. Found by
            # their tickets' references, an exact match: a text search for the conversation id
            # would match others too ("_" and "%" are LIKE wildcards, "conv-1" is in "conv-12").
            tickets = select(Ticket.id).where(Ticket.conversation_id.in_(chunk))
            references = [reference(pk) for pk in session.scalars(tickets)]
            if references:
                about = or_(
                    *(OutboxMail.subject.startswith(f"[{r}]", autoescape=True) for r in references)
                )
                result.mails += session.execute(
                    delete(OutboxMail)
                    .where(OutboxMail.kind == "support_ticket", about)
                    .execution_options(synchronize_session=False)
                ).rowcount
        if address:
            account = session.scalar(select(Account).where(Account.email == address))
            to_address = OutboxMail.to_address == address
            if account is not None:
                result.account_kept = account.status
                to_address = to_address & OutboxMail.kind.not_in(ACCOUNT_MAIL_KINDS)
            result.mails += session.execute(
                delete(OutboxMail).where(to_address).execution_options(synchronize_session=False)
            ).rowcount
    found = set(ids) if address else set()
    if conversation_id and (result.events or result.tickets or result.drafts):
        found.add(conversation_id)
    result.conversations = sorted(found)
    return result


def _ticket_conversations(address: str, accounts_url: str | None) -> set[str]:
    """Conversations whose handoff ticket left this contact address (the conversation logs
    keep it masked: only the ticket can tell)."""
    with session_scope(accounts_url) as session:
        return set(
            session.scalars(
                select(Ticket.conversation_id).where(func.lower(Ticket.contact_email) == address)
            )
        )


def parse_age(text: str) -> timedelta:
    """``90d``, ``12w`` or ``90`` (days) -> a duration; ValueError with a readable message."""
    raw = text.strip().lower()
    unit = raw[-1:] if raw[-1:] in ("d", "w") else "d"
    number = raw[:-1] if raw[-1:] in ("d", "w") else raw
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(f"expected an age such as 90d or 12w, got {text!r}")
    days = int(number) * (7 if unit == "w" else 1)
    if days > 36500:
        raise ValueError(f"{text!r} is more than a century")
    return timedelta(days=days)


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
