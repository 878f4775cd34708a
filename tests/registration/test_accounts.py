import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import hash_password, verify_password
from bot.models import Account, ActivationToken, Invitation, OutboxMail
from bot.registration.accounts import (
    ActivationStatus,
    Registration,
    RegistrationStatus,
    ResendStatus,
    account_summary,
    activate,
    change_pending_email,
    find_account,
    inspect_token,
    register,
    resend_activation,
)
from bot.registration.invitations import create_invitation, release_unopened

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
LOREAL = CompanyId("FR", "732829320")
PASSWORD = "Tr0ub4dor&3-Quai"
PASSWORD_HASH = hash_password(PASSWORD)


def invite(session, company=LOREAL, code="ACME-FR00-0000-0001"):
    return create_invitation(session, company, "ACME", code=code, issued_at=NOW - timedelta(days=3))


def registration(**changes) -> Registration:
    values = dict(
        company_id=LOREAL,
        invitation_code="acme-fr00-0000-0001",
        email="Jean.Dupont@Example.FR",
        password_hash=PASSWORD_HASH,
        first_name="Jean",
        last_name="Dupont",
        phone="+33612345678",
        job_title="Comptable",
        language="fr",
    )
    values.update(changes)
    return Registration(**values)


def token_of(mail: OutboxMail) -> str:
    link = next(w for w in mail.text_body.split() if "/activate?" in w)
    return parse_qs(urlparse(link).query)["token"][0]


def outbox(session, kind=None):
    query = select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        query = query.where(OutboxMail.kind == kind)
    return list(session.scalars(query))


def test_registration_creates_everything_in_one_go(session):
    invite(session)
    result = register(session, registration(), now=NOW)
    assert result.status is RegistrationStatus.CREATED and result.looks_created
    account = find_account(session, "jean.dupont@example.fr")
    assert account.status == "pending"
    assert account.company.company_id == "732829320"
    assert account.contact.last_name == "Dupont" and account.contact.phone == "+33612345678"
    assert account.invitation.used_at == NOW
    assert verify_password(account.password_hash, PASSWORD)
    [mail] = outbox(session)
    assert mail.kind == "activation" and mail.to_address == "jean.dupont@example.fr"
    assert "Activer mon compte" in mail.html_body
    assert mail.text_body.count("https://help.example.test/activate?token=") == 1
    # the token is stored hashed, never in clear
    token = token_of(mail)
    assert len(token) >= 43  # 32 random bytes, base64url
    stored = session.scalar(select(ActivationToken.token_hash))
    assert token not in stored and len(stored) == 64
    # the plaintext password is nowhere in the database rows we wrote
    assert PASSWORD not in mail.text_body + mail.html_body


def test_english_registration_gets_an_english_email(session):
    invite(session)
    register(session, registration(language="en"), now=NOW)
    [mail] = outbox(session)
    assert mail.subject == "Activate your My Sis ID account"
    assert "Activate my account" in mail.html_body


def test_invitation_problems_create_nothing(session):
    invite(session)
    mismatch = register(session, registration(invitation_code="ZZZZ-ZZZZ-ZZZZ-ZZZZ"), now=NOW)
    expired = register(session, registration(), now=NOW + timedelta(days=120))
    assert mismatch.status is RegistrationStatus.INVITATION_MISMATCH and not mismatch.looks_created
    assert expired.status is RegistrationStatus.INVITATION_EXPIRED
    assert session.scalar(select(func.count(Account.id))) == 0
    assert outbox(session) == []


def test_support_releases_an_invitation_that_opened_no_account_and_only_that_one(session):
    """An invitation used by a registration whose address already had an account opened
    none: the supplier was told "already used" in every later conversation (sixth outside
    tester, M1). Support releases it; an invitation that opened an account stays used."""
    invite(session)
    register(session, registration(), now=NOW)
    other = CompanyId("FR", "552100554")
    invite(session, company=other, code="ACME-FR00-0000-0002")
    taken = registration(
        company_id=other, invitation_code="ACME-FR00-0000-0002", email="jean.dupont@example.fr"
    )
    assert register(session, taken, now=NOW).status is RegistrationStatus.EMAIL_TAKEN

    assert release_unopened(session, CompanyId("FR", "732829320")) == 0  # it opened one
    assert release_unopened(session, other) == 1
    again = register(session, replace(taken, email="compta@autre-societe.fr"), now=NOW)

    assert again.status is RegistrationStatus.CREATED
    assert release_unopened(session, other) == 0


def test_a_used_invitation_cannot_open_a_second_account(session):
    invite(session)
    register(session, registration(), now=NOW)
    second = register(session, registration(email="autre@example.fr"), now=NOW)
    assert second.status is RegistrationStatus.INVITATION_USED
    assert session.scalar(select(func.count(Account.id))) == 1


