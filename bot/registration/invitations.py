"""Invitations in the database: creation, and verification of a code against a company
identifier (the code's text form is bot/checks/invitation_codes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import generate_code, is_custom_code, normalise_code
from bot.db import utcnow
from bot.models import Invitation

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


def create_invitation(
    session: Session,
    company_id: CompanyId,
    customer: str,
    *,
    code: str | None = None,
    issued_at: datetime | None = None,
    supplier_email: str | None = None,
) -> Invitation:
    """Store a new invitation; ``code`` may be imposed (normalised), else it is random."""
    if code is not None:
        code = normalise_code(code)
        if not is_custom_code(code):
            raise ValueError("an invitation code has 6 to 32 letters or digits")
    invitation = Invitation(
        code=code or generate_code(),
        customer=customer.strip(),
        country=company_id.country,
        company_id=company_id.value,
        supplier_email=supplier_email,
        issued_at=issued_at or utcnow(),
    )
    session.add(invitation)
    session.flush()
    return invitation


def find_invitation(session: Session, code: str) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.code == normalise_code(code)))


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
