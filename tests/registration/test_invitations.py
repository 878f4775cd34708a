from datetime import datetime, timedelta, timezone

import pytest

from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import (
    format_code,
)
from bot.registration.invitations import InvitationStatus, create_invitation, verify_invitation

LOREAL = CompanyId("FR", "732829320")
OTHER = CompanyId("FR", "552100554")
ISSUED = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)


def test_valid_code_for_its_company(session):
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    check = verify_invitation(session, LOREAL, format_code(invitation.code).lower(), now=ISSUED)
    assert check.status is InvitationStatus.VALID
    assert check.customer == "ACME"
    assert check.expires_at == datetime(2026, 4, 15, 9, 30, tzinfo=timezone.utc)


def test_unknown_code_and_foreign_code_get_the_same_answer(session):
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    unknown = verify_invitation(session, LOREAL, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", now=ISSUED)
    foreign = verify_invitation(session, OTHER, invitation.code, now=ISSUED)
    other_country = verify_invitation(session, CompanyId("BE", "732829320"), invitation.code)
    assert unknown == foreign == other_country
    assert unknown.status is InvitationStatus.MISMATCH
    assert unknown.customer is None and unknown.expires_at is None


def test_expiry_at_the_three_month_boundary(session):
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    boundary = datetime(2026, 4, 15, 9, 30, tzinfo=timezone.utc)
    just_before = verify_invitation(
        session, LOREAL, invitation.code, now=boundary - timedelta(seconds=1)
    )
    at = verify_invitation(session, LOREAL, invitation.code, now=boundary)
    assert just_before.status is InvitationStatus.VALID
    assert at.status is InvitationStatus.EXPIRED


def test_expired_is_only_said_when_the_company_matches(session):
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    later = ISSUED + timedelta(days=200)
    assert (
        verify_invitation(session, OTHER, invitation.code, now=later).status
        is InvitationStatus.MISMATCH
    )
    assert (
        verify_invitation(session, LOREAL, invitation.code, now=later).status
        is InvitationStatus.EXPIRED
    )


def test_used_invitation(session):
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    invitation.used_at = ISSUED + timedelta(days=1)
    session.flush()
    later = ISSUED + timedelta(days=200)  # used wins over expired: the account exists
    assert (
        verify_invitation(session, LOREAL, invitation.code, now=later).status
        is InvitationStatus.USED
    )


def test_imposed_codes_are_normalised_and_checked(session):
    invitation = create_invitation(session, LOREAL, "ACME", code="acme-2024-fr01")
    assert invitation.code == "ACME2024FR01"
    with pytest.raises(ValueError):
        create_invitation(session, LOREAL, "ACME", code="a!")


@pytest.mark.parametrize(
    "issued, expiry",
    [
        # 3 months end on 30 April (no 31st); 90 days would end on 1 May.
        (datetime(2026, 1, 31, 10, 0), datetime(2026, 4, 30, 10, 0)),
        # 3 months are 92 days here; 90 days would end on 13 August.
        (datetime(2026, 5, 15, 10, 0), datetime(2026, 8, 15, 10, 0)),
    ],
)
def test_valid_for_three_calendar_months_not_ninety_days(session, issued, expiry):
    issued, expiry = issued.replace(tzinfo=timezone.utc), expiry.replace(tzinfo=timezone.utc)
    invitation = create_invitation(session, LOREAL, "ACME", issued_at=issued)

    def status(now: datetime) -> InvitationStatus:
        return verify_invitation(session, LOREAL, invitation.code, now=now).status

    assert verify_invitation(session, LOREAL, invitation.code, now=issued).expires_at == expiry
    assert status(expiry - timedelta(minutes=1)) is InvitationStatus.VALID
    assert status(expiry) is InvitationStatus.EXPIRED
    assert status(expiry + timedelta(minutes=1)) is InvitationStatus.EXPIRED


# --- codes are kept as hashes -------------------------------------------------------------------


def test_the_table_keeps_a_hash_and_the_first_symbols_never_the_code(database, session):
    from pathlib import Path

    from bot.models import Invitation

    invitation = create_invitation(session, LOREAL, "ACME", issued_at=ISSUED)
    code = invitation.code  # in clear on the returned object only
    session.commit()
    session.expunge_all()
    stored = session.get(Invitation, invitation.id)
    assert stored.code is None
    assert stored.code_prefix == code[:4] and len(stored.code_hash) == 64
    # Found however it is typed: lower case, groups, look-alike letters.
    typed = format_code(code).lower().replace("0", "o").replace("1", "l")
    assert verify_invitation(session, LOREAL, typed, now=ISSUED).status is InvitationStatus.VALID
    session.commit()
    written = b"".join(p.read_bytes() for p in Path(database[10:]).parent.glob("onboarding.db*"))
    assert code.encode() not in written and format_code(code).encode() not in written


@pytest.mark.parametrize(
    "code, accepted",
    [
        ("K7M4-PQ2X-9RTB-3HWD", True),  # as generated
        ("k7m4pq2x9rtb3hwd", True),
        ("nwtd-2026", False),  # too short
        ("ACME-FR00-0000-0001", False),  # 8 distinct symbols, runs of zeros
        ("K7M4-PQ2X-9RTB-3HWU", False),  # U is not a symbol of the codes
        ("K7M4-PQ2X-9RTB-3HWD-XY", False),  # too long
        ("ABCD-EFGH-JKMN-PQRS", True),
        ("7777-PQ2X-9RTB-3HWD", False),  # a run of four
    ],
)
def test_an_imposed_code_must_be_as_strong_as_a_generated_one(code, accepted):
    from bot.registration.invitations import imposed_code_problem

    assert (imposed_code_problem(code) is None) is accepted