def test_a_taken_email_is_not_revealed_but_its_owner_is_told(session):
    invite(session)
    register(session, registration(), now=NOW)
    other = CompanyId("FR", "552100554")
    invite(session, company=other, code="ACME-FR00-0000-0002")
    result = register(
        session,
        registration(
            company_id=other, invitation_code="ACME-FR00-0000-0002", email="JEAN.DUPONT@example.fr"
        ),
        now=NOW,
    )
    assert result.status is RegistrationStatus.EMAIL_TAKEN
    assert result.looks_created  # the conversation says the same as for a new account
    assert session.scalar(select(func.count(Account.id))) == 1
    # The invitation is used all the same: tried again, it reads as after a real account
    # ("already used"), and it cannot send "account exists" mails to address after address.
    second_invitation = session.scalar(
        select(Invitation).where(Invitation.company_id == "552100554")
    )
    assert second_invitation.used_at == NOW
    exists_mail = outbox(session, "account_exists")
    assert [m.to_address for m in exists_mail] == ["jean.dupont@example.fr"]
    assert "existe déjà" in exists_mail[0].subject
    # "Me connecter" leads to the platform, where accounts log in (the help centre has no
    # login page: its /login was a 404)
    assert "Connectez-vous avec votre mot de passe habituel : https://my.sis-id.com" in (
        exists_mail[0].text_body
    )
    assert "/login" not in exists_mail[0].text_body + exists_mail[0].html_body


def test_activation_once_then_already_active(session):
    invite(session)
    register(session, registration(), now=NOW)
    token = token_of(outbox(session)[0])
    assert inspect_token(session, token, now=NOW).status is ActivationStatus.ACTIVATED
    assert (
        find_account(session, "jean.dupont@example.fr").status == "pending"
    )  # GET changes nothing
    result = activate(session, token, now=NOW + timedelta(hours=1))
    assert result.status is ActivationStatus.ACTIVATED and result.language == "fr"
    account = find_account(session, "jean.dupont@example.fr")
    assert account.status == "active" and account.activated_at == NOW + timedelta(hours=1)
    assert (
        activate(session, token, now=NOW + timedelta(hours=2)).status
        is ActivationStatus.ALREADY_ACTIVE
    )


def test_expired_and_unknown_tokens(session):
    invite(session)
    register(session, registration(), now=NOW)
    token = token_of(outbox(session)[0])
    assert (
        activate(session, token, now=NOW + timedelta(hours=48)).status is ActivationStatus.EXPIRED
    )
    assert activate(session, "not-a-token").status is ActivationStatus.UNKNOWN
    assert activate(session, "").status is ActivationStatus.UNKNOWN
    assert find_account(session, "jean.dupont@example.fr").status == "pending"


def test_resends_asked_by_anyone_are_limited_per_day_too(session):
    """Anyone who knows an address can ask resends, each voiding the previous link: 3 an hour
    all day long made 72 mails and 72 dead links a day (an outside tester's m12)."""
    invite(session)
    result = register(session, registration(), now=NOW)

    def resends(at: datetime) -> list[ResendStatus]:
        return [
            resend_activation(session, result.account_pk, now=at + timedelta(minutes=i)).status
            for i in range(4)
        ]

    sent, limited = [ResendStatus.SENT] * 3, [ResendStatus.RATE_LIMITED]
    assert resends(NOW + timedelta(hours=1)) == sent + limited
    assert resends(NOW + timedelta(hours=3)) == sent + limited  # 6 today: the day's limit
    assert resends(NOW + timedelta(hours=5)) == limited * 4
    assert resends(NOW + timedelta(hours=25, minutes=5)) == sent + limited  # a day later
    newest = token_of(outbox(session, "activation")[-1])
    later = NOW + timedelta(hours=25, minutes=10)
    assert activate(session, newest, now=later).status is ActivationStatus.ACTIVATED


def test_resend_voids_the_old_link_and_is_limited_per_hour(session):
    invite(session)
    result = register(session, registration(), now=NOW)
    first = token_of(outbox(session)[0])
    statuses = [
        resend_activation(session, result.account_pk, now=NOW + timedelta(minutes=i)).status
        for i in range(1, 5)
    ]
    assert statuses == [ResendStatus.SENT] * 3 + [ResendStatus.RATE_LIMITED]
    assert len(outbox(session, "activation")) == 4
    assert (
        activate(session, first, now=NOW + timedelta(minutes=10)).status
        is ActivationStatus.SUPERSEDED
    )
    # an hour after the resends, one more is allowed
    later = NOW + timedelta(minutes=62)
    assert resend_activation(session, result.account_pk, now=later).status is ResendStatus.SENT
    newest = token_of(outbox(session, "activation")[-1])
    assert activate(session, newest, now=later).status is ActivationStatus.ACTIVATED
    assert (
        resend_activation(session, result.account_pk, now=later).status
        is ResendStatus.ALREADY_ACTIVE
    )


