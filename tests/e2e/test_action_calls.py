"""How many times each message calls the action server (issue 17): once at most, none where Rasa
alone can answer. The stack's action calls go through tests/factories.ActionCallCounter.

The first message of a registration calls once, the form's first validation: the registration
starts in the Rasa server (rasa_ext/registration_start.py). A session starts in the Rasa server
too (rasa_ext/session_start.py) unless the page gave an invitation code, which the custom
``action_session_start`` keeps in the product's database.
"""

from __future__ import annotations

import pytest

from bot.checks.identifiers import CompanyId
from tests.e2e.conftest import texts
from tests.factories import PASSWORD, invite

VALIDATE = "validate_registration_form"
ANSWER = "action_answer_question"


def calls_per_message(servers, sender: str, turns, metadata: dict) -> list[list[str]]:
    """Send each message; the actions Rasa called for each one."""
    calls = []
    for text, expected in turns:
        before = len(servers.action_calls.calls)
        replies = servers.say(sender, text, metadata)
        assert expected.lower() in texts(replies).lower(), (text, replies)
        calls.append(servers.action_calls.of(sender, before))
    return calls


REGISTRATIONS = {
    "fr": [
        ("je veux créer mon compte", "dans quel pays"),
        ("France", "SIREN"),
        ("732 829 320", "code d'invitation"),
        ("{code}", "adresse email"),
        ("{email}", "{email}"),
        ("oui", "mot de passe"),
        (PASSWORD, "Conditions Générales"),
        ("J'accepte", "prénom"),
        ("Jean", "nom de famille"),
        ("Dupont", "téléphone"),
        ("06 12 34 56 78", "fonction"),
        ("Comptable", "récapitulatif"),
        ("oui", "noreply@sis-id.com"),
    ],
    "en": [
        ("I want to create my account", "which country"),
        ("France", "SIREN"),
        ("732 829 320", "invitation code"),
        ("{code}", "email address"),
        ("{email}", "{email}"),
        ("yes", "password"),
        (PASSWORD, "Terms of Use"),
        ("I accept", "first name"),
        ("John", "last name"),
        ("Smith", "phone number"),
        ("06 12 34 56 78", "job title"),
        ("skip", "summary"),
        ("yes", "noreply@sis-id.com"),
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_message_of_a_registration_calls_the_action_server_once(
    servers, conversation_id, language
):
    code = invite(servers.database_url, CompanyId("FR", "732829320"))
    email = f"calls.{conversation_id[:10]}@acme-industrie.fr"
    turns = [
        (text.format(code=code, email=email), expected.format(email=email))
        for text, expected in REGISTRATIONS[language]
    ]
    calls = calls_per_message(servers, conversation_id, turns, {"language": language})
    assert calls[0] == [VALIDATE]
    # The questions asked by actions (the identifier's name, the address read back, the terms,
    # the summary) come in the same call as the validation of the answer before them, and the
    # account is created in the validation of the confirming "yes".
    assert calls[1:] == [[VALIDATE]] * (len(turns) - 1)


@pytest.mark.parametrize(
    ("language", "questions"),
    [
        ("fr", [("Bonjour", "assistant"), ("c'est quoi un SIREN", "9 chiffres")]),
        ("en", [("Hello", "assistant"), ("what is a SIREN?", "9-digit")]),
    ],
)
def test_a_question_calls_its_answer_and_a_language_request_no_action(
    servers, conversation_id, language, questions
):
    switch = ("English please", "continue in English")
    calls = calls_per_message(
        servers, conversation_id, [*questions, switch], {"language": language}
    )
    # The answer states the product's own figures and is recorded for the report
    # (actions/answers.py): one call. A greeting (which starts the session) and a language
    # request: none.
    assert calls == [[], [ANSWER], []]


@pytest.mark.parametrize(
    ("language", "start", "asked"),
    [("fr", "je veux créer mon compte", "pays"), ("en", "I want to create my account", "country")],
)
def test_a_session_from_an_invitation_link_calls_the_session_start_to_keep_the_code(
    servers, conversation_id, language, start, asked
):
    code = invite(servers.database_url, CompanyId("FR", "732829320"))
    metadata = {"language": language, "invitation_code": code}

    calls = calls_per_message(servers, conversation_id, [(start, asked)], metadata)

    assert calls == [["action_session_start", VALIDATE]]
    # The code is kept: the identifier then identifies the company without the code asked.
    turns = [("France", "SIREN"), ("732 829 320", "ACME")]
    calls_per_message(servers, conversation_id, turns, metadata)


@pytest.mark.parametrize(
    ("language", "to_company_id", "question", "answer"),
    [
        (
            "fr",
            [("je veux créer mon compte", "pays"), ("France", "SIREN")],
            "c'est quoi un SIREN",
            "9 chiffres",
        ),
        (
            "en",
            [("I want to create my account", "country"), ("France", "SIREN")],
            "what is a SIREN?",
            "9-digit",
        ),
    ],
)
def test_a_question_during_the_registration_calls_its_answer_only(
    servers, conversation_id, language, to_company_id, question, answer
):
    """The Rasa server sees that the message is a question (the form's own reading, in bot/),
    the answer's action says it and asks the pending question when an action asks it: one
    call, and the question asked once."""
    metadata = {"language": language}
    calls_per_message(servers, conversation_id, to_company_id, metadata)
    # The identifier question is an action's: the answer's call asks it again, once, last.
    before = len(servers.action_calls.calls)
    replies = [texts([reply]) for reply in servers.say(conversation_id, question, metadata)]
    assert servers.action_calls.of(conversation_id, before) == [ANSWER]
    identifier_question = {"fr": "Quel est le SIREN", "en": "What is your company's SIREN"}
    assert answer in replies[0]
    assert replies[-1].startswith(identifier_question[language]), replies
    assert sum(identifier_question[language] in reply for reply in replies) == 1
    next_question = "code d'invitation" if language == "fr" else "invitation code"
    calls_per_message(servers, conversation_id, [("732 829 320", next_question)], metadata)
    # The invitation code question is a response: Rasa asks again by itself.
    assert calls_per_message(servers, conversation_id, [(question, answer)], metadata) == [[ANSWER]]
