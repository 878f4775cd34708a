"""Staff accounts: support agents and analysts, created on the command line only.

Passwords are hashed with Argon2id (:mod:`bot.checks.passwords`); a staff password must meet
the suppliers' rule, not be guessable, and be at least 12 characters long: a console account
reads every conversation.
"""

from __future__ import annotations

import functools
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checks.email_addresses import check_email
from bot.checks.passwords import check_password, hash_password, verify_password
from bot.db import utcnow
from bot.models import StaffAccount

STAFF_MIN_PASSWORD_LENGTH = 12


class Role(str, Enum):
    SUPPORT = "support"  # tickets, account lookup, resending activation emails
    ANALYST = "analyst"  # conversation review, the report, the training inbox, access log


class StaffError(ValueError):
    """A refused staff command: the message says why, in one line."""


def normalise_email(email: str) -> str:
    check = check_email(email)
    if not check.ok:
        raise StaffError(f"{email!r} is not a valid email address")
    return check.address


def password_problems(password: str, email: str) -> list[str]:
    """Why ``password`` may not protect a staff account (empty: it may)."""
    problems = [rule.value for rule in check_password(password, email)]
    if len(password) < STAFF_MIN_PASSWORD_LENGTH:
        problems = [f"at least {STAFF_MIN_PASSWORD_LENGTH} characters"] + [
            p for p in problems if p != "min_length"
        ]
    return problems


def add_staff(session: Session, email: str, role: Role, password: str) -> StaffAccount:
    address = normalise_email(email)
    if find_staff(session, address) is not None:
        raise StaffError(f"a staff account already exists for {address}")
    problems = password_problems(password, address)
    if problems:
        raise StaffError("password refused: " + ", ".join(problems))
    account = StaffAccount(
        email=address, role=Role(role).value, password_hash=hash_password(password)
    )
    session.add(account)
    session.flush()
    return account


def find_staff(session: Session, email: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.email == email.strip().lower()))


def list_staff(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.email)))


def remove_staff(session: Session, email: str) -> bool:
    """Delete the account; its sessions stop working at their next request."""
    account = find_staff(session, email)
    if account is None:
        return False
    session.delete(account)
    session.flush()
    return True


@functools.cache
def _decoy_hash() -> str:
    return hash_password("not the password of anyone: a decoy")


def authenticate(session: Session, email: str, password: str) -> StaffAccount | None:
    """The account whose password this is, else None. An unknown address costs the same
    Argon2 verification as a known one, so timing does not tell which addresses exist."""
    account = find_staff(session, email) if len(email) <= 320 else None
    if account is None:
        verify_password(_decoy_hash(), password)
        return None
    if not verify_password(account.password_hash, password):
        return None
    account.last_sign_in_at = utcnow()
    return account


def end_sessions(session: Session, staff_id: int) -> None:
    """Every session this account signed in before now is refused from now on."""
    account = session.get(StaffAccount, staff_id)
    if account is not None:
        account.session_epoch += 1
