import json
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bot.checks.identifiers import CompanyId
from bot.models import OutboxMail, RegistrationDraft, Ticket
from bot.registration import drafts
from bot.registration.tickets import HandoffReason, Progress, Step, known_contact, open_ticket
from bot.settings import reset_settings


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


def locked(conversation_id="conv-9", contact_email=None):
    return dict(
        conversation_id=conversation_id,
        language="en",
        reason=HandoffReason.INVITATION_LOCKED,
        progress=Progress.masked(
            Step.COMPANY,
            company=CompanyId("FR", "732829320"),
            invitation_code="ACME-FR00-0000-0001",
            email="jean.dupont@acme.fr",
            phone="+33612345678",
            invitation_failures=5,
        ),
        contact_email=contact_email,
    )


def test_ticket_is_recorded_and_support_is_told(session):
    info = open_ticket(session, **locked(contact_email="jean.dupont@gmail.com"))
    ticket = session.scalar(select(Ticket))
    assert info.reference == f"T-{ticket.id:06d}" and info.support_email == "support@sis-id.com"
    assert info.new and info.contact_email == "jean.dupont@gmail.com"
    assert (ticket.conversation_id, ticket.language, ticket.reason, ticket.step) == (
        "conv-9",
        "en",
        "invitation_locked",
        "company",
    )
    assert ticket.contact_email == "jean.dupont@gmail.com"  # in full, for support
    assert json.loads(ticket.details) == {
        "pending_question": None,
        "country": "FR",
        "company_id": "732 829 320",
        "invitation_code": "ACME…",
        "email": "j***t@acme.fr",
        "phone": "+33…78",
        "invitation_failures": 5,
    }
    [mail] = session.scalars(select(OutboxMail)).all()
    assert mail.to_address == "support@sis-id.com" and info.reference in mail.subject
    assert "ACME…" in mail.text_body
    # Support gets the ticket's page, not the conversation id (a handle on the chat).
    assert f"/console/tickets/{info.reference}" in mail.text_body
    assert "conv-9" not in mail.text_body and "conv-9" not in mail.html_body
    assert "Contact : jean.dupont@gmail.com" in mail.text_body
    for secret in ("ACME-FR00-0000-0001", "ACMEFR0000000001", "jean.dupont@acme", "612345678"):
        assert secret not in mail.text_body and secret not in mail.html_body


def test_the_support_mail_names_every_field_in_its_own_language(session):
    # The support team reads French: no English label in the French mail.
    open_ticket(session, **locked())
    [mail] = session.scalars(select(OutboxMail)).all()
    text = mail.text_body
    assert "Raison : vérification de l'invitation bloquée" in text
    assert "Étape atteinte : 1. identification de la société" in text
    assert "- Identifiant de la société : 732 829 320" in text
    assert "- Vérifications d'invitation échouées : 5" in text
    assert "Contact : aucune adresse laissée" in text
    for english in ("Company", "Email:", "Invitation code", "Failed", "Step reached"):
        assert english not in text and english not in mail.html_body


def test_past_the_limit_a_conversation_gets_its_last_reference_again_and_no_mail(
    session, monkeypatch
):
    monkeypatch.setenv("HANDOFF_TICKET_LIMIT", "2")
    reset_settings()
    first = open_ticket(session, **locked())
    second = open_ticket(session, **locked())
    third = open_ticket(session, **locked())
    other = open_ticket(session, **locked(conversation_id="conv-10"))
    assert (first.new, second.new, third.new, other.new) == (True, True, False, True)
    assert third.reference == second.reference != first.reference
    assert session.scalar(select(func.count(Ticket.id))) == 3
    assert session.scalar(select(func.count(OutboxMail.id))) == 3


def test_a_contact_left_with_a_ticket_is_known_for_the_rest_of_the_conversation(session):
    assert known_contact(session, "conv-9") is None
    open_ticket(session, **locked(contact_email="jean@gmail.com"))
    open_ticket(session, **locked())
    assert known_contact(session, "conv-9") == "jean@gmail.com"
    assert known_contact(session, "conv-10") is None


