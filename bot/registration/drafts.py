"""Registration drafts: what a conversation must keep server-side between turns.

Only the password hash and the invitation code (until the account exists), and what the
conversation submitted (for "resend the activation email" and "correct my address" later in the
same conversation). Abandoned drafts are deleted after DRAFT_RETENTION_HOURS
(:func:`expire_drafts`, run by the outbox sender's housekeeping).

Resend and correction answer the same whether the address submitted has an account or not:
what the conversation was told is ``submitted_email``, whatever the accounts table says, and
how often it may ask depends on its own requests only (``MailScope.CONVERSATION``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.db import utcnow
from bot.models import Account, RegistrationDraft
from bot.registration.accounts import (
    Registration,
    ResendResult,
    ResendStatus,
    change_pending_email,
    queue_account_exists,
    register,
    resend_activation,
)
from bot.registration.limits import MailScope, take_mail_request
from bot.settings import get_settings


def _draft(session: Session, conversation_id: str) -> RegistrationDraft:
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is None:
        draft = RegistrationDraft(conversation_id=conversation_id)
        session.add(draft)
    return draft


def save_password_hash(session: Session, conversation_id: str, password_hash: str) -> None:
    _draft(session, conversation_id).password_hash = password_hash
    session.flush()


def save_invitation_code(session: Session, conversation_id: str, code: str) -> None:
    """Keep the conversation's invitation code: the tracker store masks it in slots."""
    _draft(session, conversation_id).invitation_code = code
    session.flush()


def save_email(session: Session, conversation_id: str, email: str) -> None:
    """Keep the address the supplier confirmed: the web app checks the widget's password
    against it (bot/web/password.py), outside the conversation."""
    _draft(session, conversation_id).confirmed_email = email
    session.flush()


def email_for(session: Session, conversation_id: str) -> str | None:
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.confirmed_email if draft else None


def invitation_code_for(session: Session, conversation_id: str) -> str | None:
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.invitation_code if draft else None


def password_hash_for(session: Session, conversation_id: str) -> str | None:
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.password_hash if draft else None


def mark_submitted(
    session: Session,
    conversation_id: str,
    email: str,
    account_pk: int | None,
    *,
    retry: Registration | None = None,
) -> None:
    """The registration was submitted: the hash and the confirmed address are no longer
    needed here.

    ``account_pk`` is None when the address already had an account (nothing was created); an
    account created earlier in this conversation is then kept, so that resend and correction
    still act on it.
    """
    draft = _draft(session, conversation_id)
    if account_pk is not None:
        draft.account_pk = account_pk
    draft.submitted_email = email
    # No password is asked any more: the masked field refuses one until an address is
    # confirmed for another registration (it accepted and hashed one for nothing).
    draft.confirmed_email = None
    if retry is None:  # the invitation opened the account: its code is no longer needed
        draft.password_hash = None
        draft.pending_registration = None
        draft.invitation_code = None
    else:  # keep what a retry with another address needs, the hash included
        draft.password_hash = retry.password_hash
        draft.pending_registration = json.dumps(_registration_fields(retry))
    session.flush()


def _registration_fields(registration: Registration) -> dict:
    fields = asdict(registration)
    fields.pop("password_hash")
    fields.pop("email")
    return fields


def pending_registration(session: Session, conversation_id: str) -> Registration | None:
    """The registration kept for a retry with a corrected address, if any."""
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is None or not draft.pending_registration or not draft.password_hash:
        return None
    fields = json.loads(draft.pending_registration)
    fields["company_id"] = CompanyId(**fields["company_id"])
    return Registration(email=draft.submitted_email, password_hash=draft.password_hash, **fields)


def submitted_email(session: Session, conversation_id: str) -> str | None:
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.submitted_email if draft else None


def account_for(session: Session, conversation_id: str) -> int | None:
    """The account created in this conversation, if any."""
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.account_pk if draft else None


def forget_password(session: Session, conversation_id: str) -> None:
    """Registration cancelled or password to be typed again: drop the hash."""
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is not None:
        # The code of an invitation link stays: the conversation keeps it for a new start.
        if draft.submitted_email is None and draft.invitation_code is None:
            session.execute(
                delete(RegistrationDraft).where(
                    RegistrationDraft.conversation_id == conversation_id
                )
            )
        else:
            draft.password_hash = None
        session.flush()


def _may_send(session: Session, conversation_id: str, now: datetime | None) -> bool:
    limit = get_settings().resend_limit_per_hour
    return take_mail_request(session, MailScope.CONVERSATION, conversation_id, limit, now=now)


