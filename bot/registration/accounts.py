"""Accounts: creation in one transaction, activation by emailed token, resend, email change.

Every function works in the caller's session and leaves the commit to the caller
(``with session_scope() as session: ...``), except where a constraint violation forces a
rollback, which is said in the docstring.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import urlencode

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.checks.language import DEFAULT_LANGUAGE
from bot.db import utcnow
from bot.mail.outbox import queue_mail
from bot.models import Account, ActivationToken, Company, Contact, Invitation
from bot.registration.invitations import InvitationStatus, opened_an_account, verify_invitation
from bot.registration.limits import MailScope, take_mail_request
from bot.settings import get_settings

TOKEN_BYTES = 32  # 256 bits


@dataclass(frozen=True)
class Registration:
    """What the conversation collected; the password is already hashed."""

    company_id: CompanyId
    invitation_code: str
    email: str
    password_hash: str
    first_name: str
    last_name: str
    phone: str  # E.164
    job_title: str | None = None
    language: str = DEFAULT_LANGUAGE

    def __repr__(self) -> str:  # never print a hash or a code in a log line
        return f"Registration(company_id={self.company_id!r}, language={self.language!r})"


class RegistrationStatus(str, Enum):
    CREATED = "created"
    # An account already has this email: a mail tells its owner, and the conversation says
    # exactly what it says for CREATED, so that nobody learns who has an account.
    EMAIL_TAKEN = "email_taken"
    INVITATION_MISMATCH = "invitation_mismatch"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"


@dataclass(frozen=True)
class RegistrationResult:
    status: RegistrationStatus
    account_pk: int | None = None
    customer: str | None = None  # who invited, to name them in an explanation

    @property
    def looks_created(self) -> bool:
        """What the user may be told: an activation email is on its way to the address."""
        return self.status in (RegistrationStatus.CREATED, RegistrationStatus.EMAIL_TAKEN)


_INVITATION_FAILURES = {
    InvitationStatus.MISMATCH: RegistrationStatus.INVITATION_MISMATCH,
    InvitationStatus.EXPIRED: RegistrationStatus.INVITATION_EXPIRED,
    InvitationStatus.USED: RegistrationStatus.INVITATION_USED,
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.strip().lower()))


def queue_account_exists(
    session: Session, email: str, language: str, *, now: datetime | None = None
) -> bool:
    """Tell the owner of ``email`` that someone tried to register it (or asked for a resend).

    At most ACCOUNT_EXISTS_MAILS_PER_HOUR such mails per address and hour, whoever causes
    them: beyond, nothing is sent, and the caller answers the same (nothing reveals the cap).
    True when the mail was queued.
    """
    email = email.strip().lower()
    limit = get_settings().account_exists_mails_per_hour
    if not take_mail_request(session, MailScope.ACCOUNT_EXISTS, email, limit, now=now):
        return False
    queue_mail(
        session,
        "account_exists",
        email,
        language,
        login_url=get_settings().platform_url,
        support_email=get_settings().support_email,
    )
    return True


def _company(session: Session, company_id: CompanyId, now: datetime) -> Company:
    """The company's row, created if needed without failing when another supplier of the
    same company registers at the same moment (INSERT ... ON CONFLICT DO NOTHING)."""
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[dialect]
    session.execute(
        insert(Company)
        .values(country=company_id.country, company_id=company_id.value, created_at=now)
        .on_conflict_do_nothing(index_elements=["country", "company_id"])
    )
    return session.scalar(
        select(Company).where(
            Company.country == company_id.country, Company.company_id == company_id.value
        )
    )


def _claim_invitation(session: Session, invitation_pk: int, now: datetime) -> bool:
    """Compare-and-set: of two transactions racing on one invitation, only one updates it."""
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_pk, Invitation.used_at.is_(None))
        .values(used_at=now)
    )
    return claimed.rowcount == 1


def register(
    session: Session,
    registration: Registration,
    *,
    now: datetime | None = None,
    reserved: bool = False,
) -> RegistrationResult:
    """Create a pending account, its contact, its activation token and activation email.

    All of it is one transaction: the invitation is marked used only if the account is
    created, or if the address already has an account (see below). When a concurrent
    registration wins a race (same invitation or same email), the transaction is rolled back
    and the loser gets the matching status, never an error.

    An address that already has an account creates nothing, but uses the invitation all the
    same, for the registration kept to be submitted again with a corrected address
    (``reserved=True``: the invitation was used that way, and opened no account). Otherwise
    one invitation would let a script send "account already exists" mails to address after
    address, and trying the invitation again would tell whether an address has an account.
    """
    now = now or utcnow()
    email = registration.email.strip().lower()
    check = verify_invitation(
        session, registration.company_id, registration.invitation_code, now=now
    )
    claimed_before = (
        reserved
        and check.status is InvitationStatus.USED
        and not opened_an_account(session, check.invitation_pk)
    )
    if not (check.ok or claimed_before):
        return RegistrationResult(_INVITATION_FAILURES[check.status], customer=check.customer)
    if not claimed_before and not _claim_invitation(session, check.invitation_pk, now):
        return RegistrationResult(RegistrationStatus.INVITATION_USED, customer=check.customer)
    existing = find_account(session, email)
    if existing is not None:
        # In the account owner's language: the mail is theirs, not the registering person's.
        queue_account_exists(session, email, existing.language, now=now)
        return RegistrationResult(RegistrationStatus.EMAIL_TAKEN)
    try:
        company = _company(session, registration.company_id, now)
        account = Account(
            email=email,
            password_hash=registration.password_hash,
            language=registration.language,
            status="pending",
            company_pk=company.id,
            invitation_pk=check.invitation_pk,
            terms_accepted_at=now,
            created_at=now,
        )
        account.contact = Contact(
            first_name=registration.first_name,
            last_name=registration.last_name,
            phone=registration.phone,
            job_title=registration.job_title,
        )
        session.add(account)
        session.flush()
    except IntegrityError:
        # The email (or, for a kept registration submitted twice at once, the invitation)
        # was taken by a concurrent transaction between our check and insert.
        session.rollback()
        if not claimed_before and not _claim_invitation(session, check.invitation_pk, now):
            return RegistrationResult(RegistrationStatus.INVITATION_USED, customer=check.customer)
        existing = find_account(session, email)
        owner_language = existing.language if existing is not None else registration.language
        queue_account_exists(session, email, owner_language, now=now)
        return RegistrationResult(RegistrationStatus.EMAIL_TAKEN)
    _issue_token_and_mail(session, account, now)
    return RegistrationResult(RegistrationStatus.CREATED, account.id)


def _void_live_tokens(session: Session, account: Account, now: datetime) -> None:
    session.execute(
        update(ActivationToken)
        .where(
            ActivationToken.account_pk == account.id,
            ActivationToken.used_at.is_(None),
            ActivationToken.voided_at.is_(None),
        )
        .values(voided_at=now)
    )


def _issue_token_and_mail(session: Session, account: Account, now: datetime) -> None:
    """Void the account's live tokens, create a new one and queue its activation email."""
    _void_live_tokens(session, account, now)
    settings = get_settings()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        ActivationToken(
            account_pk=account.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(hours=settings.activation_token_hours),
        )
    )
    company = account.company or session.get(Company, account.company_pk)
    queue_mail(
        session,
        "activation",
        account.email,
        account.language,
        secret=token,
        first_name=account.contact.first_name,
        company=CompanyId(company.country, company.company_id).display(),
        activation_url=settings.link("/activate?" + urlencode({"token": token})),
        valid_hours=settings.activation_token_hours,
    )
    session.flush()


