"""action_start_registration: whatever the supplier types at "shall we start?" does what it means;
data starts the registration with the data kept; a registration that exists is said first."""

from __future__ import annotations

import pytest

from actions.registration import ActionStartRegistration
from tests.actions.helpers import (
    completed_registration,
    make_tracker,
    rendered,
    responses,
    run,
    slots_after,
)


async def start(domain, text, intent, **slots):
    tracker = make_tracker(domain, slots=slots, text=text, intent=intent, active_loop=None)
    dispatcher, events = await run(ActionStartRegistration(), tracker, domain)
    return dispatcher, slots_after(tracker, events), tracker


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Bonjour, France, siren 732 829 320, code ACME-FR00-0000-0001", "inform"),
        ("UK, SC123456", "inform"),
        ("France, 732 829 320, jean.dupont@acme.fr", "inform"),
        ("je voudrais créer mon compte", "start_registration"),
        ("/start_registration", "start_registration"),
    ],
)
async def test_a_request_or_registration_data_starts_the_registration(domain, text, intent):
    dispatcher, slots, _ = await start(domain, text, intent)

    assert responses(dispatcher) == ["utter_start_registration"]
    assert slots["registration_starting"] is True  # the rule runs the form, which reads the data


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("fr", "voulez-vous commencer ?"),
        ("en", "shall we start?"),
    ],
)
async def test_an_answer_without_data_asks_first(domain, language, question):
    dispatcher, slots, tracker = await start(domain, "Dupont", "inform", language=language)

    assert responses(dispatcher) == ["utter_answer_without_question"]
    assert rendered(domain, dispatcher, tracker)[0].endswith(question)
    assert (slots["registration_starting"], slots["registration_offer"]) == (False, "start")


@pytest.mark.parametrize(("language", "text"), [("fr", "oui"), ("en", "yes")])
async def test_yes_typed_at_shall_we_start_starts(domain, language, text):
    """Regression: a typed "oui" got "Je ne parviens pas à comprendre", 8 times in a row."""
    dispatcher, slots, _ = await start(
        domain, text, "affirm", language=language, registration_offer="start"
    )

    assert responses(dispatcher) == ["utter_start_registration"]
    assert (slots["registration_starting"], slots["registration_offer"]) == (True, None)


@pytest.mark.parametrize(("language", "text"), [("fr", "non merci"), ("en", "no thanks")])
async def test_no_at_shall_we_start_starts_nothing(domain, language, text):
    dispatcher, slots, _ = await start(
        domain, text, "deny", language=language, registration_offer="start"
    )

    assert responses(dispatcher) == ["utter_not_starting"]
    assert (slots["registration_starting"], slots["registration_offer"]) == (False, None)


async def test_an_answer_after_shall_we_start_starts_even_without_data(domain):
    """The supplier is answering: "Dupont" again would not be asked "shall we start?" again."""
    dispatcher, slots, _ = await start(domain, "Dupont", "inform", registration_offer="start")

    assert responses(dispatcher) == ["utter_start_registration"]
    assert slots["registration_starting"] is True


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "fr",
            "Votre compte a déjà été créé dans cette conversation, avec l'adresse "
            "**jean.dupont@acme.fr**. Voulez-vous inscrire une autre société ?",
        ),
        (
            "en",
            "Your account has already been created in this conversation, with the address "
            "**jean.dupont@acme.fr**. Would you like to register another company?",
        ),
    ],
)
@pytest.mark.parametrize(
    ("text", "intent"),
    [("je veux m'inscrire", "start_registration"), ("jean.dupont@acme.fr", "inform")],
)
async def test_after_a_registration_a_new_one_is_not_started_without_saying_what_exists(
    domain, language, said, text, intent
):
    dispatcher, slots, tracker = await start(
        domain, text, intent, language=language, registered_email="jean.dupont@acme.fr"
    )

    assert rendered(domain, dispatcher, tracker) == [said]
    assert (slots["registration_starting"], slots["registration_offer"]) == (False, "another")


@pytest.mark.parametrize(
    "text",
    [
        "Next client: Fenwick Labs, code ACME-FR00-0000-0001. Can we keep my details?",
        "client suivant : SIREN 732 829 320",
    ],
)
async def test_the_next_company_s_code_or_said_identifier_starts_at_once(domain, text):
    """ "Another company?" then "yes" lost the code of the message (fifth outside tester)."""
    dispatcher, slots, _ = await start(
        domain, text, "start_registration", registered_email="jean.dupont@acme.fr"
    )

    assert responses(dispatcher) == ["utter_start_registration"]
    assert slots["registration_starting"] is True


async def test_yes_to_another_company_starts_the_second_registration(domain):
    dispatcher, slots, _ = await start(
        domain,
        "oui",
        "affirm",
        registered_email="jean.dupont@acme.fr",
        registration_offer="another",
    )

    assert responses(dispatcher) == ["utter_start_registration"]
    assert slots["registration_starting"] is True


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("fr", "je me suis inscrit la semaine dernière avec jean@acme.fr", "start_registration"),
        ("en", "I registered last week with jean@acme.fr", "inform"),
        ("en", "I already have an account", "start_registration"),
    ],
)
async def test_a_supplier_who_registered_before_is_not_invited_to_register_again(
    domain, language, text, intent
):
    dispatcher, slots, _tracker = await start(domain, text, intent, language=language)

    assert responses(dispatcher) == ["utter_account_may_exist"]
    assert slots["registration_starting"] is False
    assert slots["email"] is None  # the address is not taken as a new registration's


async def test_a_restart_keeps_nothing_of_the_last_registration_but_the_link_code(domain):
    slots = completed_registration(code_from_link=True, refusals={"phone": 2})
    _, after, _ = await start(domain, "/start_registration", "start_registration", **slots)

    assert after["refusals"] is None and after["email"] is None
    assert after["invitation_code"] == slots["invitation_code"]


@pytest.mark.parametrize(
    "text",
    [
        "je me suis trompée d'adresse, c'est helene.roy@roysarl.fr",
        "sorry, wrong address, it should be helene.roy@roysarl.fr",
    ],
)
async def test_after_a_registration_a_wrong_address_with_the_new_one_is_corrected(domain, text):
    """Not "another company?": the address correction starts with the new address."""
    dispatcher, events = await run(
        ActionStartRegistration(),
        make_tracker(
            domain,
            slots={"registered_email": "jean.dupont@acme.fr"},
            text=text,
            intent="start_registration",
            active_loop=None,
        ),
        domain,
    )

    assert dispatcher.messages == []
    assert {"event": "followup", "timestamp": None, "name": "email_change_form"} in events
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["new_email"] == "helene.roy@roysarl.fr"
    assert slots["address_correction"] is True
    assert slots["registration_starting"] is False
