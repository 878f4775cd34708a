"""Activation tokens: enough randomness, stored hashed, single use, expiry, and no token
but the one sent opens the account (property-based: any other string is an unknown link)."""

from __future__ import annotations

import base64
import hashlib
import string
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from stdnum import luhn

from bot.checks.identifiers import CompanyId
from bot.checks.passwords import hash_password
from bot.models import ActivationToken, OutboxMail
from bot.registration.accounts import (
    ActivationStatus,
    Registration,
    activate,
    find_account,
    register,
)
from bot.registration.invitations import create_invitation

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
PASSWORD_HASH = hash_password("Tr0ub4dor&3-Quai")


def registered(session, n: int = 0) -> str:
    """Register supplier ``n`` and return the token of its activation email."""
    base = f"73282{n:03d}"
    company = CompanyId("FR", base + luhn.calc_check_digit(base))
    invitation = create_invitation(session, company, "ACME", issued_at=NOW - timedelta(days=1))
    register(
        session,
        Registration(
            company_id=company,
            invitation_code=invitation.code,
            email=f"supplier{n}@example.fr",
            password_hash=PASSWORD_HASH,
            first_name="Jean",
            last_name="Dupont",
            phone="+33612345678",
            job_title=None,
            language="fr",
        ),
        now=NOW,
    )
    mail = session.scalars(
        select(OutboxMail).where(OutboxMail.to_address == f"supplier{n}@example.fr")
    ).one()
    link = next(w for w in mail.text_body.split() if "/activate?" in w)
    return parse_qs(urlparse(link).query)["token"][0]


def test_tokens_carry_at_least_128_random_bits_and_are_stored_as_sha256(session):
    tokens = [registered(session, n) for n in range(30)]

    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
    stored = set(session.scalars(select(ActivationToken.token_hash)))
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert not any(token in value for token in tokens for value in stored)


def test_a_token_opens_its_account_once_and_only_before_expiry(session):
    fresh, late = registered(session, 1), registered(session, 2)

    assert activate(session, late, now=NOW + timedelta(hours=48)).status is ActivationStatus.EXPIRED
    assert find_account(session, "supplier2@example.fr").status == "pending"
    just_in_time = NOW + timedelta(hours=47, minutes=59)
    assert activate(session, fresh, now=just_in_time).status is ActivationStatus.ACTIVATED
    assert (
        activate(session, fresh, now=just_in_time).status is ActivationStatus.ALREADY_ACTIVE
    )  # the second click changes nothing and says so


BASE64URL = string.ascii_letters + string.digits + "-_"


# The session fixture is shared by the examples on purpose: one account, many guesses.
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    guess=st.one_of(
        st.text(max_size=100),
        st.text(BASE64URL, min_size=43, max_size=43),  # shaped like a real token
    )
)
def test_any_other_string_is_an_unknown_link_and_activates_nothing(session, guess):
    if find_account(session, "supplier3@example.fr") is None:
        registered(session, 3)

    assert activate(session, guess, now=NOW).status is ActivationStatus.UNKNOWN
    assert find_account(session, "supplier3@example.fr").status == "pending"
