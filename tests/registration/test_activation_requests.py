"""Returning suppliers (#14 item 6): "I did not get the activation email" from any
conversation gets the same answer, and the same work, whatever the address."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.checks.identifiers import CompanyId
from bot.models import ActivationRequest, ActivationToken, OutboxMail
from bot.registration.accounts import ResendStatus, find_account, register
from bot.registration.activation_requests import (
    process_activation_requests,
    request_activation_email,
)
from tests.conftest import use_database
from tests.factories import add_account, add_invitation, registration

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The queue and its counts on both backends the product supports (two senders on
    PostgreSQL skip each other's requests: FOR UPDATE SKIP LOCKED)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'onboarding.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    yield from use_database(url, monkeypatch)


PENDING, ACTIVE, NOBODY = "pending@acme.fr", "active@acme.fr", "nobody@acme.fr"


def accounts(session) -> None:
    add_account(session, PENDING, code="PEND-FR00-0000-0001", now=NOW - timedelta(days=1))
    add_account(
        session,
        ACTIVE,
        company=CompanyId("GB", "SC123456"),
        code="ACTV-GB00-0000-0001",
        language="en",
        now=NOW - timedelta(days=1),
    )
    find_account(session, ACTIVE).status = "active"


def mails(session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(OutboxMail.kind, OutboxMail.to_address).order_by(OutboxMail.id)
    ).all()
    return [tuple(r) for r in rows]


def test_every_address_gets_the_same_answer_and_the_same_work(session):
    accounts(session)
    before = mails(session)
    statuses = [
        request_activation_email(session, address, "fr", now=NOW)
        for address in (PENDING, ACTIVE, NOBODY)
    ]
    assert statuses == [ResendStatus.SENT] * 3
    # Nothing looked up yet: one queued request per address, nothing else written.
    assert session.scalar(select(func.count(ActivationRequest.id))) == 3
    assert mails(session) == before


def test_the_sender_sends_what_applies_then_forgets_the_addresses(session):
    accounts(session)
    for address in (PENDING, ACTIVE, NOBODY):
        request_activation_email(session, " " + address.upper(), "fr", now=NOW)
    tokens_before = session.scalar(select(func.count(ActivationToken.id)))

    done = process_activation_requests(session, now=NOW)

    assert (done.requests, done.activation_emails, done.already_active_emails) == (3, 1, 1)
    new = mails(session)[-2:]
    assert new == [("activation", PENDING), ("account_active", ACTIVE)]
    assert session.scalar(select(func.count(ActivationToken.id))) == tokens_before + 1
    assert session.scalar(select(func.count(ActivationRequest.id))) == 0
    active_mail = session.scalars(select(OutboxMail).where(OutboxMail.kind == "account_active"))
    mail = active_mail.one()
    assert mail.subject == "Your My Sis ID account is already activated"
    assert "Log in with your usual password: https://my.sis-id.com" in mail.text_body
    assert "/login" not in mail.text_body + mail.html_body


def test_an_address_may_be_asked_for_three_times_an_hour_whoever_asks(session):
    accounts(session)
    for address in (PENDING, NOBODY):
        answers = [request_activation_email(session, address, "en", now=NOW) for _ in range(4)]
        assert answers == [ResendStatus.SENT] * 3 + [ResendStatus.RATE_LIMITED]
    later = NOW + timedelta(minutes=61)
    assert request_activation_email(session, NOBODY, "en", now=later) is ResendStatus.SENT


def test_an_active_account_shares_the_cap_of_account_exists_mails(session):
    accounts(session)
    for number, siren in enumerate(("552100554", "542051180", "542107651")):
        code = f"TAKE-FR00-0000-000{number}"
        add_invitation(session, CompanyId("FR", siren), code=code, issued_at=NOW)
        register(session, registration(CompanyId("FR", siren), code, ACTIVE), now=NOW)
    assert [m for m in mails(session) if m[1] == ACTIVE][-3:] == [("account_exists", ACTIVE)] * 3

    answers = [request_activation_email(session, ACTIVE, "en", now=NOW) for _ in range(3)]
    process_activation_requests(session, now=NOW)

    assert answers == [ResendStatus.SENT] * 3  # the conversation is told the same
    assert ("account_active", ACTIVE) not in mails(session)  # the owner got enough mail
