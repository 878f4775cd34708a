"""validate_registration_form: the email question."""

from __future__ import annotations

import pytest

from actions.registration_form import ActionAskEmailConfirmed
from bot.registration import drafts
from tests.actions.form_helpers import validate
from tests.actions.helpers import make_tracker, rendered, responses, run, said, slot_events

# --- email -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["jean.dupont", "jean@", "mon email c'est jean"])
async def test_invalid_email(domain, text):
    dispatcher, events, _ = await validate(domain, "email", {"email": text}, text=text)

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_invalid"]


async def test_two_addresses_are_ambiguous(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "a@acme.fr ou b@acme.fr"})

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_ambiguous"]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "text",
    [
        "noreply@sis-id.com",
        # the end of an invitation email pasted whole
        "ACME vous invite à rejoindre My Sis ID.\nL'équipe My Sis ID - noreply@sis-id.com",
        "support@sis-id.com",
    ],
)
async def test_the_platforms_own_address_is_not_the_suppliers(domain, text, language):
    """The activation email would go to the platform's sender: the account could never open."""
    dispatcher, events, tracker = await validate(
        domain, "email", {"email": text}, slots={"language": language}
    )

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_platform"]
    address = "support@sis-id.com" if text.startswith("support") else "noreply@sis-id.com"
    words = "pas la vôtre" if language == "fr" else "not yours"
    [said_text] = rendered(domain, dispatcher, tracker)
    assert address in said_text and words in said_text


@pytest.mark.parametrize(("language", "words"), [("fr", "accents"), ("en", "accents")])
async def test_an_address_with_accents_before_the_at_is_kept_without_them_and_said(
    domain, language, words
):
    """ "élodie.brûlé@..." got "this address does not look valid" without a reason."""
    text = "élodie.brûlé@fromagerie-brûlé.fr"
    dispatcher, events, tracker = await validate(
        domain, "email", {"email": text}, text=text, slots={"language": language}
    )

    assert ("email", "elodie.brule@fromagerie-brûlé.fr") in slot_events(events)
    assert responses(dispatcher) == ["utter_email_accents_removed"]
    [said_text] = rendered(domain, dispatcher, tracker)
    assert words in said_text


async def test_an_address_dictated_in_words_is_taken(domain):
    text = "jean point dupont arobase orange point fr"
    dispatcher, events, _ = await validate(domain, "email", {"email": text}, text=text)

    assert ("email", "jean.dupont@orange.fr") in slot_events(events)
    assert ("email_confirmed", None) in slot_events(events)  # read back for a yes or a no
    assert dispatcher.messages == []


async def test_a_pasted_invitation_email_gives_the_suppliers_own_address(domain):
    text = "Mon adresse : paul.martin@martin-sa.fr\nDe : L'équipe My Sis ID <noreply@sis-id.com>"
    dispatcher, events, _ = await validate(domain, "email", {"email": text})

    assert ("email", "paul.martin@martin-sa.fr") in slot_events(events)
    assert dispatcher.messages == []


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_address_of_the_account_created_here_is_refused_for_another_company(
    domain, language
):
    """An address is one account's: the second company needs its own (it was told "created",
    and nothing happened)."""
    dispatcher, events, tracker = await validate(
        domain,
        "email",
        {"email": "Olivia.Noir@noir-conseil.fr"},
        slots={"registered_email": "olivia.noir@noir-conseil.fr", "language": language},
    )

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_has_the_account_created"]
    [text] = rendered(domain, dispatcher, tracker)
    assert "olivia.noir@noir-conseil.fr" in text
    assert ("une autre adresse" if language == "fr" else "another address") in text


