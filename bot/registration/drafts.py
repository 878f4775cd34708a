"""Registration drafts: what a conversation must keep server-side between turns.

Only the password hash (until the account exists) and the account the conversation created
(for "resend the activation email" and "correct my address" later in the same conversation).
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.models import RegistrationDraft
from bot.registration.accounts import (
    Registration,
    ResendResult,
    ResendStatus,
    change_pending_email,
    register,
)


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
    """The registration was submitted: the hash is no longer needed here.

    ``account_pk`` is None when the address already had an account (nothing was created); an
    account created earlier in this conversation is then kept, so that resend and correction
    still act on it.
    """
    draft = _draft(session, conversation_id)
    if account_pk is not None:
        draft.account_pk = account_pk
    draft.submitted_email = email
    if retry is None:
        draft.password_hash = None
        draft.pending_registration = None
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


def correct_address(
    session: Session, conversation_id: str, new_email: str, *, now: datetime | None = None
) -> ResendResult:
    """Correct the address of the registration this conversation submitted.

    A pending account gets the new address and a new activation email. When the first address
    already had an account (nothing was created), the kept registration is submitted again
    with the new address, so that the user sees the same thing in both cases.
    """
    account_pk = account_for(session, conversation_id)
    if account_pk is not None:
        result = change_pending_email(session, account_pk, new_email, now=now)
        if result.status is ResendStatus.SENT:
            mark_submitted(session, conversation_id, result.email, account_pk)
        return result
    retry = pending_registration(session, conversation_id)
    if retry is None:
        return ResendResult(ResendStatus.NOT_FOUND)
    retry = replace(retry, email=new_email.strip().lower())
    outcome = register(session, retry, now=now)
    if not outcome.looks_created:  # the invitation was used or expired meanwhile
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
