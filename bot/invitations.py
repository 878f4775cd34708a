"""Invitation codes: creation, normalisation and verification against a company identifier.

A code is 16 characters of Crockford's base 32 (80 random bits), shown in groups of four:
``K7M4-PQ2X-9RTB-3HWD``. That alphabet has no I, L, O or U, and reading accepts the look-alikes
(O for 0, I and L for 1) in any case, so a code copied by hand from an email still works.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.identifiers import CompanyId
from bot.models import Invitation

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits of entropy
VALIDITY = relativedelta(months=3)  # "Le code d'invitation est valable 3 mois"

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_CUSTOM_CODE = re.compile(r"^[0-9A-Z]{6,32}$")
# A code as people paste it: 16 symbols, optionally in groups of four.
# Overlapping matches (inside a lookahead) because words before a code can look like a group:
# in "mon code ABCD EFGH IJKL MNOP", "code ABCD EFGH IJKL" matches too.
_CODE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?=([0-9A-Za-z]{4}(?:[ \-]?[0-9A-Za-z]{4}){3})(?![0-9A-Za-z]))"
)


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


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The stored form of a code: upper case, no separators, look-alike letters mapped."""
    return _SEPARATORS.sub("", text.strip()).upper().translate(_LOOKALIKES)


def format_code(code: str) -> str:
    """``K7M4PQ2X9RTB3HWD`` -> ``K7M4-PQ2X-9RTB-3HWD`` (other lengths are left as they are)."""
    if len(code) != CODE_LENGTH:
        return code
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def mask_code(code: str) -> str:
    """A code is a credential until used: logs and summaries show only its first 4 symbols."""
    normalised = normalise_code(code)
    return normalised[:4] + "…" if len(normalised) > 4 else "…"


def extract_code(text: str) -> str | None:
    """Find an invitation code in free text ("mon code est k7m4 pq2x 9rtb 3hwd")."""
    candidates = [m.group(1) for m in _CODE_IN_TEXT.finditer(text)]
    if candidates:
        # Random codes nearly always hold digits and words do not; among equals, people put
        # the code at the end of their sentence.
        best = max(enumerate(candidates), key=lambda ic: (sum(c.isdigit() for c in ic[1]), ic[0]))
        return normalise_code(best[1])
    # Codes chosen by a customer (``--code``) need not have 16 symbols: accept a lone token.
    tokens = [t for t in re.split(r"[\s,;:]+", text.strip()) if t]
    candidates = [normalise_code(t) for t in tokens if any(c.isdigit() for c in t)]
    if len(candidates) == 1 and _CUSTOM_CODE.match(candidates[0]):
        return candidates[0]
    if len(tokens) == 1 and _CUSTOM_CODE.match(normalise_code(tokens[0])):
        return normalise_code(tokens[0])
    return None


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
        if not _CUSTOM_CODE.match(code):
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
