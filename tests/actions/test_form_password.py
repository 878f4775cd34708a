"""validate_registration_form and extract_password: the password question."""

from __future__ import annotations

import json

import pytest

from actions.common import PASSWORD_SET
from bot import db
from bot.checks.passwords import verify_password
from bot.registration import drafts
from tests.actions.form_helpers import FORM, validate
from tests.actions.helpers import (
    STRONG_PASSWORD,
    draft,
    make_tracker,
    rendered,
    responses,
    run,
    said,
    save_password_hash,
    slot_events,
)

# --- password ----------------------------------------------------------------------------------


async def password_turn(domain, text, *, language="fr", intent="inform", confidence=0.95, **slots):
    tracker = make_tracker(
        domain,
        slots={
            "requested_slot": "password",
            "language": language,
            "email": "jean.dupont@acme.fr",
            **slots,
        },
        text=text,
        intent=intent,
        confidence=confidence,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events, tracker


@pytest.mark.parametrize(
    ("language", "problems"),
    [
        (
            "fr",
            "- il doit comporter au moins 8 caractères\n"
            "- il manque une majuscule\n"
            "- il manque un chiffre\n"
            "- il manque un caractère spécial (hors point final « . »)",
        ),
        (
            "en",
            "- it must be at least 8 characters long\n"
            "- it needs an uppercase letter\n"
            "- it needs a digit\n"
            '- it needs a special character (the full stop "." does not count)',
        ),
    ],
)
async def test_weak_password_lists_exactly_the_unmet_rules(domain, database, language, problems):
    dispatcher, events, _ = await password_turn(domain, "abc", language=language)

    assert said(dispatcher) == [{"response": "utter_password_not_accepted", "problems": problems}]
    assert slot_events(events) == [("password", None)]
    assert draft() is None


@pytest.mark.parametrize(
    ("language", "problems"),
    [
        ("fr", "- il est trop facile à deviner (un mot courant, un nom, une date, une suite de "
               "touches ou de chiffres, même avec des symboles) : allongez-le, par exemple avec "
               "un ou deux mots sans rapport entre eux\n"
               "- il ne doit contenir ni votre nom ni une partie de votre adresse email"),
        ("en", "- it is too easy to guess (a common word, a name, a date, a run of keys or "
               "digits, even with symbols added): make it longer, for example with one or two "
               "unrelated words\n"
               "- it must not contain your name or part of your email address"),
    ],
)  # fmt: skip
async def test_password_built_on_the_email(domain, database, language, problems):
    dispatcher, events, _ = await password_turn(domain, "Jean.Dupont1!", language=language)

    assert said(dispatcher) == [{"response": "utter_password_not_accepted", "problems": problems}]
    assert slot_events(events) == [("password", None)]


async def test_strong_password_is_hashed_server_side_and_never_echoed(domain, database):
    dispatcher, events, _ = await password_turn(domain, STRONG_PASSWORD)

    assert slot_events(events) == [("password", PASSWORD_SET)]
    assert dispatcher.messages == []
    with db.session_scope() as session:
        password_hash = drafts.password_hash_for(session, "conv-1")
    assert password_hash.startswith("$argon2id$")
    assert verify_password(password_hash, STRONG_PASSWORD)
    assert STRONG_PASSWORD not in json.dumps(events, ensure_ascii=False)
    assert STRONG_PASSWORD not in json.dumps(dispatcher.messages, ensure_ascii=False)


@pytest.mark.parametrize(
    "said", ["mon mot de passe sera {password}", "my password is {password}", "mdp : {password}"]
)
async def test_a_password_introduced_in_a_sentence_is_the_password_alone(domain, database, said):
    """The account got the whole sentence: its owner could never log in with the password."""
    _, events, _ = await password_turn(domain, said.format(password=STRONG_PASSWORD))

    assert slot_events(events) == [("password", PASSWORD_SET)]
    with db.session_scope() as session:
        password_hash = drafts.password_hash_for(session, "conv-1")
    assert verify_password(password_hash, STRONG_PASSWORD)


async def test_a_weak_password_is_not_echoed_either(domain, database):
    dispatcher, events, _ = await password_turn(domain, "motdepasse")

    assert "motdepasse" not in json.dumps(events, ensure_ascii=False)
    assert "motdepasse" not in json.dumps(dispatcher.messages, ensure_ascii=False)


async def test_a_confident_question_is_not_taken_as_the_password(domain, database):
    dispatcher, events, _ = await password_turn(
        domain, "Quelles sont les règles du mot de passe ?", intent="faq", confidence=0.95
    )

    assert events == []
    assert dispatcher.messages == []
    assert draft() is None


@pytest.mark.parametrize(
    ("language", "text", "intent", "words"),
    [
        ("fr", "je vous l'ai déjà donné au dessus", "already_registered", "autre message"),
        ("en", "I already gave it to you above", "nlu_fallback", "another message"),
    ],
)
async def test_a_password_said_to_be_in_another_message_is_asked_here(
    domain, database, language, text, intent, words
):
    """The password had been typed in the address's message; "je vous l'ai déjà donné au
    dessus" at the password question got the answer for an account that exists."""
    dispatcher, events, tracker = await password_turn(
        domain, text, language=language, intent=intent, confidence=0.98
    )

    assert ("password", None) in slot_events(events)  # the form asks it again
    assert responses(dispatcher) == ["utter_password_only_here"]
    [said_text] = rendered(domain, dispatcher, tracker)
    assert words in said_text
    assert draft() is None


async def test_the_message_is_read_as_password_only_when_the_password_is_asked(domain, database):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "first_name", "email": "jean.dupont@acme.fr"},
        text=STRONG_PASSWORD,
    )
    dispatcher, events = await run(FORM, tracker, domain)

    assert ("password", PASSWORD_SET) not in slot_events(events)
    assert responses(dispatcher) == ["utter_name_invalid"]  # read as a first name, refused
    assert draft() is None


async def test_a_password_slot_set_another_way_is_refused(domain):
    _, events, _ = await validate(domain, "first_name", {"password": "Tr0ub4dor&3-Quai"})

    assert slot_events(events) == [("password", None)]


# --- the widget's path: the web app holds the hash, Rasa gets only "/password_given" -----------


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_password_given_is_accepted_when_the_web_app_kept_a_hash(domain, database, language):
    save_password_hash()

    dispatcher, events, _ = await password_turn(
        domain, "/password_given", language=language, intent="password_given", confidence=1.0
    )

    assert slot_events(events) == [("password", PASSWORD_SET)]
    assert dispatcher.messages == []  # the form goes on to the terms of use


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_password_given_without_a_hash_is_no_answer(domain, database, language):
    dispatcher, events, _ = await password_turn(
        domain, "/password_given", language=language, intent="password_given", confidence=1.0
    )

    assert slot_events(events) == [("password", None)]  # the form asks for the password again
    assert dispatcher.messages == []
    assert draft() is None  # and "/password_given" was not hashed as if it were the password
