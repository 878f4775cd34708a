"""Nothing reveals who has an account, nothing can be used to bomb a mailbox (#13 item 5)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.checks.identifiers import CompanyId
from bot.models import ActivationToken, Invitation, OutboxMail
from bot.registration import drafts
from bot.registration.accounts import (
    ActivationStatus,
    RegistrationStatus,
    ResendStatus,
    activate,
    change_pending_email,
    register,
)
from tests.factories import add_account, add_invitation, registration

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
VICTIM = "owner@victim.fr"
COMPANIES = [CompanyId("FR", v) for v in ("732829320", "552100554", "542051180", "542107651")]


def mails(session, kind: str, to: str | None = None) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)
    if to:
        query = query.where(OutboxMail.to_address == to)
    return list(session.scalars(query))


def victim(session) -> None:
    add_account(session, VICTIM, company=CompanyId("GB", "SC123456"), code="VICT-GB00-0000-0001")


def test_account_exists_mails_are_capped_per_address_whoever_causes_them(session):
    victim(session)
    # Four registrations with the victim's address (four invitations)...
    for number, company in enumerate(COMPANIES):
        code = f"REGS-FR00-0000-000{number}"
        add_invitation(session, company, code=code, issued_at=NOW - timedelta(days=1))
        outcome = register(session, registration(company, code, VICTIM), now=NOW)
        assert outcome.status is RegistrationStatus.EMAIL_TAKEN
    # ... an address correction and a resend in another conversation...
    mine = add_account(
        session, "me@example.org", company=CompanyId("BE", "0403170701"), code="MINE-BE00-0000-0001"
    )
    assert change_pending_email(session, mine.account_pk, VICTIM, now=NOW).status is (
        ResendStatus.EMAIL_TAKEN
    )
    drafts.mark_submitted(session, "conv", VICTIM, None)
    assert drafts.resend(session, "conv", "fr", now=NOW).status is ResendStatus.SENT
    # ... make three mails to the victim in the hour, not six.
    assert len(mails(session, "account_exists", VICTIM)) == 3
    later = NOW + timedelta(minutes=61)
    assert drafts.resend(session, "conv", "fr", now=later).status is ResendStatus.SENT
    assert len(mails(session, "account_exists", VICTIM)) == 4


def test_a_taken_address_uses_the_invitation_like_a_new_account(session):
    victim(session)
    company = COMPANIES[1]
    code = add_invitation(session, company, code="USED-FR00-0000-0001", issued_at=NOW).code
    assert register(session, registration(company, code, VICTIM), now=NOW).status is (
        RegistrationStatus.EMAIL_TAKEN
    )
    used_at = session.scalar(select(Invitation.used_at).where(Invitation.code_prefix == "USED"))
    assert used_at == NOW
    # Tried again, elsewhere, with a free address: "already used", as after a new account.
    again = register(session, registration(company, code, "free@example.org"), now=NOW)
    assert again.status is RegistrationStatus.INVITATION_USED
    # The registration kept by the conversation may still open its account.
    retry = registration(company, code, "right@example.org")
    opened = register(session, retry, now=NOW, reserved=True)
    assert opened.status is RegistrationStatus.CREATED
    # Once, only.
    twice = register(session, registration(company, code, "third@example.org"), reserved=True)
    assert twice.status is RegistrationStatus.INVITATION_USED


def test_a_correction_to_a_taken_address_also_stops_the_links_sent_before(session):
    # After a real correction the old link says "replaced by a newer email": after a
    # correction to an address that has an account, it must say the same.
    victim(session)
    mine = add_account(session, "me@exmaple.org", code="MINE-FR00-0000-0001", now=NOW)
    tokens = select(ActivationToken).where(ActivationToken.account_pk == mine.account_pk)
    first = session.scalar(tokens)
    change_pending_email(session, mine.account_pk, VICTIM, now=NOW)
    session.refresh(first)
    assert first.voided_at == NOW
    token = mails(session, "activation", "me@exmaple.org")[0].text_body
    link = next(w for w in token.split() if "/activate?" in w).split("token=")[1]
    assert activate(session, link, now=NOW).status is ActivationStatus.SUPERSEDED


def test_a_conversation_may_ask_three_times_an_hour_whatever_the_address(session):
    victim(session)
    for conversation, address in (("free", "free@example.org"), ("taken", VICTIM)):
        code = f"{conversation[:4].upper()}-FR00-0000-0009"
        company = COMPANIES[0] if conversation == "free" else COMPANIES[2]
        typo = f"{conversation}@exmaple.org"
        created = add_account(session, typo, company=company, code=code)
        drafts.mark_submitted(session, conversation, typo, created.account_pk)
        answers = [drafts.correct_address(session, conversation, address, now=NOW).status]
        answers += [drafts.resend(session, conversation, "fr", now=NOW).status for _ in range(3)]
        assert [a.value for a in answers] == [
            "sent" if conversation == "free" else "email_taken",
            "sent",
            "sent",
            "rate_limited",
        ]
        assert drafts.submitted_email(session, conversation) == address