def test_a_mistyped_address_can_be_corrected_while_pending(session):
    invite(session)
    result = register(session, registration(email="jean.dupont@exmaple.fr"), now=NOW)
    old = token_of(outbox(session)[0])
    changed = change_pending_email(session, result.account_pk, "Jean.Dupont@example.fr", now=NOW)
    assert changed.status is ResendStatus.SENT and changed.email == "jean.dupont@example.fr"
    assert find_account(session, "jean.dupont@exmaple.fr") is None
    last = outbox(session)[-1]
    assert last.to_address == "jean.dupont@example.fr"
    assert activate(session, old, now=NOW).status is ActivationStatus.SUPERSEDED
    assert activate(session, token_of(last), now=NOW).status is ActivationStatus.ACTIVATED
    assert (
        change_pending_email(session, result.account_pk, "x@example.fr").status
        is ResendStatus.ALREADY_ACTIVE
    )


def test_correcting_to_an_address_that_has_an_account_reveals_nothing(session):
    invite(session)
    register(session, registration(email="taken@example.fr"), now=NOW)
    other = CompanyId("FR", "552100554")
    invite(session, company=other, code="ACME-FR00-0000-0002")
    mine = register(
        session,
        registration(company_id=other, invitation_code="ACME-FR00-0000-0002", email="me@exmple.fr"),
        now=NOW,
    )
    changed = change_pending_email(session, mine.account_pk, "taken@example.fr", now=NOW)
    assert changed.status is ResendStatus.EMAIL_TAKEN
    assert outbox(session)[-1].kind == "account_exists"
    assert find_account(session, "me@exmple.fr") is not None


def test_account_summary_for_support(session):
    invite(session)
    register(session, registration(), now=NOW)
    summary = account_summary(session, " JEAN.DUPONT@example.fr ")
    assert summary.status == "pending" and summary.company_display == "732 829 320"
    assert summary.customer == "ACME" and summary.activated_at is None
    assert "hash" not in repr(summary).lower()
    assert account_summary(session, "nobody@example.fr") is None


def test_racing_registrations_on_one_invitation_create_exactly_one_account(database):
    with db.session_scope() as session:
        invite(session)
    barrier = threading.Barrier(8)
    results = []

    def attempt(i: int) -> None:
        barrier.wait()
        with db.session_scope() as session:
            results.append(
                register(session, registration(email=f"user{i}@example.fr"), now=NOW).status
            )

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(RegistrationStatus.CREATED) == 1
    assert results.count(RegistrationStatus.INVITATION_USED) == 7
    with db.session_scope() as session:
        assert session.scalar(select(func.count(Account.id))) == 1
        assert len(outbox(session, "activation")) == 1


def test_racing_registrations_with_one_email_create_one_account(database):
    companies = [CompanyId("FR", v) for v in ("732829320", "552100554", "542051180")]
    with db.session_scope() as session:
        for i, company in enumerate(companies):
            invite(session, company=company, code=f"ACME-FR00-0000-000{i}")
    barrier = threading.Barrier(len(companies))
    results = []

    def attempt(i: int) -> None:
        barrier.wait()
        with db.session_scope() as session:
            reg = replace(
                registration(), company_id=companies[i], invitation_code=f"ACME-FR00-0000-000{i}"
            )
            results.append(register(session, reg, now=NOW).status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(companies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(RegistrationStatus.CREATED) == 1
    assert results.count(RegistrationStatus.EMAIL_TAKEN) == 2
    with db.session_scope() as session:
        assert session.scalar(select(func.count(Account.id))) == 1
        assert len(outbox(session, "account_exists")) == 2


def test_the_account_exists_mail_is_in_the_owners_language(session):
    """A French owner got it in English because the person registering wrote in English."""
    invite(session)
    register(session, registration(), now=NOW)  # the owner registered in French
    other = CompanyId("FR", "552100554")
    invite(session, company=other, code="ACME-FR00-0000-0002")

    register(
        session,
        registration(
            company_id=other,
            invitation_code="ACME-FR00-0000-0002",
            email="jean.dupont@example.fr",
            language="en",
        ),
        now=NOW,
    )

    [exists_mail] = outbox(session, "account_exists")
    assert "existe déjà" in exists_mail.subject