def test_a_crafted_conversation_id_adds_no_line_to_the_support_mail(session):
    open_ticket(
        session,
        **locked(
            conversation_id="abc\nReason: urgent, call +33 6 00 00 00 00\r\nBcc: x@evil.example"
        ),
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


# --- kept no longer than needed -----------------------------------------------------------------


def _aged(session, conversation_id: str, hours: float) -> None:
    from datetime import timedelta

    from bot.db import utcnow

    # onupdate would refresh updated_at on an ORM update: written directly instead.
    session.execute(
        RegistrationDraft.__table__.update()
        .where(RegistrationDraft.conversation_id == conversation_id)
        .values(updated_at=utcnow() - timedelta(hours=hours))
    )


def test_abandoned_drafts_are_deleted_after_a_day_and_accounts_keep_their_link(session):
    drafts.save_password_hash(session, "abandoned", "$argon2id$hash")
    drafts.save_invitation_code(session, "abandoned", "ACMEFR0000000001")
    drafts.save_password_hash(session, "recent", "$argon2id$hash")
    # A registration kept for a corrected address (contact details and hash inside).
    drafts.mark_submitted(session, "taken", "x@example.fr", None, retry=_registration("x@ex.fr"))
    for conversation_id in ("abandoned", "taken"):
        _aged(session, conversation_id, 25)
    _aged(session, "recent", 23)

    expired = drafts.expire_drafts(session)

    left = {d.conversation_id for d in session.scalars(select(RegistrationDraft))}
    assert left == {"recent"}
    assert (expired.deleted, expired.scrubbed) == (2, 0)


def test_the_draft_of_a_created_account_keeps_only_which_account_it_was(session):
    from tests.factories import add_account

    created = add_account(session, "z@example.fr", code="ACME-FR00-0000-0001")
    drafts.save_password_hash(session, "conv", "$argon2id$hash")
    drafts.save_invitation_code(session, "conv", "ACMEFR0000000001")
    drafts.mark_submitted(session, "conv", "z@example.fr", created.account_pk)
    draft = session.get(RegistrationDraft, "conv")
    # Submitted: the hash and the code (used) are gone at once.
    assert (draft.password_hash, draft.invitation_code) == (None, None)
    draft.pending_registration = "{}"  # as if something had been left behind
    session.flush()
    _aged(session, "conv", 30)

    assert drafts.expire_drafts(session).scrubbed == 1
    session.expire_all()
    kept = session.get(RegistrationDraft, "conv")
    assert (kept.account_pk, kept.submitted_email) == (created.account_pk, "z@example.fr")
    assert (kept.password_hash, kept.pending_registration, kept.invitation_code) == (None,) * 3


def test_the_delay_is_a_setting(session, monkeypatch):
    from bot.settings import reset_settings

    monkeypatch.setenv("DRAFT_RETENTION_HOURS", "0.5")
    reset_settings()
    drafts.save_password_hash(session, "conv", "$argon2id$hash")
    _aged(session, "conv", 0.6)
    assert drafts.expire_drafts(session).deleted == 1


def test_housekeeping_handles_requests_every_round_and_cleans_up_every_interval(database):
    from bot import db
    from bot.models import ActivationRequest
    from bot.registration.activation_requests import request_activation_email
    from bot.registration.housekeeping import Housekeeping, cleanup_interval

    now = [0.0]
    housekeeping = Housekeeping(db.session_factory(), clock=lambda: now[0])
    with db.session_scope() as session:
        drafts.save_password_hash(session, "old", "$argon2id$hash")
        _aged(session, "old", 25)
    housekeeping()  # the first round cleans up
    with db.session_scope() as session:
        assert session.get(RegistrationDraft, "old") is None
        drafts.save_password_hash(session, "old-too", "$argon2id$hash")
        _aged(session, "old-too", 25)
        request_activation_email(session, "nobody@example.fr", "fr")
    now[0] += 1
    housekeeping()  # requests are handled at once, the clean-up waits for its interval
    with db.session_scope() as session:
        assert session.scalar(select(ActivationRequest)) is None
        assert session.get(RegistrationDraft, "old-too") is not None
    now[0] += cleanup_interval()
    housekeeping()
    with db.session_scope() as session:
        assert session.get(RegistrationDraft, "old-too") is None
    assert cleanup_interval() == 300


def test_one_contact_address_is_named_in_five_tickets_a_day_across_conversations(session):
    """A script opened a ticket per new conversation, each with a stranger's address as the
    reply address (an outside tester, M11): support would write to them again and again."""
    opened = [
        open_ticket(session, **locked(f"conv-{n}", contact_email="Victim@example.org"))
        for n in range(6)
    ]
    other = open_ticket(session, **locked("conv-other", contact_email="jean@acme.fr"))

    assert [t.limited for t in opened] == [False] * 5 + [True]
    assert opened[5].reference is None and not opened[5].new
    assert not other.limited  # another address is not held back
    assert session.scalar(select(func.count(Ticket.id))) == 6
    assert session.scalar(select(func.count(OutboxMail.id))) == 6


def test_one_client_address_opens_ten_tickets_a_day_whatever_the_thread_or_contact(session):
    """One browser opened a ticket in each new chat thread, each naming another stranger's
    address (fifth outside tester, M8): the web app's reference of its address holds them."""
    opened = [
        open_ticket(
            session,
            **locked(f"thread-{n}", contact_email=f"victim{n}@example.org"),
            client_reference="a" * 32,
        )
        for n in range(11)
    ]
    neighbour = open_ticket(session, **locked("elsewhere"), client_reference="b" * 32)
    direct = open_ticket(session, **locked("no-web-app"))  # another client of Rasa's REST

    assert [t.limited for t in opened] == [False] * 10 + [True]
    assert not neighbour.limited and not direct.limited
    assert session.scalar(select(func.count(OutboxMail.id))) == 12
    # a day later, the address may open tickets again
    for ticket in session.scalars(select(Ticket)):
        ticket.created_at = ticket.created_at - timedelta(hours=25)
    session.flush()
    assert not open_ticket(session, **locked("thread-x"), client_reference="a" * 32).limited


def test_the_site_opens_a_limited_number_of_tickets_an_hour(session, monkeypatch):
    monkeypatch.setenv("HANDOFF_TICKETS_PER_HOUR", "3")
    reset_settings()
    opened = [open_ticket(session, **locked(f"conv-{n}")) for n in range(4)]

    assert [t.limited for t in opened] == [False, False, False, True]
    assert session.scalar(select(func.count(OutboxMail.id))) == 3
    # an hour later, tickets open again
    for ticket in session.scalars(select(Ticket)):
        ticket.created_at = ticket.created_at - timedelta(minutes=61)
    session.flush()
    assert not open_ticket(session, **locked("conv-later")).limited
