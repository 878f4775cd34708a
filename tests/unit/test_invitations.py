from datetime import datetime, timedelta, timezone

import pytest

from bot.identifiers import CompanyId
from bot.invitations import (
    ALPHABET,
    CODE_LENGTH,
    InvitationStatus,
    create_invitation,
    extract_code,
    format_code,
    generate_code,
    mask_code,
    normalise_code,
    verify_invitation,
)

LOREAL = CompanyId("FR", "732829320")
OTHER = CompanyId("FR", "552100554")
ISSUED = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)


def test_generated_codes_have_80_bits_from_an_unambiguous_alphabet():
    codes = {generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("ILOU") & set(ALPHABET)
    assert CODE_LENGTH * 5 >= 64  # 32 symbols = 5 bits each


@pytest.mark.parametrize(
    "typed",
    ["K7M4-PQ2X-9RTB-3HWD", "k7m4 pq2x 9rtb 3hwd", "K7M4PQ2X9RTB3HWD", " k7m4.pq2x.9rtb.3hwd "],
)
def test_codes_are_read_whatever_the_case_and_separators(typed):
    assert normalise_code(typed) == "K7M4PQ2X9RTB3HWD"


def test_look_alike_letters_are_read_as_digits():
    assert normalise_code("AOB1-IL00") == normalise_code("A0B1-1100")


def test_format_and_mask():
    assert format_code("K7M4PQ2X9RTB3HWD") == "K7M4-PQ2X-9RTB-3HWD"
    assert mask_code("K7M4-PQ2X-9RTB-3HWD") == "K7M4…"
    assert "PQ2X" not in mask_code("K7M4-PQ2X-9RTB-3HWD")


@pytest.mark.parametrize(
    "text",
    [
        "mon code est K7M4-PQ2X-9RTB-3HWD",
        "voici mon code k7m4 pq2x 9rtb 3hwd merci",
        "My invitation code is K7M4PQ2X9RTB3HWD.",
        "code abcd efgh K7M4 PQ2X 9RTB 3HWD",
    ],
)
def test_a_code_is_found_in_a_sentence(text):
    assert extract_code(text) == "K7M4PQ2X9RTB3HWD"


def test_a_customer_chosen_code_is_found_alone():
    assert extract_code("ACME2024") == "ACME2024"
    assert extract_code("je ne sais pas") is None


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