def _own_account(session: Session, draft: RegistrationDraft) -> Account | None:
    """The account this conversation created, if the address it was last told is its own."""
    account = session.get(Account, draft.account_pk) if draft.account_pk else None
    return account if account is not None and account.email == draft.submitted_email else None


def resend(
    session: Session,
    conversation_id: str,
    language: str,
    *,
    now: datetime | None = None,
) -> ResendResult:
    """ "Resend the activation email" in the conversation that submitted the registration.

    A new activation email when the address submitted is the account's; otherwise (the
    address had an account already) its owner is told again, capped per address. The answer
    is the same either way, and so is the limit: 3 requests an hour for the conversation.
    """
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is None or draft.submitted_email is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    address = draft.submitted_email
    account = _own_account(session, draft)
    if account is not None and account.status == "active":
        return ResendResult(ResendStatus.ALREADY_ACTIVE, address)
    if not _may_send(session, conversation_id, now):
        return ResendResult(ResendStatus.RATE_LIMITED, address)
    if account is not None:
        resend_activation(session, account.id, now=now, limited=False)
    else:
        queue_account_exists(session, address, language, now=now)
    return ResendResult(ResendStatus.SENT, address)


def correct_address(
    session: Session, conversation_id: str, new_email: str, *, now: datetime | None = None
) -> ResendResult:
    """Correct the address of the registration this conversation submitted.

    A pending account gets the new address and a new activation email. When the first address
    already had an account (nothing was created), the kept registration is submitted again
    with the new address. When the new address has an account, nothing changes but its
    owner is told. In every case the conversation is told the same, and later resends act on
    the address it was told. Counts as a resend for the conversation's hourly limit.
    """
    new_email = new_email.strip().lower()
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is None or draft.submitted_email is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    account_pk = draft.account_pk
    if account_pk is not None:
        account = session.get(Account, account_pk)
        if account is not None and account.status == "active":
            return ResendResult(ResendStatus.ALREADY_ACTIVE, account.email)
        if not _may_send(session, conversation_id, now):
            return ResendResult(ResendStatus.RATE_LIMITED, draft.submitted_email)
        result = change_pending_email(session, account_pk, new_email, now=now)
        if result.status in (ResendStatus.SENT, ResendStatus.EMAIL_TAKEN):
            mark_submitted(session, conversation_id, new_email, account_pk)
        return result
    retry = pending_registration(session, conversation_id)
    if retry is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    if not _may_send(session, conversation_id, now):
        return ResendResult(ResendStatus.RATE_LIMITED, draft.submitted_email)
    retry = replace(retry, email=new_email)
    outcome = register(session, retry, now=now, reserved=True)
    if not outcome.looks_created:  # the invitation opened an account meanwhile
        return ResendResult(ResendStatus.NOT_FOUND)
    mark_submitted(
        session,
        conversation_id,
        retry.email,
        outcome.account_pk,
        retry=retry if outcome.account_pk is None else None,
    )
    status = ResendStatus.SENT if outcome.account_pk else ResendStatus.EMAIL_TAKEN
    return ResendResult(status, retry.email)


@dataclass(frozen=True)
class Expired:
    deleted: int  # abandoned drafts deleted whole
    scrubbed: int  # drafts of a created account: their secrets and details cleared


def expire_drafts(session: Session, *, now: datetime | None = None) -> Expired:
    """Delete the drafts not touched for DRAFT_RETENTION_HOURS.

    An abandoned draft (no account created: a password hash, an invitation code, a
    registration kept for a corrected address) is deleted whole; the draft of a conversation
    that created an account keeps only which account it was (the analysts' report counts
    activations by conversation) and the address it was told.
    """
    hours = get_settings().draft_retention_hours
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    old = RegistrationDraft.updated_at < cutoff
    deleted = session.execute(
        delete(RegistrationDraft)
        .where(old, RegistrationDraft.account_pk.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    secrets_left = (
        RegistrationDraft.password_hash.is_not(None)
        | RegistrationDraft.pending_registration.is_not(None)
        | RegistrationDraft.invitation_code.is_not(None)
    )
    scrubbed = session.execute(
        update(RegistrationDraft)
        .where(old, RegistrationDraft.account_pk.is_not(None), secrets_left)
        .values(password_hash=None, pending_registration=None, invitation_code=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return Expired(deleted, scrubbed)
