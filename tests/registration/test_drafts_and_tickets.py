from dataclasses import replace

from sqlalchemy import select

from bot.models import OutboxMail, RegistrationDraft, Ticket
from bot.registration import drafts
from bot.registration.tickets import HandoffReason, open_ticket


def test_a_draft_keeps_the_hash_until_the_account_exists(session):
    drafts.save_password_hash(session, "conv-1", "$argon2id$hash")
    assert drafts.password_hash_for(session, "conv-1") == "$argon2id$hash"
    assert drafts.account_for(session, "conv-1") is None
    assert drafts.password_hash_for(session, "other") is None


def test_forgetting_a_draft_without_account_removes_it(session):
    drafts.save_password_hash(session, "conv-1", "$argon2id$hash")
    drafts.forget_password(session, "conv-1")
    assert session.get(RegistrationDraft, "conv-1") is None
    drafts.forget_password(session, "never-seen")  # no error


def test_ticket_is_recorded_and_support_is_told(session):
    info = open_ticket(
        session,
        conversation_id="conv-9",
        language="en",
        reason=HandoffReason.INVITATION_LOCKED,
        step="company",
        summary="Company: 732 829 320 (FR)\nInvitation code: ACME…",
    )
    ticket = session.scalar(select(Ticket))
    assert info.reference == f"T-{ticket.id:06d}" and info.support_email == "support@sis-id.com"
    assert (ticket.conversation_id, ticket.language, ticket.reason, ticket.step) == (
        "conv-9",
        "en",
        "invitation_locked",
        "company",
    )
    [mail] = session.scalars(select(OutboxMail)).all()
    assert mail.to_address == "support@sis-id.com" and info.reference in mail.subject
    assert "ACME…" in mail.text_body
    # Support gets the ticket's reference, not the conversation id (a handle on the chat).
    assert f"/console/tickets/{info.reference}" in mail.text_body and "conv-9" not in mail.text_body
    assert "conv-9" not in mail.html_body


def test_a_crafted_conversation_id_adds_no_line_to_the_support_mail(session):
    open_ticket(
        session,
        conversation_id="abc\nReason: urgent, call +33 6 00 00 00 00\r\nBcc: x@evil.example",
        language="fr",
        reason=HandoffReason.USER_REQUEST,
        step="none",
        summary="No registration details given.",
    )
    [mail] = session.scalars(select(OutboxMail)).all()
    for body in (mail.text_body, mail.html_body, mail.subject):
        assert "urgent" not in body and "evil.example" not in body


def _registration(email: str):
    from bot.checks.identifiers import CompanyId
    from bot.checks.passwords import hash_password
    from bot.registration.accounts import Registration

    return Registration(
        company_id=CompanyId("FR", "552100554"),
        invitation_code="ACME-FR00-0000-0002",
        email=email,
        password_hash=hash_password("Xq7!vLm2#pRtz"),
        first_name="Marie",
        last_name="Curie",
        phone="+33612345678",
        language="en",
    )


def test_correcting_a_taken_address_submits_the_kept_registration_again(session):
    from bot.checks.identifiers import CompanyId
    from bot.registration.accounts import RegistrationStatus, ResendStatus, find_account, register
    from bot.registration.invitations import create_invitation

    create_invitation(session, CompanyId("FR", "732829320"), "ACME", code="ACME-FR00-0000-0001")
    create_invitation(session, CompanyId("FR", "552100554"), "ACME", code="ACME-FR00-0000-0002")
    owner = _registration("taken@example.fr")
    owner = replace(
        owner, company_id=CompanyId("FR", "732829320"), invitation_code="ACME-FR00-0000-0001"
    )
    assert register(session, owner).status is RegistrationStatus.CREATED

    mine = _registration("taken@example.fr")
    assert register(session, mine).status is RegistrationStatus.EMAIL_TAKEN
    drafts.mark_submitted(session, "conv-2", mine.email, None, retry=mine)
    assert drafts.pending_registration(session, "conv-2") == mine

    result = drafts.correct_address(session, "conv-2", "Marie.Curie@example.fr")
    assert (result.status, result.email) == (ResendStatus.SENT, "marie.curie@example.fr")
    account = find_account(session, "marie.curie@example.fr")
    assert account.status == "pending" and account.contact.last_name == "Curie"
    assert account.language == "en"
    assert drafts.account_for(session, "conv-2") == account.id
    assert drafts.pending_registration(session, "conv-2") is None
    assert drafts.password_hash_for(session, "conv-2") is None


def test_correcting_without_any_submission_finds_nothing(session):
    from bot.registration.accounts import ResendStatus

    assert (
        drafts.correct_address(session, "nobody", "x@example.fr").status is ResendStatus.NOT_FOUND
    )
