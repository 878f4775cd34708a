"""validate_registration_form: the terms and the contact details."""

from __future__ import annotations

import pytest

from actions.registration_form import ActionAskFirstName, ActionAskTermsAccepted
from tests.actions.form_helpers import asked_next, validate
from tests.actions.helpers import (
    completed_registration,
    make_tracker,
    rendered,
    responses,
    run,
    said,
    save_password_hash,
    slot_events,
)

# --- terms, contact details --------------------------------------------------------------------


async def test_terms_refused(domain):
    dispatcher, events, _ = await validate(
        domain, "terms_accepted", {"terms_accepted": False}, intent="deny"
    )

    assert slot_events(events) == [("terms_accepted", None)]
    assert responses(dispatcher) == ["utter_terms_refused"]


async def test_terms_accepted(domain):
    dispatcher, events, _ = await validate(
        domain, "terms_accepted", {"terms_accepted": True}, intent="affirm"
    )

    assert slot_events(events) == [("terms_accepted", True)]
    assert dispatcher.messages == []


async def test_terms_question_links_the_terms(domain, database):
    tracker = make_tracker(domain, slots={"language": "en"})
    dispatcher, _ = await run(ActionAskTermsAccepted(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_ask_terms_accepted",
            "terms_url": "https://help.example.test/conditions-generales",
        }
    ]


@pytest.mark.parametrize("slot", ["first_name", "last_name"])
async def test_invalid_name(domain, slot):
    dispatcher, events, _ = await validate(domain, slot, {slot: "J3an !!"})

    assert slot_events(events) == [(slot, None)]
    assert responses(dispatcher) == ["utter_name_invalid"]


async def test_name_lead_in_is_removed(domain):
    dispatcher, events, _ = await validate(
        domain, "first_name", {"first_name": "je m'appelle Jean"}
    )

    assert slot_events(events) == [("first_name", "Jean")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Ce numéro n'est pas valide pour la France. Exemple : 06 12 34 56 78. Pour un numéro "
            "d'un autre pays, commencez par son indicatif (+44, +32…).",
        ),
        (
            "en",
            "This number is not valid for France. Example: 06 12 34 56 78. For a number from "
            "another country, start with its code (+44, +32…).",
        ),
    ],
)
async def test_invalid_phone_for_france(domain, language, expected):
    dispatcher, events, tracker = await validate(
        domain, "phone", {"phone": "12 34"}, slots={"country": "FR", "language": language}
    )

    assert slot_events(events) == [("phone", None)]
    country = {"fr": "la France", "en": "France"}[language]
    assert said(dispatcher) == [
        {"response": "utter_phone_invalid", "country": country, "example": "06 12 34 56 78"}
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]


async def test_uk_phone_error_names_the_country_in_french(domain):
    dispatcher, _, _ = await validate(
        domain, "phone", {"phone": "12 34"}, slots={"country": "GB", "language": "fr"}
    )

    assert said(dispatcher) == [
        {
            "response": "utter_phone_invalid",
            "country": "le Royaume-Uni",
            "example": "07400 123456",
        }
    ]


async def test_phone_is_stored_in_international_form(domain):
    _, events, _ = await validate(
        domain, "phone", {"phone": "06 12 34 56 78"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("phone", "+33612345678")]


@pytest.mark.parametrize(("text", "intent"), [("passer", "skip"), ("non merci", "deny")])
async def test_skipped_job_title_is_kept(domain, text, intent):
    # "passer" and "non": no job title (read by the form, bot/checks/answers.py)
    dispatcher, events, _ = await validate(
        domain, "job_title", {"job_title": "-"}, text=text, intent=intent
    )

    assert slot_events(events) == [("job_title", "-")]
    assert dispatcher.messages == []


async def test_too_long_job_title(domain):
    dispatcher, events, _ = await validate(domain, "job_title", {"job_title": "x" * 101})

    assert slot_events(events) == [("job_title", None)]
    assert responses(dispatcher) == ["utter_job_title_invalid"]


async def test_a_job_title_with_a_link_is_refused(domain):
    """The summary echoed "[Verify](http://evil.example)", which the widget shows as a link."""
    dispatcher, events, _ = await validate(
        domain, "job_title", {"job_title": "[Verify](http://evil.example) CFO"}
    )

    assert slot_events(events) == [("job_title", None)]
    assert responses(dispatcher) == ["utter_job_title_markup"]


async def test_final_yes_creates_the_account_and_ends_the_form(domain, invite):
    """In the same call as its validation (one call to the action server for the message)."""
    invite()
    save_password_hash()
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, tracker = await validate(
        domain, "confirmed", {"confirmed": True}, slots=slots, intent="affirm", text="oui"
    )

    assert slot_events(events)[0] == ("confirmed", True)
    assert responses(dispatcher) == ["utter_account_created"]
    assert asked_next(tracker, events) is None


async def test_the_account_created_keeps_its_contact_details_for_a_next_company(domain, invite):
    invite()
    save_password_hash()
    slots = {**completed_registration(job_title="-"), "confirmed": None}
    _, events, _ = await validate(
        domain, "confirmed", {"confirmed": True}, slots=slots, intent="affirm", text="oui"
    )

    previous = [v for k, v in slot_events(events) if k == "previous_contact"]
    # the skipped job title is none to reuse: it is asked again
    assert previous == [{"first_name": "Jean", "last_name": "Dupont", "phone": "+33612345678"}]


@pytest.mark.parametrize(
    ("language", "title", "payload"),
    [
        ("fr", "Mêmes coordonnées : Jean Dupont", "Les mêmes coordonnées"),
        ("en", "Same details: Jean Dupont", "The same details"),
    ],
)
async def test_a_next_companys_first_name_question_offers_the_previous_details(
    domain, language, title, payload
):
    previous = {"first_name": "Jean", "last_name": "Dupont", "phone": "+33612345678"}
    tracker = make_tracker(
        domain, slots={"language": language, "previous_contact": previous}, text="oui"
    )

    dispatcher, _ = await run(ActionAskFirstName(), tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_first_name"
    [button] = message["buttons"]
    assert button["title"] == title and button["payload"].startswith(payload)


async def test_a_first_registrations_first_name_question_has_no_button(domain):
    tracker = make_tracker(domain, slots={"language": "fr"}, text="j'accepte")

    dispatcher, _ = await run(ActionAskFirstName(), tracker, domain)

    assert dispatcher.messages[0]["response"] == "utter_ask_first_name"
    assert not dispatcher.messages[0].get("buttons")


@pytest.mark.parametrize("said_", ["les mêmes que tout à l'heure", "same details as before"])
async def test_the_same_details_as_before_fill_the_contact_details(domain, said_):
    previous = {"first_name": "Jean", "last_name": "Dupont", "phone": "+33612345678"}
    _, events, _ = await validate(
        domain,
        "first_name",
        {"first_name": said_},
        text=said_,
        slots={"previous_contact": previous, "country": "FR"},
    )

    filled = dict(slot_events(events))
    assert filled["first_name"] == "Jean" and filled["last_name"] == "Dupont"
    assert filled["phone"] == "+33612345678"


async def test_final_no_asks_again_and_marks_a_correction(domain):
    dispatcher, events, _ = await validate(
        domain, "confirmed", {"confirmed": False}, intent="deny", text="non"
    )

    assert slot_events(events) == [
        ("confirmed", None),
        ("correction_menu", "all"),
        ("field_to_correct", None),
        ("requested_slot", "field_to_correct"),
    ]
    assert dispatcher.messages == []  # action_ask_field_to_correct asks what to correct
