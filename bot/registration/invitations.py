"""Invitations in the database: creation, and verification of a code against a company
identifier (the code's text form is bot/checks/invitation_codes.py).

A code is a credential until used: the table keeps its SHA-256 (of the normalised code, so that
any way of typing it finds it) and its first 4 symbols, never the code itself. The code in clear
exists once, on the object :func:`create_invitation` returns (the command line prints it, the
invitation email carries it). A plain hash suffices because codes are random (80 bits): the
codes an operator imposes must be as hard to guess (:func:`imposed_code_problem`).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import (
    ALPHABET,
    CODE_LENGTH,
    generate_code,
    is_custom_code,
    normalise_code,
)
from bot.db import utcnow
from bot.models import Account, Invitation

VALIDITY = relativedelta(months=3)  # "Le code d'invitation est valable 3 mois"


class InvitationStatus(str, Enum):
    VALID = "valid"
    MISMATCH = "mismatch"  # unknown code, or a code associated with another company
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class InvitationCheck:
    status: InvitationStatus
    invitation_pk: int | None = None
    customer: str | None = None
    expires_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status is InvitationStatus.VALID


def expires_at(issued_at: datetime) -> datetime:
    return issued_at + VALIDITY


def hash_code(code: str) -> str:
    """What the table keeps of a code: the SHA-256 of its normalised form."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


# An imposed code must be as hard to guess as a generated one: 16 symbols of the codes'
# alphabet (80 bits if random) and none of the patterns people choose. The distinct-symbol
# floor refuses "ACME-FR00-0000-0001" (8 distinct) while a random code has fewer than 10
# distinct symbols about once in 150 (a generated one is then simply asked for).
_MIN_DISTINCT_SYMBOLS = 10
_MAX_RUN = 3  # "0000" is a pattern


def imposed_code_problem(code: str) -> str | None:
    """Why ``code`` may not be imposed on an invitation (``--code``), or None.

    Codes are stored as hashes, so a guessable code would be found from its hash as well as
    by trying it in the chat.
    """
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH or any(c not in ALPHABET for c in normalised):
        return (
            f"an imposed code has {CODE_LENGTH} letters or digits of {ALPHABET} (separators "
            "allowed), as generated codes do; leave --code out to get a random one"
        )
    runs = [len(list(g)) for _, g in itertools.groupby(normalised)]
    if len(set(normalised)) < _MIN_DISTINCT_SYMBOLS or max(runs) > _MAX_RUN:
        return "this code is too easy to guess (repeated symbols); leave --code out"
    return None


def create_invitation(
    session: Session,
    company_id: CompanyId,
    customer: str,
    *,
    code: str | None = None,
    issued_at: datetime | None = None,
    supplier_email: str | None = None,
) -> Invitation:
    """Store a new invitation; ``code`` may be imposed (normalised), else it is random.

    The returned object alone carries the code in clear (``invitation.code``).
    """
    if code is not None:
        code = normalise_code(code)
        if not is_custom_code(code):
            raise ValueError("an invitation code has 6 to 32 letters or digits")
    code = code or generate_code()
    invitation = Invitation(
        code_hash=hash_code(code),
        code_prefix=code[:4],
        customer=customer.strip(),
        country=company_id.country,
        company_id=company_id.value,
        supplier_email=supplier_email,
        issued_at=issued_at or utcnow(),
    )
    session.add(invitation)
    session.flush()
    invitation.code = code
    return invitation


def find_invitation(session: Session, code: str) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.code_hash == hash_code(code)))


def verify_invitation(
    session: Session, company_id: CompanyId, code: str, *, now: datetime | None = None
) -> InvitationCheck:
    """Check that ``code`` was issued for ``company_id`` and can still be used.

    An unknown code and a code issued for another company give the same answer, so that
    trying codes reveals nothing about which ones exist. Expiry and prior use are reported
    only once the code and the company match.
    """
    now = now or utcnow()
    invitation = find_invitation(session, code)
    if (
        invitation is None
        or invitation.country != company_id.country
        or invitation.company_id != company_id.value
    ):
        return InvitationCheck(InvitationStatus.MISMATCH)
    details = dict(
        invitation_pk=invitation.id,
        customer=invitation.customer,
        expires_at=expires_at(invitation.issued_at),
    )
    if invitation.used_at is not None:
        return InvitationCheck(InvitationStatus.USED, **details)
    if now >= details["expires_at"]:
        return InvitationCheck(InvitationStatus.EXPIRED, **details)
    return InvitationCheck(InvitationStatus.VALID, **details)


def list_invitations(session: Session) -> list[Invitation]:
    return list(session.scalars(select(Invitation).order_by(Invitation.issued_at.desc())))


def opened_an_account(session: Session, invitation_pk: int) -> bool:
    """Whether an account was created with this invitation (a used one may have opened none:
    its registration's address already had an account, bot/registration/accounts.py)."""
    opened = select(Account.id).where(Account.invitation_pk == invitation_pk)
    return session.scalar(opened) is not None


def release_unopened(session: Session, company_id: CompanyId) -> int:
    """Make usable again this company's invitations that were used by a registration which
    opened no account (its address already had one): support's answer to a supplier who was
    told the invitation has already been used. How many were released; none is released once
    an account was created with it."""
    used = session.scalars(
        select(Invitation).where(
            Invitation.country == company_id.country,
            Invitation.company_id == company_id.value,
            Invitation.used_at.is_not(None),
        )
    )
    released = 0
    for invitation in used:
        if not opened_an_account(session, invitation.id):
            invitation.used_at = None
            released += 1
    return released
