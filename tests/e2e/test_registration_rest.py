"""A supplier registers through the REST channel, receives the email and activates."""

from __future__ import annotations

import pytest

from bot import db
from bot.checks.identifiers import CompanyId
from bot.registration.accounts import ActivationStatus, activate, find_account
from tests.e2e.conftest import activation_token, converse, texts, wait_for_mail
from tests.factories import PASSWORD, invite


def test_a_supplier_registers_in_french_and_activates(servers, conversation_id):
    invite(servers.database_url, CompanyId("FR", "732829320"), code="E2EF-R000-0000-0001")
    replies = converse(
        servers,
        conversation_id,
        [
            ("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
            ("c'est en France", "Quel est le SIREN de votre société"),
            ("notre siren est le 732 829 320", "code d'invitation"),
            ("e2ef-r000-0000-0001", "adresse email"),
            ("jean.dupont@acme-industrie.fr", "jean.dupont@acme-industrie.fr"),
            ("oui", "mot de passe"),
            ("motdepasse", "il manque une majuscule"),
            (PASSWORD, "Acte d'Adhésion aux Conditions Générales d'Utilisation"),
            ("J'accepte", "prénom"),
            ("Jean", "nom de famille"),
            ("Dupont", "téléphone"),
            ("06 12 34 56 78", "fonction"),
            ("Comptable", "récapitulatif"),
            ("oui", "noreply@sis-id.com"),
        ],
        metadata={"language": "fr"},
    )
    assert not any(PASSWORD in str(reply) for reply in replies)
    # The widget masks its field, and answers the password rules in the conversation's language.
    assert any(r.get("custom") == {"input": "password", "language": "fr"} for r in replies)
    mail = wait_for_mail(servers.smtp, "jean.dupont@acme-industrie.fr")
    assert mail["Subject"] == "Activez votre compte My Sis ID"
    with db.session_scope(servers.database_url) as session:
        assert find_account(session, "jean.dupont@acme-industrie.fr").status == "pending"
        assert activate(session, activation_token(mail)).status is ActivationStatus.ACTIVATED
    with db.session_scope(servers.database_url) as session:
        assert find_account(session, "jean.dupont@acme-industrie.fr").status == "active"


def test_a_supplier_registers_in_english_from_an_invitation_link(servers, conversation_id):
    invite(servers.database_url, CompanyId("GB", "SC123456"), code="E2EG-B000-0000-0001")
    metadata = {"language": "en", "invitation_code": "E2EG-B000-0000-0001"}
    replies = converse(
        servers,
        conversation_id,
        [
            ("/start_registration", "invitation code is already filled in"),
            ("United Kingdom", "What is your company's Companies House number (CRN)?"),
            ("our CRN is SC123456", "invitation from ACME Industries"),
            ("j.smith@northwind.co.uk", "is it correct"),
            ("yes", "password"),
            (PASSWORD, "Terms of Use"),
            ("I accept", "first name"),
            ("John", "last name"),
            ("Smith", "phone number"),
            ("020 7946 0958", "job title"),
            ("skip", "summary"),
            ("yes", "noreply@sis-id.com"),
        ],
        metadata=metadata,
    )
    assert "invitation code?" not in texts(replies)  # never asked: it came with the link
    assert not any(PASSWORD in str(reply) for reply in replies)
    mail = wait_for_mail(servers.smtp, "j.smith@northwind.co.uk")
    assert mail["Subject"] == "Activate your My Sis ID account"
    with db.session_scope(servers.database_url) as session:
        assert activate(session, activation_token(mail)).status is ActivationStatus.ACTIVATED
        account = find_account(session, "j.smith@northwind.co.uk")
        assert account.status == "active" and account.language == "en"
        assert account.contact.job_title is None


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("France", "SIREN"),
                ("552100554", "code d'invitation"),
                ("E2EY-N000-0000-0001", "adresse email"),
                ("marie.curie@acme-industrie.fr", "marie.curie@acme-industrie.fr"),
                ("zorglub wibble", "répondre par « oui » ou par « non »"),
                ("oui", "mot de passe"),
                (PASSWORD, "Conditions Générales"),
                ("pfff gnagna", "répondre par « oui » ou par « non »"),
                ("j'accepte", "prénom"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("France", "SIREN"),
                ("542065479", "invitation code"),
                ("E2EY-N000-0000-0002", "email address"),
                ("marie.curie@northwind.co.uk", "marie.curie@northwind.co.uk"),
                ("zorglub wibble", 'reply "yes" or "no"'),
                ("yes", "password"),
                (PASSWORD, "Terms of Use"),
                ("pfff gnagna", 'reply "yes" or "no"'),
                ("I accept", "first name"),
            ],
        ),
    ],
)
def test_an_unclear_answer_to_a_yes_no_question_gets_the_question_again(
    servers, conversation_id, language, turns
):
    """Not the advisor offer of the fallback: the user is told how to answer, and goes on."""
    invite(servers.database_url, CompanyId("FR", turns[2][0]), code=turns[3][0])
    replies = converse(servers, conversation_id, turns, metadata={"language": language})
    assert "conseiller" not in texts(replies) and "advisor" not in texts(replies)
