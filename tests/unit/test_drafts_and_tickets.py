from sqlalchemy import select

from bot import drafts
from bot.models import OutboxMail, RegistrationDraft, Ticket
from bot.tickets import HandoffReason, open_ticket


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
    assert "conv-9" in mail.text_body and "ACME…" in mail.text_body