async def test_valid_email_is_normalised(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "C'est Jean.Dupont@ACME.fr."})

    assert slot_events(events) == [
        ("email", "jean.dupont@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]
    assert dispatcher.messages == []


async def test_email_typo_gets_a_suggestion(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "jean@gmial.com"})

    assert slot_events(events) == [
        ("email", "jean@gmial.com"),
        ("email_suggestion", "jean@gmail.com"),
        ("email_confirmed", None),
    ]
    assert dispatcher.messages == []  # the suggestion is offered by action_ask_email_confirmed


async def test_the_confirmed_address_given_again_keeps_its_confirmation(domain):
    dispatcher, events, _ = await validate(
        domain,
        "email",
        {"email": "jean.dupont@acme.fr"},
        slots={"email": "jean.dupont@acme.fr", "email_confirmed": True, "email_suggestion": None},
    )

    assert slot_events(events) == [("email", "jean.dupont@acme.fr")]
    assert dispatcher.messages == []


async def test_another_address_after_the_confirmation_is_asked_to_be_confirmed(domain):
    # At the summary, read by the form (rasa_sdk puts the address it extracts in the slot
    # before validate_email runs: the address before the message is the one confirmed).
    _, events, _ = await validate(
        domain,
        "confirmed",
        {},
        slots={"email": "jean.dupont@acme.fr", "email_confirmed": True},
        text="en fait je préfère compta@acme.fr",
    )

    assert ("email", "compta@acme.fr") in slot_events(events)
    assert ("email_confirmed", None) in slot_events(events)


async def test_an_unconfirmed_address_given_again_is_asked_to_be_confirmed(domain):
    _, events, _ = await validate(
        domain, "email", {"email": "jean.dupont@acme.fr"}, slots={"email_confirmed": None}
    )

    assert slot_events(events) == [
        ("email", "jean.dupont@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]


async def test_a_new_address_forgets_the_earlier_confirmation(domain):
    # As typed, the slot holds the raw text: it differs from the normalised address.
    _, events, _ = await validate(
        domain, "email", {"email": "Jean.Martin@ACME.fr"}, slots={"email_confirmed": True}
    )

    assert slot_events(events) == [
        ("email", "jean.martin@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Vous avez saisi **jean@gmial.com** : vouliez-vous dire **jean@gmail.com** ?"),
        ("en", "You entered **jean@gmial.com**: did you mean **jean@gmail.com**?"),
    ],
)
async def test_confirmation_question_offers_the_suggestion(domain, language, expected):
    tracker = make_tracker(
        domain,
        slots={
            "language": language,
            "email": "jean@gmial.com",
            "email_suggestion": "jean@gmail.com",
            "requested_slot": "email_confirmed",
        },
    )
    dispatcher, events = await run(ActionAskEmailConfirmed(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_email_suggestion",
            "email": "jean@gmial.com",
            "suggestion": "jean@gmail.com",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]
    assert events == []


async def test_confirmation_question_repeats_the_address(domain):
    tracker = make_tracker(domain, slots={"email": "jean.dupont@acme.fr"})
    dispatcher, _ = await run(ActionAskEmailConfirmed(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_confirm_email", "email": "jean.dupont@acme.fr"}]


async def test_yes_to_the_suggestion_takes_the_suggested_address(domain, session):
    _, events, tracker = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": True},
        slots={"email": "jean@gmial.com", "email_suggestion": "jean@gmail.com"},
        intent="affirm",
    )

    assert slot_events(events) == [
        ("email_confirmed", True),
        ("email", "jean@gmail.com"),
        ("email_suggestion", None),
    ]
    # Kept for the web app's check of the widget's password (it must not contain the address).
    assert drafts.email_for(session, tracker.sender_id) == "jean@gmail.com"


async def test_no_to_the_suggestion_asks_the_address_again(domain):
    """ "Did you mean gmail.com?" - "no": the typed "gmial.com" is not kept as confirmed."""
    dispatcher, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": False},
        slots={"email": "jean@gmial.com", "email_suggestion": "jean@gmail.com"},
        intent="deny",
    )

    assert responses(dispatcher) == ["utter_correcting"]
    assert dict(slot_events(events)) == {
        "email_confirmed": None,
        "email": None,
        "email_suggestion": None,
        "email_suggestion_declined": "jean@gmial.com",
    }


async def test_the_address_typed_again_after_declining_the_suggestion_is_kept(domain):
    """The supplier knows better: the same address typed again is confirmed as typed."""
    dispatcher, events, _ = await validate(
        domain,
        "email",
        {"email": "jean@gmial.com"},
        slots={"email_suggestion_declined": "jean@gmial.com"},
    )

    assert dict(slot_events(events)) == {
        "email": "jean@gmial.com",
        "email_suggestion": None,
        "email_confirmed": None,
    }
    assert dispatcher.messages == []


async def test_no_without_suggestion_asks_the_address_again(domain, session):
    _, events, tracker = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": False},
        slots={"email": "jean.dupont@acme.fr"},
        intent="deny",
    )

    assert slot_events(events) == [("email_confirmed", None), ("email", None)]
    assert drafts.email_for(session, tracker.sender_id) is None


async def test_yes_without_suggestion_confirms(domain, session):
    _, events, tracker = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": True},
        slots={"email": "jean.dupont@acme.fr"},
        intent="affirm",
    )

    assert slot_events(events) == [("email_confirmed", True)]
    assert drafts.email_for(session, tracker.sender_id) == "jean.dupont@acme.fr"


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "c'est une arnaque ?"), ("en", "is this a scam?")]
)
async def test_an_unsure_question_at_the_email_question_offers_the_closest_topics(
    domain, language, text
):
    """It got "this email address does not look valid"."""
    ranking = [{"name": "faq", "confidence": 0.6}, {"name": "chitchat", "confidence": 0.3}]
    selector = {
        "all_retrieval_intents": ["faq", "chitchat"],
        "faq": {
            "response": {"intent_response_key": "faq/genuine_invitation", "confidence": 0.5},
            "ranking": [
                {"intent_response_key": "faq/genuine_invitation", "confidence": 0.5},
                {"intent_response_key": "faq/data_security", "confidence": 0.3},
            ],
        },
    }
    dispatcher, events, _ = await validate(
        domain,
        "email",
        {},
        slots={"language": language},
        text=text,
        intent="nlu_fallback",
        intent_ranking=ranking,
        response_selector=selector,
    )

    assert slot_events(events) == [("email", None)]  # the question again
    [message] = dispatcher.messages
    payloads = [button["payload"] for button in message["buttons"]]
    assert '/faq{"topic":"faq/genuine_invitation"}' in payloads
    assert "/human_handoff" in payloads and "/out_of_scope" not in payloads
    assert "utter_email_invalid" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("terms_accepted", "why can't I just skip it?"),
        ("terms_accepted", "pourquoi je ne peux pas passer cette étape ?"),
        ("company_id", "wait, Northwind is not my customer"),
        ("company_id", "attendez, Northwind n'est pas mon client"),
    ],
)
async def test_an_unsure_question_or_sentence_elsewhere_offers_the_closest_topics(
    domain, asked, text
):
    """A question at a yes/no question got "reply yes or no"; a sentence where the CRN is
    asked got "this does not look like a CRN"."""
    ranking = [{"name": "faq", "confidence": 0.6}, {"name": "chitchat", "confidence": 0.3}]
    selector = {
        "all_retrieval_intents": ["faq", "chitchat"],
        "faq": {
            "response": {"intent_response_key": "faq/terms", "confidence": 0.5},
            "ranking": [{"intent_response_key": "faq/terms", "confidence": 0.5}],
        },
    }
    dispatcher, events, _ = await validate(
        domain,
        asked,
        {},
        slots={"country": "GB", "email": "jean.dupont@acme.fr"},
        text=text,
        intent="nlu_fallback",
        intent_ranking=ranking,
        response_selector=selector,
    )

    assert slot_events(events) == [(asked, None)]  # the question again
    [message] = dispatcher.messages
    assert "/human_handoff" in [button["payload"] for button in message["buttons"]]
