"""Handoff through the REST channel, as the widget sends it: the assistant asks how to reach
the supplier (optional), opens a ticket that support receives with that address in full and
the registration's progress in French, keeps the address masked in the conversation logs, lets
the registration go on at its pending question, and caps the tickets of one conversation."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

import pytest

from bot import db
from bot.checks.identifiers import CompanyId
from bot.db import utcnow
from bot.registration.accounts import find_account
from bot.registration.invitations import find_invitation
from tests.e2e.conftest import converse, texts
from tests.e2e.test_registration_off_script import new_code, new_siren
from tests.factories import PASSWORD, SmtpServer, invite

SUPPORT = "support@sis-id.com"
REFERENCE = re.compile(r"T-\d{6}")

TURNS = {
    "fr": {
        "start": ("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
        "country": ("France", "SIREN"),
        "code_question": "code d'invitation",
        "email_question": "adresse email",
        "email_confirm": ("oui", "mot de passe"),
        "human": ("je voudrais parler à un conseiller", "À quelle adresse email un conseiller"),
        "contact": "Il vous répondra par email",
        "resumes": "poursuivons votre inscription",
        "password_again": "Choisissez un mot de passe",
        "rest": [
            (PASSWORD, "Conditions Générales"),
            ("j'accepte", "prénom"),
            ("Paul", "nom de famille"),
            ("Martin", "téléphone"),
            ("06 12 34 56 78", "fonction"),
            ("Gérant", "récapitulatif"),
            ("oui", "noreply@sis-id.com"),
        ],
        "leave_none": "Sans adresse email, il ne peut pas vous répondre : pour recevoir sa "
        "réponse, écrivez à support@sis-id.com",
        "already": "Votre demande est déjà transmise",
    },
    "en": {
        "start": ("Hello, I'd like to create my supplier account", "which country"),
        "country": ("France", "SIREN"),
        "code_question": "invitation code",
        "email_question": "email address",
        "email_confirm": ("yes", "password"),
        "human": ("I'd like to talk to an advisor", "Which email address can an advisor reply"),
        "contact": "They will reply by email",
        "resumes": "let's go on with your registration",
        "password_again": "Choose a password",
        "rest": [
            (PASSWORD, "Terms of Use"),
            ("I accept", "first name"),
            ("Paul", "last name"),
            ("Martin", "phone number"),
            ("06 12 34 56 78", "job title"),
            ("Manager", "summary"),
            ("yes", "noreply@sis-id.com"),
        ],
        "leave_none": "Without an email address they cannot reply to you: to get their answer, "
        "write to support@sis-id.com",
        "already": "Your request has already been passed",
    },
}
CASES = {
    "fr": ("443382833", "E2EH-F000-0000-0001", "paul.martin@menuiserie.fr"),
    "en": ("631430881", "E2EH-E000-0000-0001", "paul.martin@joinery.co.uk"),
}


def up_to_the_password(turns: dict, siren: str, code: str, email: str) -> list:
    """The turns from the first message to the password question."""
    return [
        turns["start"],
        turns["country"],
        (siren, turns["code_question"]),
        (code, turns["email_question"]),
        (email, email),
        turns["email_confirm"],
    ]


def support_mail(smtp: SmtpServer, reference: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in smtp.inbox.to(SUPPORT):
            if reference in message["Subject"]:
                return message
        time.sleep(0.3)
    pytest.fail(f"no support mail for {reference}")


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def stored_events(servers, conversation_id: str) -> str:
    with sqlite3.connect(servers.log_dir / "conversations.db") as connection:
        rows = connection.execute(
            "select data from events where sender_id = ?", (conversation_id,)
        ).fetchall()
    return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_handoff_mid_registration_asks_a_contact_and_the_registration_goes_on(
    servers, conversation_id, language
):
    turns = TURNS[language]
    siren, code, email = CASES[language]
    contact = f"paul.{language}.perso@gmail.com"
    invite(servers.database_url, CompanyId("FR", siren), code=code)
    metadata = {"language": language}
    converse(servers, conversation_id, up_to_the_password(turns, siren, code, email), metadata)
    # At the password question, an advisor: the contact question offers the registration
    # address as a button, and the supplier types another one.
    replies = servers.say(conversation_id, turns["human"][0], metadata)
    assert turns["human"][1] in texts(replies)
    assert {"title": email, "payload": email} in replies[-1]["buttons"]
    replies = servers.say(conversation_id, f"plutôt {contact}", metadata)
    said = texts(replies)
    reference = REFERENCE.search(said).group(0)
    assert turns["contact"] in said and turns["resumes"] in said
    assert turns["password_again"] in said  # the pending question, nothing else asked again
    assert contact not in said
    converse(servers, conversation_id, turns["rest"], metadata)

    with db.session_scope(servers.database_url) as session:
        account = find_account(session, email)
        assert account is not None and account.contact.first_name == "Paul"
    ticket = body(support_mail(servers.smtp, reference))
    assert f"Contact : {contact}" in ticket  # in full, for support; labels in French
    assert "Étape atteinte : 2. création du compte" in ticket
    assert "Question en attente : le mot de passe" in ticket
    assert "- Identifiant de la société : " in ticket and "Email:" not in ticket
    assert email not in ticket and code not in ticket and PASSWORD not in ticket
    logs = stored_events(servers, conversation_id)
    assert contact not in logs and f"{contact[0]}***" in logs  # masked in the tracker store


@pytest.mark.parametrize(
    ("language", "refused", "step"),
    [
        ("fr", "Cette invitation a déjà servi à une inscription", "3. informations de contact"),
        (
            "en",
            "This invitation has already been used for a registration",
            "3. informations de contact",
        ),
    ],
)
def test_the_ticket_after_an_account_refused_at_the_summary_says_what_was_given(
    servers, conversation_id, language, refused, step
):
    """A colleague used the invitation in another conversation while the supplier filled in
    the form: the ticket she opened from the refusal said "no step reached, nothing given"
    (fourth outside tester, m5)."""
    turns = TURNS[language]
    siren, email = new_siren(), f"paul.{conversation_id[:8]}@menuiserie.fr"
    code = new_code("HXWV")
    invite(servers.database_url, CompanyId("FR", siren), code=code)
    metadata = {"language": language}
    up_to_the_summary = [*up_to_the_password(turns, siren, code, email), *turns["rest"][:-1]]
    converse(servers, conversation_id, up_to_the_summary, metadata)
    with db.session_scope(servers.database_url) as session:
        find_invitation(session, code).used_at = utcnow()  # the colleague's account

    said = texts(servers.say(conversation_id, turns["rest"][-1][0], metadata))
    assert refused in said
    servers.say(conversation_id, "/human_handoff", metadata)
    reference = REFERENCE.search(texts(servers.say(conversation_id, email, metadata))).group(0)

    ticket = body(support_mail(servers.smtp, reference))
    assert f"Étape atteinte : {step}" in ticket  # labels in French, for support
    assert "- Identifiant de la société : " in ticket and "Paul" in ticket
    assert code not in ticket
    with db.session_scope(servers.database_url) as session:
        assert find_account(session, email) is None


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_supplier_may_leave_no_address_and_is_told_how_to_write(
    servers, conversation_id, language
):
    turns = TURNS[language]
    metadata = {"language": language}
    replies = servers.say(conversation_id, turns["human"][0], metadata)
    assert turns["human"][1] in texts(replies)
    assert replies[-1]["buttons"] == [
        {
            "title": "Ne pas laisser d'adresse" if language == "fr" else "Leave no address",
            "payload": "/deny",
        }
    ]
    said = texts(servers.say(conversation_id, "/deny", metadata))
    reference = REFERENCE.search(said).group(0)
    assert turns["leave_none"] in said
    assert "aucune adresse laissée" in body(support_mail(servers.smtp, reference))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_one_conversation_opens_three_tickets_at_most_then_gets_the_same_reference(
    servers, conversation_id, language
):
    turns = TURNS[language]
    metadata = {"language": language}
    servers.say(conversation_id, turns["human"][0], metadata)
    references = [
        REFERENCE.search(
            texts(servers.say(conversation_id, f"x.{conversation_id[:8]}@example.org", metadata))
        ).group(0)
    ]
    for _ in range(4):
        # the address is known: no question, a ticket straight away (or the same reference)
        said = texts(servers.say(conversation_id, turns["human"][0], metadata))
        assert turns["human"][1] not in said
        references.append(REFERENCE.search(said).group(0))
    assert len(set(references)) == 3 and references[3] == references[4] == references[2]
    assert turns["already"] in said
    time.sleep(2)  # the outbox sender delivers every 0.5 s: nothing more is coming
    mails = [
        m for m in servers.smtp.inbox.to(SUPPORT) if any(r in m["Subject"] for r in references)
    ]
    assert len(mails) == 3


@pytest.mark.parametrize(
    ("language", "write"), [("fr", "Écrivez directement à"), ("en", "Please write directly to")]
)
def test_new_conversations_cannot_name_one_contact_address_in_tickets_without_end(
    servers, language, write
):
    """A script opened one ticket per new conversation, each naming a stranger's address for
    support's reply (an outside tester, M11): five a day per address, then the support address
    is given and nothing is sent."""
    turns = TURNS[language]
    metadata = {"language": language}
    victim = f"victim.{uuid.uuid4().hex[:8]}@example.org"
    references = []
    for _ in range(5):
        conversation = uuid.uuid4().hex
        servers.say(conversation, turns["human"][0], metadata)
        said = texts(servers.say(conversation, victim, metadata))
        references.append(REFERENCE.search(said).group(0))
    sixth = uuid.uuid4().hex
    servers.say(sixth, turns["human"][0], metadata)

    said = texts(servers.say(sixth, victim, metadata))

    assert write in said and SUPPORT in said and REFERENCE.search(said) is None
    time.sleep(2)  # the outbox sender delivers every 0.5 s: nothing more is coming
    mails = [m for m in servers.smtp.inbox.to(SUPPORT) if victim in body(m)]
    assert len(mails) == 5 and len(set(references)) == 5


@pytest.mark.parametrize(
    ("language", "angry", "call", "no_call"),
    [
        ("fr", "ca fait 3 fois que j'essaie votre machin marche pas, passez moi quelqu'un de "
         "chez vous", "je veux pas donner mon email, rappelez-moi au 06 12 34 56 78",
         "je ne peux pas demander qu'on vous rappelle"),
        ("en", "tried 3 times, your thing does not work, put me through to someone from your "
         "team", "I don't want to give my email, just call me back on 07911 123456",
         "I cannot ask for a call back"),
    ],
)  # fmt: skip
def test_a_request_for_a_person_after_a_complaint_and_a_call_back_are_understood(
    servers, language, angry, call, no_call
):
    """ "... marche pas, passez moi quelqu'un" got "not sure" (the "pas" of the complaint read
    as "do not put me through"), and "just call me back on ..." at the contact question got
    "no valid email address found" (fourth outside tester, M9)."""
    conversation = uuid.uuid4().hex
    metadata = {"language": language}

    assert TURNS[language]["human"][1] in texts(servers.say(conversation, angry, metadata))
    reply = texts(servers.say(conversation, call, metadata))
    assert no_call in reply and REFERENCE.search(reply) is None
