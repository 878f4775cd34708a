"""The password typed in the widget's field never reaches the Rasa server (issue 13, point 1).

A registration through the web app as the widget makes it: the password goes to
``/chat/password``, Rasa receives only ``/password_given``. Then every file the run wrote is
searched (Rasa's tracker store and its WAL, the event broker's output, the account database,
every process's log, the web app's included) for the passwords, as typed and as JSON, URLs or
HTML would escape them; the mails too.
"""

from __future__ import annotations

import os

import pytest

from bot import db
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import verify_password
from bot.registration.accounts import find_account
from tests.e2e.test_no_secret_on_disk import written_forms
from tests.factories import files_in, invite
from tests.security.conftest import Client

pytestmark = pytest.mark.timeout(1800)


def assert_written_nowhere(stack, *secrets: str) -> None:
    places = {str(p.relative_to(stack.work)): data for p, data in files_in(stack.work).items()}
    places.update({f"mail to {m['To']}": m.as_bytes() for m in stack.servers.smtp.inbox.messages})
    assert any(name.startswith("conversations.db") for name in places)
    assert "broker.jsonl" in places and "web.log" in places and "rasa.log" in places
    found = [
        (name, form)
        for secret in secrets
        for form in written_forms(secret)
        for name, content in places.items()
        if form in content
    ]
    assert not found, f"a password was written: {found}"


def _unique(base: str) -> str:
    return f"{base}{os.urandom(3).hex()}"  # never typed by any other test of the run


@pytest.mark.parametrize(
    ("language", "company", "turns"),
    [
        (
            "fr",
            CompanyId("FR", "732829320"),
            [
                ("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
                ("France", "SIREN"),
                ("732 829 320", "code d'invitation"),
                ("{code}", "adresse email"),
                ("{email}", "{email}"),
                ("oui", "mot de passe"),
                ("password:{weak}", "il manque une majuscule"),
                ("password:{built_on_email}", "une partie de votre adresse email"),
                ("password:{strong}", "Acte d'Adhésion"),
                ("J'accepte", "prénom"),
                ("Claire", "nom de famille"),
                ("Martin", "téléphone"),
                ("06 12 34 56 78", "fonction"),
                ("Comptable", "récapitulatif"),
                ("oui", "noreply@sis-id.com"),
            ],
        ),
        (
            "en",
            CompanyId("GB", "SC123456"),
            [
                ("I'd like to register my company", "which country"),
                ("United Kingdom", "Companies House"),
                ("SC123456", "invitation code"),
                ("{code}", "email address"),
                ("{email}", "is it correct"),
                ("yes", "password"),
                ("password:{weak}", "it needs an uppercase letter"),
                ("password:{built_on_email}", "part of your email address"),
                ("password:{strong}", "Terms of Use"),
                ("I accept", "first name"),
                ("Mary", "last name"),
                ("Jones", "phone number"),
                ("020 7946 0958", "job title"),
                ("skip", "summary"),
                ("yes", "noreply@sis-id.com"),
            ],
        ),
    ],
)
async def test_the_widgets_password_never_reaches_rasa_nor_any_file(
    attack_stack, language, company, turns
):
    suffix = os.urandom(2).hex()
    values = {
        "code": f"SECP-{company.country}00-0000-{suffix}",
        "email": f"pw-{suffix}@fournisseur-{language}.example",
        "weak": _unique("motdepasse"),
        "built_on_email": f"Pw-{suffix}@Fournisseur!9",
        "strong": _unique('Zq8#Velours"Tamis&é-'),
    }
    invite(attack_stack.database_url, company, code=values["code"])
    before = attack_stack.senders()
    async with Client(attack_stack, language) as supplier:
        await supplier.converse(
            [(text.format(**values), expected.format(**values)) for text, expected in turns]
        )
    [conversation_id] = attack_stack.senders() - before

    # Rasa saw the marker where the password was asked, never a password.
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in attack_stack.events(conversation_id)
        if event["event"] == "user"
    ]
    assert intents.count("password_given") == 1
    with db.session_scope(attack_stack.database_url) as session:
        account = find_account(session, values["email"])
        assert verify_password(account.password_hash, values["strong"])
    assert_written_nowhere(attack_stack, values["weak"], values["built_on_email"], values["strong"])


async def test_password_given_without_a_checked_password_is_asked_again(attack_stack):
    """A script that sends the marker without the web app's check gets the question again."""
    invite(attack_stack.database_url, CompanyId("FR", "732829320"), code="SECP-FR00-0000-NOPW")
    async with Client(attack_stack, "fr") as client:
        await client.converse(
            [
                ("je voudrais créer mon compte", "dans quel pays"),
                ("France", "SIREN"),
                ("732 829 320", "code d'invitation"),
                ("SECP-FR00-0000-NOPW", "adresse email"),
                ("nopw@fournisseur.example", "nopw@fournisseur.example"),
                ("oui", "mot de passe"),
                ("/password_given", "Choisissez un mot de passe"),
            ]
        )