class ActivationStatus(str, Enum):
    ACTIVATED = "activated"
    ALREADY_ACTIVE = "already_active"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"  # a newer activation email was sent since
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ActivationResult:
    status: ActivationStatus
    language: str = DEFAULT_LANGUAGE
    email: str | None = None


def _token_row(session: Session, token: str) -> ActivationToken | None:
    if not token or len(token) > 200:
        return None
    return session.scalar(
        select(ActivationToken).where(ActivationToken.token_hash == hash_token(token))
    )


def inspect_token(session: Session, token: str, *, now: datetime | None = None) -> ActivationResult:
    """What :func:`activate` would answer, without changing anything (for the GET page)."""
    return _activation(session, token, now or utcnow(), commit=False)


def activate(session: Session, token: str, *, now: datetime | None = None) -> ActivationResult:
    """Activate the account of ``token``; a token works once and only until it expires."""
    return _activation(session, token, now or utcnow(), commit=True)


def _activation(session: Session, token: str, now: datetime, *, commit: bool) -> ActivationResult:
    row = _token_row(session, token)
    if row is None:
        return ActivationResult(ActivationStatus.UNKNOWN)
    account = row.account
    result = dict(language=account.language, email=account.email)
    if account.status == "active":
        return ActivationResult(ActivationStatus.ALREADY_ACTIVE, **result)
    if row.voided_at is not None:
        return ActivationResult(ActivationStatus.SUPERSEDED, **result)
    if now >= row.expires_at:
        return ActivationResult(ActivationStatus.EXPIRED, **result)
    if commit:
        done = session.execute(
            update(ActivationToken)
            .where(ActivationToken.id == row.id, ActivationToken.used_at.is_(None))
            .values(used_at=now)
        )
        if done.rowcount != 1:  # a concurrent click won
            return ActivationResult(ActivationStatus.ALREADY_ACTIVE, **result)
        account.status = "active"
        account.activated_at = now
        session.flush()
    return ActivationResult(ActivationStatus.ACTIVATED, **result)


