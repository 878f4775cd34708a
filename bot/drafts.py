"""Registration drafts: what a conversation must keep server-side between turns.

Only the password hash (until the account exists) and the account the conversation created
(for "resend the activation email" and "correct my address" later in the same conversation).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.models import RegistrationDraft


def _draft(session: Session, conversation_id: str) -> RegistrationDraft:
    draft = session.get(RegistrationDraft, conversation_id)
    if draft is None:
        draft = RegistrationDraft(conversation_id=conversation_id)
        session.add(draft)
    return draft


def save_password_hash(session: Session, conversation_id: str, password_hash: str) -> None:
    _draft(session, conversation_id).password_hash = password_hash
    session.flush()


def password_hash_for(session: Session, conversation_id: str) -> str | None:
    draft = session.get(RegistrationDraft, conversation_id)
    return draft.password_hash if draft else None


def mark_submitted(
    session: Session, conversation_id: str, email: str, account_pk: int | None
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
    draft.password_hash = None
    session.flush()


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
        if draft.submitted_email is None:
            session.execute(
                delete(RegistrationDraft).where(
                    RegistrationDraft.conversation_id == conversation_id
                )
            )
        else:
            draft.password_hash = None
        session.flush()
