"""Returning suppliers: "I did not get the activation email" from any conversation.

The conversation asks for the address and answers the same whatever it is ("if an account is
waiting for activation at this address, a new email has been sent"). To reveal nothing, not
even by its timing, the conversation only queues the request (:func:`request_activation_email`:
the same insert for every address) and answers at once; the outbox sender's housekeeping then
looks the address up and sends what applies (:func:`process_activation_requests`):

- an account waiting for activation: a new activation email (the previous link stops
  working), at most ``resend_limit_per_hour`` an hour and ``resend_limit_per_day`` a day per
  account;
- an account already active: a mail saying so, with the login link (capped per address like
  the "account already exists" mails);
- no account: nothing.

The conversation's own limit is per address typed (3 an hour, whoever types it): it counts
requests, not accounts, so reaching it reveals nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.mail.outbox import queue_mail
from bot.models import Account, ActivationRequest
from bot.registration.accounts import ResendStatus, find_account, resend_activation
from bot.registration.limits import MailScope, take_mail_request
from bot.settings import get_settings


def request_activation_email(
    session: Session, email: str, language: str, *, now: datetime | None = None
) -> ResendStatus:
    """Queue a new activation email for ``email`` (a valid address); SENT or RATE_LIMITED,
    the same for every address."""
    now = now or utcnow()
    address = email.strip().lower()
    limit = get_settings().resend_limit_per_hour
    if not take_mail_request(session, MailScope.ADDRESS, address, limit, now=now):
        return ResendStatus.RATE_LIMITED
    session.add(ActivationRequest(email=address, language=language, requested_at=now))
    session.flush()
    return ResendStatus.SENT


@dataclass
class Processed:
    requests: int = 0
    activation_emails: int = 0
    already_active_emails: int = 0


def process_activation_requests(
    session: Session, *, now: datetime | None = None, batch: int = 100
) -> Processed:
    """Send what the queued requests call for, then delete them (the addresses go with them).

    Two senders may run: each request is deleted in the transaction that handles it, and
    on PostgreSQL a request another sender holds is skipped (FOR UPDATE SKIP LOCKED; SQLite
    runs one writing transaction at a time).
    """
    now = now or utcnow()
    done = Processed()
    requests = session.scalars(
        select(ActivationRequest)
        .order_by(ActivationRequest.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    for request in requests.all():
        account = find_account(session, request.email)
        if account is not None and account.status == "pending":
            if resend_activation(session, account.id, now=now).status is ResendStatus.SENT:
                done.activation_emails += 1
        elif account is not None and _tell_already_active(session, account, now):
            done.already_active_emails += 1
        session.delete(request)
        done.requests += 1
    session.flush()
    return done


def _tell_already_active(session: Session, account: Account, now: datetime) -> bool:
    settings = get_settings()
    limit = settings.account_exists_mails_per_hour
    if not take_mail_request(session, MailScope.ACCOUNT_EXISTS, account.email, limit, now=now):
        return False
    login_url = settings.platform_url
    queue_mail(session, "account_active", account.email, account.language, login_url=login_url)
    return True
