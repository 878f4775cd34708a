"""Persisted limits: on invitation checks, so that guessing a code stays hopeless, and on the
mails a conversation or an address can trigger, so that nobody can bomb a mailbox.

Invitation checks
-----------------
An invitation code has 80 random bits, but a conversation can be restarted at will: the
per-conversation limit (5 failures, a slot of the conversation) alone would let a script try
codes forever. Here every failed check is also counted per invitation code and per company ID,
in the database, across conversations: at most ``limit`` failed checks (5) per code and per
company ID within ``window`` (one hour).

- One leaked or guessed code against many company IDs: past the code's limit the code is not
  looked up at all, for any company (knowing the code is needed to lock it).
- Random codes against one known company ID (company IDs are public): past the company's
  limit, a wrong code gets the lock's answer, and the conversation is locked; the company's
  own code still passes. An outside tester locked a real supplier out for an hour with five
  random codes against its public SIREN (and could do it again every hour): the lock must not
  be anyone's to set on someone else. Guessing stays hopeless without it: 80 random bits,
  five tries per conversation, and the web app's per-address message limits.

The window is sliding: each failure frees its slot an hour after it happened.

Only failures count: a check whose code and company match (valid, expired or used) gives its
slot back. The slots are claimed *before* the lookup, so that two conversations racing on
the last slot cannot both reach the invitation table.

Mail requests
-------------
Every request that can send a mail to someone (a resend, an address correction, an "account
already exists" mail) takes a place in ``mail_requests`` first, per scope and key
(:class:`MailScope`), at most ``limit`` an hour: :func:`take_mail_request`. Keys are SHA-256
hashes of the conversation id or the address. On SQLite, transactions are serialised
(BEGIN IMMEDIATE): the limit is exact; on PostgreSQL two requests racing for the last place may
both pass (one mail more, never an unbounded number).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.db import utcnow
from bot.models import InvitationCheckSlot, MailRequest
from bot.registration.invitations import (
    InvitationCheck,
    InvitationStatus,
    normalise_code,
    verify_invitation,
)
from bot.settings import get_settings

__all__ = [
    "LimitedCheck",
    "MailScope",
    "Scope",
    "failed_checks",
    "forget_expired",
    "forget_old_mail_requests",
    "retry_after",
    "take_mail_request",
    "verify_invitation_limited",
]


class Scope(str, Enum):
    CODE = "code"
    COMPANY = "company"


@dataclass(frozen=True)
class LimitedCheck:
    """The outcome of a check behind the limits."""

    # None when a limit was reached: the code was not looked up.
    check: InvitationCheck | None

    @property
    def locked(self) -> bool:
        return self.check is None


@dataclass(frozen=True)
class _Claim:
    slot_pk: int
    previous: datetime | None  # None: the slot row was created by this claim


def _key(scope: Scope, value: str) -> str:
    # A hash, not the value: the codes people guess (and a real code typed with the wrong
    # company) are not kept in clear in one more table.
    return hashlib.sha256(f"{scope.value}:{value}".encode()).hexdigest()


def _company_value(company_id: CompanyId) -> str:
    return f"{company_id.country}:{company_id.value}"


def _insert_ignoring_conflict(session: Session, values: dict) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when the row was inserted.

    A plain INSERT that hits the unique constraint would abort the whole PostgreSQL
    transaction; ON CONFLICT exists on both backends we run on.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(InvitationCheckSlot).values(**values).on_conflict_do_nothing()
    return session.execute(statement).rowcount == 1


def _claim(
    session: Session, scope: Scope, key: str, now: datetime, limit: int, window: timedelta
) -> _Claim | None:
    """Take a free slot of ``key`` for a check at ``now``; None when all ``limit`` are busy."""
    cutoff = now - window
    where_key = (InvitationCheckSlot.scope == scope.value, InvitationCheckSlot.key == key)
    # Each retry follows a concurrent claim that took the slot first; a few suffice, and
    # refusing after them errs on the safe side.
    for _ in range(limit + 3):
        free = session.execute(
            select(InvitationCheckSlot.id, InvitationCheckSlot.failed_at)
            .where(*where_key, InvitationCheckSlot.slot < limit)
            .where(InvitationCheckSlot.failed_at <= cutoff)
            .order_by(InvitationCheckSlot.slot)
            .limit(1)
        ).first()
        if free is not None:
            # Compare-and-set: only if the slot is still free when the UPDATE runs (on
            # PostgreSQL a concurrent UPDATE waits for ours and then finds the slot busy).
            taken = session.execute(
                update(InvitationCheckSlot)
                .where(InvitationCheckSlot.id == free.id, InvitationCheckSlot.failed_at <= cutoff)
                .values(failed_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken:
                return _Claim(free.id, free.failed_at)
            continue
        numbers = set(session.scalars(select(InvitationCheckSlot.slot).where(*where_key)).all())
        missing = [n for n in range(limit) if n not in numbers]
        if not missing:
            return None
        values = dict(scope=scope.value, key=key, slot=missing[0], failed_at=now)
        if _insert_ignoring_conflict(session, values):
            slot_pk = session.scalar(
                select(InvitationCheckSlot.id).where(
                    *where_key, InvitationCheckSlot.slot == missing[0]
                )
            )
            return _Claim(slot_pk, None)
    return None


def _release(session: Session, claim: _Claim) -> None:
    """Give a slot back (the check did not fail, or the other scope was full)."""
    slot = InvitationCheckSlot.id == claim.slot_pk
    if claim.previous is None:
        session.execute(delete(InvitationCheckSlot).where(slot))
    else:
        session.execute(
            update(InvitationCheckSlot)
            .where(slot)
            .values(failed_at=claim.previous)
            .execution_options(synchronize_session=False)
        )


def forget_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete the slots freed more than a window ago; returns how many."""
    settings = get_settings()
    cutoff = (now or utcnow()) - timedelta(minutes=settings.invitation_check_window_minutes)
    result = session.execute(
        delete(InvitationCheckSlot)
        .where(InvitationCheckSlot.failed_at <= cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def verify_invitation_limited(
    session: Session,
    company_id: CompanyId,
    code: str,
    *,
    now: datetime | None = None,
) -> LimitedCheck:
    """``invitations.verify_invitation`` behind the per-code and per-company limits (above).

    Run it in one transaction (``session_scope``): the claimed slots, the lookup and the
    release of the slots on a match commit or roll back together.
    """
    settings = get_settings()
    limit = settings.invitation_check_limit
    window = timedelta(minutes=settings.invitation_check_window_minutes)
    now = now or utcnow()
    code = normalise_code(code)
    # Housekeeping here rather than in a scheduled job: random guesses create one row per
    # guessed code, and they must not pile up.
    forget_expired(session, now=now)
    code_claim = _claim(session, Scope.CODE, _key(Scope.CODE, code), now, limit, window)
    if code_claim is None:
        return LimitedCheck(None)  # this code failed too often: not looked up
    company_key = _key(Scope.COMPANY, _company_value(company_id))
    company_claim = _claim(session, Scope.COMPANY, company_key, now, limit, window)
    check = verify_invitation(session, company_id, code, now=now)
    if check.status is not InvitationStatus.MISMATCH:
        # The code is this company's (valid, expired or used): nobody else's failures stop it.
        for taken in (code_claim, company_claim):
            if taken is not None:
                _release(session, taken)
        return LimitedCheck(check)
    if company_claim is None:
        return LimitedCheck(None)  # a wrong code, past the company's limit: the lock's answer
    return LimitedCheck(check)


def failed_checks(
    session: Session,
    *,
    code: str | None = None,
    company_id: CompanyId | None = None,
    now: datetime | None = None,
) -> int:
    """How many failed checks of ``code`` (or of ``company_id``) fall within the window."""
    if (code is None) == (company_id is None):
        raise ValueError("give either a code or a company ID")
    settings = get_settings()
    cutoff = (now or utcnow()) - timedelta(minutes=settings.invitation_check_window_minutes)
    if code is not None:
        key = _key(Scope.CODE, normalise_code(code))
        scope = Scope.CODE
    else:
        key = _key(Scope.COMPANY, _company_value(company_id))
        scope = Scope.COMPANY
    return session.scalar(
        select(func.count())
        .select_from(InvitationCheckSlot)
        .where(InvitationCheckSlot.scope == scope.value, InvitationCheckSlot.key == key)
        .where(InvitationCheckSlot.failed_at > cutoff)
    )


def retry_after(
    session: Session, company_id: CompanyId, code: str, *, now: datetime | None = None
) -> datetime | None:
    """When a check of ``code`` for ``company_id`` will be looked up again, or None if now.

    Each full scope (code, company ID) frees a slot when its oldest failure leaves the window;
    the check needs both. The same moment holds for any conversation: the slots are shared.
    """
    settings = get_settings()
    limit = settings.invitation_check_limit
    window = timedelta(minutes=settings.invitation_check_window_minutes)
    now = now or utcnow()
    free_at = None
    for scope, value in (
        (Scope.CODE, normalise_code(code)),
        (Scope.COMPANY, _company_value(company_id)),
    ):
        busy = session.scalars(
            select(InvitationCheckSlot.failed_at)
            .where(
                InvitationCheckSlot.scope == scope.value,
                InvitationCheckSlot.key == _key(scope, value),
            )
            .where(InvitationCheckSlot.slot < limit, InvitationCheckSlot.failed_at > now - window)
            .order_by(InvitationCheckSlot.failed_at)
        ).all()
        if len(busy) >= limit:
            scope_free_at = busy[0] + window
            free_at = scope_free_at if free_at is None else max(free_at, scope_free_at)
    return free_at


# --- mail requests ---------------------------------------------------------------------------

MAIL_WINDOW = timedelta(hours=1)


class MailScope(str, Enum):
    # Resends and address corrections asked in the conversation that submitted the
    # registration: what the conversation answers depends on this count only, the same
    # whether the address has an account or not.
    CONVERSATION = "conversation"
    # "Resend the activation email" for an address, from a conversation that did not create
    # the account: counted per address typed, whoever types it.
    ADDRESS = "address"
    # "An account already exists for this address" mails, per recipient, for every caller.
    ACCOUNT_EXISTS = "account_exists"


def _mail_key(scope: MailScope, value: str) -> str:
    return hashlib.sha256(f"{scope.value}:{value}".encode()).hexdigest()


def take_mail_request(
    session: Session, scope: MailScope, value: str, limit: int, *, now: datetime | None = None
) -> bool:
    """Count one request of ``scope`` for ``value`` (a conversation id, an address), unless
    ``limit`` requests were counted within the hour: then False, and nothing is counted."""
    now = now or utcnow()
    key = _mail_key(scope, value)
    taken = session.scalar(
        select(func.count())
        .select_from(MailRequest)
        .where(MailRequest.scope == scope.value, MailRequest.key == key)
        .where(MailRequest.requested_at > now - MAIL_WINDOW)
    )
    if taken >= limit:
        return False
    session.add(MailRequest(scope=scope.value, key=key, requested_at=now))
    session.flush()
    return True


def forget_old_mail_requests(session: Session, *, now: datetime | None = None) -> int:
    """Delete the requests older than the window (housekeeping); returns how many."""
    cutoff = (now or utcnow()) - MAIL_WINDOW
    result = session.execute(
        delete(MailRequest)
        .where(MailRequest.requested_at <= cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