class ResendStatus(str, Enum):
    SENT = "sent"
    RATE_LIMITED = "rate_limited"
    ALREADY_ACTIVE = "already_active"
    EMAIL_TAKEN = "email_taken"  # email change only; told to the user like SENT
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class ResendResult:
    status: ResendStatus
    email: str | None = None


def _too_many_resends(session: Session, account: Account, now: datetime) -> bool:
    """Activation emails sent again (the first one does not count): a few an hour, and a few
    more a day. Anyone who knows an address can ask, and each resend voids the link its owner
    may be about to click."""
    settings = get_settings()
    first_token = session.scalar(
        select(func.min(ActivationToken.id)).where(ActivationToken.account_pk == account.id)
    )
    today = session.scalars(
        select(ActivationToken.created_at).where(
            ActivationToken.account_pk == account.id,
            ActivationToken.id != first_token,
            ActivationToken.created_at > now - timedelta(days=1),
        )
    ).all()
    this_hour = [created for created in today if created > now - timedelta(hours=1)]
    return (
        len(this_hour) >= settings.resend_limit_per_hour
        or len(today) >= settings.resend_limit_per_day
    )


def resend_activation(
    session: Session, account_pk: int, *, now: datetime | None = None, limited: bool = True
) -> ResendResult:
    """Send a new activation email (the previous link stops working), a few times an hour and
    a day (``limited``: the conversation that created the account counts its own requests
    instead, bot/registration/drafts.py)."""
    now = now or utcnow()
    account = session.get(Account, account_pk)
    if account is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    if account.status == "active":
        return ResendResult(ResendStatus.ALREADY_ACTIVE, account.email)
    if limited and _too_many_resends(session, account, now):
        return ResendResult(ResendStatus.RATE_LIMITED, account.email)
    _issue_token_and_mail(session, account, now)
    return ResendResult(ResendStatus.SENT, account.email)


def change_pending_email(
    session: Session, account_pk: int, new_email: str, *, now: datetime | None = None
) -> ResendResult:
    """Correct the address of an account still waiting for activation, and send it there.

    If ``new_email`` already has an account, nothing changes but the links sent so far stop
    working, as they would after a real change, and its owner is told by mail (at most
    ACCOUNT_EXISTS_MAILS_PER_HOUR an hour): the caller answers as for SENT, and neither the
    answer nor the activation page reveals the account. The caller limits how often this is
    asked (bot/registration/drafts.py).
    """
    now = now or utcnow()
    new_email = new_email.strip().lower()
    account = session.get(Account, account_pk)
    if account is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    if account.status == "active":
        return ResendResult(ResendStatus.ALREADY_ACTIVE, account.email)
    if new_email == account.email:
        _issue_token_and_mail(session, account, now)
        return ResendResult(ResendStatus.SENT, new_email)
    if find_account(session, new_email) is not None:
        return _taken(session, account, new_email, now)
    account.email = new_email
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return _taken(session, session.get(Account, account_pk), new_email, now)
    _issue_token_and_mail(session, account, now)
    return ResendResult(ResendStatus.SENT, new_email)


def _taken(session: Session, account: Account, new_email: str, now: datetime) -> ResendResult:
    _void_live_tokens(session, account, now)
    queue_account_exists(session, new_email, account.language, now=now)
    return ResendResult(ResendStatus.EMAIL_TAKEN, new_email)


@dataclass(frozen=True)
class AccountSummary:
    """What support needs to answer a ticket; nothing secret."""

    email: str
    status: str
    country: str
    company_id: str
    company_display: str
    customer: str
    first_name: str
    last_name: str
    phone: str
    job_title: str | None
    language: str
    created_at: datetime
    activated_at: datetime | None


def account_summary(session: Session, email: str) -> AccountSummary | None:
    account = find_account(session, email)
    if account is None:
        return None
    company_id = CompanyId(account.company.country, account.company.company_id)
    return AccountSummary(
        email=account.email,
        status=account.status,
        country=company_id.country,
        company_id=company_id.value,
        company_display=company_id.display(),
        customer=account.invitation.customer,
        first_name=account.contact.first_name,
        last_name=account.contact.last_name,
        phone=account.contact.phone,
        job_title=account.contact.job_title,
        language=account.language,
        created_at=account.created_at,
        activated_at=account.activated_at,
    )
