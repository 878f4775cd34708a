"""validate_registration_form: every answer a message holds is kept, whatever was asked."""

from __future__ import annotations

import pytest

from actions.registration_form import ActionAskCountryConfirmed, ValidateRegistrationForm
from tests.actions.form_helpers import asked_next, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    UK_CODE,
    UK_COMPANY,
    make_tracker,
    rendered,
    responses,
    run,
    slots_after,
)

FIRST_MESSAGE = {
    "fr": "Bonjour, France, siren 732 829 320, code ACME-FR00-0000-0001, email jean@acme.fr",
    "en": "Hello, France, SIREN 732 829 320, code ACME-FR00-0000-0001, email jean@acme.fr",
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_first_message_with_the_data_starts_the_registration_with_it_kept(
    domain, invite, language
):
    """The form's activation reads the message that started it: nothing is asked twice."""
    invite()
    tracker = make_tracker(
        domain, slots={"language": language}, text=FIRST_MESSAGE[language], intent="inform"
    )
    dispatcher, events = await run(ValidateRegistrationForm(), tracker, domain)

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"], after["invitation_code"]) == (
        "FR",
        ACME.value,
        ACME_CODE,
    )
    assert after["invitation_valid"] is True
    assert after["email"] == "jean@acme.fr"
    assert responses(dispatcher) == ["utter_invitation_valid"]  # checked once, not twice
    assert asked_next(tracker, events) == "email_confirmed"


@pytest.mark.parametrize(
    ("text", "country", "company"),
    [
        ("France, siren 732 829 320", "FR", ACME.value),
        ("United Kingdom, SC123456", "GB", "SC123456"),
        ("Royaume-Uni, SC123456", "GB", "SC123456"),
    ],
)
async def test_country_and_identifier_in_one_answer_are_both_kept(
    domain, database, text, country, company
):
    dispatcher, events, tracker = await validate(domain, "country", {}, text=text)

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"]) == (country, company)
    assert asked_next(tracker, events) == "invitation_code"
    assert dispatcher.messages == []


async def test_country_identifier_and_code_at_the_country_question_check_the_invitation(
    domain, invite
):
    invite(company=UK_COMPANY, code=UK_CODE, customer="Tesco Stores")
    dispatcher, events, tracker = await validate(
        domain, "country", {}, text="UK, company number 00445790, code GBCD 0000 0000 0003"
    )

    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert slots_after(tracker, events)["invitation_valid"] is True
    assert asked_next(tracker, events) == "email"


@pytest.mark.parametrize(
    ("language", "question"),
    [
        (
            "fr",
            "Ce numéro est un SIREN : votre société est donc immatriculée en France. "
            "Est-ce bien cela ?",
        ),
        ("en", "This number is a SIREN, so your company is registered in France. Is that right?"),
    ],
)
async def test_a_siren_at_the_country_question_means_france_said_and_confirmed(
    domain, database, language, question
):
    dispatcher, events, tracker = await validate(
        domain, "country", {}, text="898 894 399", slots={"language": language}
    )

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"], after["country_inferred"]) == (
        "FR",
        "898894399",
        True,
    )
    assert dispatcher.messages == []  # not "Je ne reconnais pas ce pays"
    assert asked_next(tracker, events) == "country_confirmed"
    ask = make_tracker(domain, slots=after)
    asked, _ = await run(ActionAskCountryConfirmed(), ask, domain)
    assert rendered(domain, asked, ask) == [question]


async def test_yes_to_the_country_read_from_the_identifier_checks_the_invitation(domain, invite):
    invite()
    slots = {
        "country": "FR",
        "company_id": ACME.value,
        "invitation_code": ACME_CODE,
        "country_inferred": True,
    }
    dispatcher, events, tracker = await validate(
        domain, "country_confirmed", {}, slots=slots, text="oui", intent="affirm"
    )

    assert responses(dispatcher) == ["utter_invitation_valid"]
    after = slots_after(tracker, events)
    assert (after["country_confirmed"], after["country_inferred"]) == (True, False)
    assert after["invitation_valid"] is True


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_code_typed_instead_of_yes_confirms_the_country_and_is_checked(
    domain, invite, language
):
    """Regression: the code was kept but "so your company is registered in France?" asked
    again, and again at the next answer."""
    invite()
    slots = {"country": "FR", "company_id": ACME.value, "country_inferred": True}
    dispatcher, events, tracker = await validate(
        domain,
        "country_confirmed",
        {},
        slots={**slots, "language": language},
        text=ACME_CODE,
        intent="inform",
    )

    assert responses(dispatcher) == ["utter_invitation_valid"]
    after = slots_after(tracker, events)
    assert (after["country_confirmed"], after["invitation_valid"]) == (True, True)
    assert asked_next(tracker, events) == "email"


async def test_no_to_the_country_read_from_the_identifier_asks_the_country_again(domain):
    slots = {"country": "FR", "company_id": "898894399", "country_inferred": True}
    _, events, tracker = await validate(
        domain, "country_confirmed", {}, slots=slots, text="non", intent="deny"
    )

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"], after["country_inferred"]) == (
        None,
        None,
        False,
    )
    assert asked_next(tracker, events) == "country"


async def test_no_with_the_right_country_keeps_it_and_asks_its_identifier(domain):
    slots = {"country": "FR", "company_id": "898894399", "country_inferred": True}
    _, events, tracker = await validate(
        domain, "country_confirmed", {}, slots=slots, text="non, c'est la Belgique", intent="deny"
    )

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"]) == ("BE", None)
    assert asked_next(tracker, events) == "company_id"


async def test_a_siren_for_a_belgian_company_asks_whether_the_company_is_french(domain, database):
    _, events, tracker = await validate(
        domain, "company_id", {}, text="732 829 320", slots={"country": "BE"}
    )

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"], after["country_inferred"]) == (
        "FR",
        ACME.value,
        True,
    )
    assert asked_next(tracker, events) == "country_confirmed"


async def test_a_code_typed_at_the_identifier_question_is_kept_as_the_code(domain, database):
    """The SIREN is asked again, after saying the code is kept (the question alone looked as if
    the code had not been read); the code is not rejected as a wrong SIREN."""
    dispatcher, events, tracker = await validate(
        domain, "company_id", {}, text="ACME-FR00-0000-0001", slots={"country": "FR"}
    )

    after = slots_after(tracker, events)
    assert (after["company_id"], after["invitation_code"]) == (None, ACME_CODE)
    assert [m["response"] for m in dispatcher.messages] == ["utter_invitation_code_kept"]
    assert asked_next(tracker, events) == "company_id"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Vous avez saisi un numéro de TVA intracommunautaire : votre SIREN en est les "
            "9 derniers chiffres, 732 829 320. Je retiens ce SIREN.",
        ),
        (
            "en",
            "You entered an intra-community VAT number: your SIREN is its last 9 digits, "
            "732 829 320. I will use this SIREN.",
        ),
    ],
)
async def test_a_french_vat_number_is_recognised_and_its_siren_kept(
    domain, database, language, text
):
    dispatcher, events, tracker = await validate(
        domain,
        "company_id",
        {},
        text="FR 44 732 829 320",
        slots={"country": "FR", "language": language},
    )

    assert slots_after(tracker, events)["company_id"] == ACME.value
    assert rendered(domain, dispatcher, tracker) == [text]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "C'est un numéro de TVA : il me faut le numéro CRN (Companies House), 8 caractères : "
            "8 chiffres, ou 2 lettres suivies de 6 chiffres, par exemple 00445790. Il figure "
            "dans l'email d'invitation.",
        ),
        (
            "en",
            "This is a VAT number: I need the Companies House number (CRN), 8 characters: "
            "8 digits, or 2 letters followed by 6 digits, for example 00445790. It is in the "
            "invitation email.",
        ),
    ],
)
async def test_a_uk_vat_number_is_refused_for_what_it_is(domain, database, language, text):
    dispatcher, events, tracker = await validate(
        domain, "company_id", {}, text="GB980780684", slots={"country": "GB", "language": language}
    )

    assert slots_after(tracker, events)["company_id"] is None
    assert rendered(domain, dispatcher, tracker) == [text]


@pytest.mark.parametrize("text", ["Frnace", "Belgiqe", "Royaume Unis"])
async def test_a_country_with_a_typo_is_understood(domain, database, text):
    dispatcher, events, tracker = await validate(domain, "country", {}, text=text)

    assert slots_after(tracker, events)["country"] in ("FR", "BE", "GB")
    assert dispatcher.messages == []


async def test_an_address_given_early_is_kept_and_not_asked_again(domain, invite):
    invite()
    _, events, tracker = await validate(
        domain,
        "invitation_code",
        {},
        text="ACME-FR00-0000-0001 et mon mail jean@acme.fr",
        slots={"country": "FR", "company_id": ACME.value},
    )

    after = slots_after(tracker, events)
    assert (after["invitation_valid"], after["email"]) == (True, "jean@acme.fr")
    assert asked_next(tracker, events) == "email_confirmed"


@pytest.mark.parametrize("intent", ["start_registration", "greet"])
async def test_answers_in_a_greeting_or_a_new_request_mid_form_are_kept(domain, database, intent):
    _, events, tracker = await validate(
        domain,
        "country",
        {},
        text="bonjour, je veux m'inscrire : France, 732 829 320",
        intent=intent,
    )

    after = slots_after(tracker, events)
    assert (after["country"], after["company_id"]) == ("FR", ACME.value)


@pytest.mark.parametrize("intent", ["start_registration", "greet"])
async def test_a_greeting_or_a_new_request_mid_form_without_answers_is_left_to_the_rules(
    domain, intent
):
    dispatcher, events, _ = await validate(domain, "country", {}, text="bonjour", intent=intent)

    assert (dispatcher.messages, events) == ([], [])


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("before", ["action_resume_registration", "action_answer_question"])
async def test_a_message_another_action_took_is_not_read_when_the_form_comes_back(
    domain, language, before
):
    """After a handoff's contact address ("plutôt paul@gmail.com") or a question answered, the
    form asks its pending question again: nothing in that message is an answer to it."""
    tracker = make_tracker(
        domain,
        slots={"language": language, "requested_slot": "password", "email": "jean@acme.fr"},
        text="plutôt paul.perso@gmail.com" if language == "fr" else "rather paul.perso@gmail.com",
        intent="inform",
    )
    tracker.events.append({"event": "action", "name": before})
    dispatcher, events = await run(ValidateRegistrationForm(), tracker, domain)

    after = slots_after(tracker, events)
    assert after["email"] == "jean@acme.fr"
    assert after["password"] is None
    assert responses(dispatcher) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "je veux modifier mon mot de passe"), ("en", "I want to change the password")],
)
async def test_changing_the_answer_being_asked_asks_it_again(domain, language, text):
    """Without an answer the form would be rejected and the fallback offer an advisor."""
    tracker = make_tracker(
        domain,
        slots={"language": language, "requested_slot": "password", "email": "jean@acme.fr"},
        text=text,
        intent="correct_field",
        confidence=0.99,
        entities=[{"entity": "field", "value": "password"}],
    )
    _, events = await run(ValidateRegistrationForm(), tracker, domain)

    assert {"event": "slot", "name": "password", "value": None} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert slots_after(tracker, events)["requested_slot"] == "password"


@pytest.mark.parametrize(
    ("language", "said_back"),
    [("fr", "C'est noté : prénom **Julien**, nom **Bonnet**"), ("en", "first name **Julien**")],
)
async def test_a_full_name_at_the_first_name_question_fills_both_and_is_said_back(
    domain, language, said_back
):
    tracker = make_tracker(
        domain,
        slots={"language": language, "requested_slot": "first_name", "terms_accepted": True},
        text="Julien Bonnet",
        intent="inform",
    )
    dispatcher, events = await run(ValidateRegistrationForm(), tracker, domain)

    after = slots_after(tracker, events)
    assert (after["first_name"], after["last_name"]) == ("Julien", "Bonnet")
    assert said_back in rendered(domain, dispatcher, tracker)[0]


@pytest.mark.parametrize(
    ("language", "country", "text", "phone", "job_title"),
    [
        ("fr", "FR", "06 45 67 89 01, je suis commercial", "+33645678901", "commercial"),
        ("en", "GB", "020 7946 0958, I'm the finance manager", "+442079460958", "finance manager"),
    ],
)
async def test_a_job_title_given_with_the_phone_fills_both_and_is_not_asked(
    domain, language, country, text, phone, job_title
):
    tracker = make_tracker(
        domain,
        slots={
            "language": language,
            "country": country,
            "requested_slot": "phone",
            "terms_accepted": True,
            "first_name": "Paul",
            "last_name": "Martin",
        },
        text=text,
        intent="inform",
    )
    _, events = await run(ValidateRegistrationForm(), tracker, domain)

    after = slots_after(tracker, events)
    assert (after["phone"], after["job_title"]) == (phone, job_title)


async def test_a_single_first_name_is_kept_whole_and_the_last_name_asked(domain):
    tracker = make_tracker(
        domain,
        slots={"language": "fr", "requested_slot": "first_name", "terms_accepted": True},
        text="Jean-Pierre",
        intent="inform",
    )
    dispatcher, events = await run(ValidateRegistrationForm(), tracker, domain)

    after = slots_after(tracker, events)
    assert (after["first_name"], after["last_name"]) == ("Jean-Pierre", None)
    assert responses(dispatcher) == []


# --- answers given before their question are said back -------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "noted"),
    [
        ("fr", "06 45 67 89 01, je suis commercial", "C'est noté : fonction **commercial**."),
        ("en", "06 45 67 89 01, I'm the sales manager", "Noted: job title **sales manager**."),
    ],
)
async def test_a_job_title_given_with_the_phone_is_said_back(
    domain, database, language, text, noted
):
    slots = {"country": "FR", "language": language, "first_name": "Jean", "last_name": "Dupont"}
    dispatcher, events, tracker = await validate(domain, "phone", {}, text=text, slots=slots)

    assert rendered(domain, dispatcher, tracker) == [noted]
    assert slots_after(tracker, events)["phone"] == "+33645678901"


@pytest.mark.parametrize(
    ("language", "noted"),
    [("fr", "C'est noté : email **jean@acme.fr**."), ("en", "Noted: email **jean@acme.fr**.")],
)
async def test_an_address_given_before_the_company_is_identified_is_said_back(
    domain, database, language, noted
):
    """It was kept silently, and the country asked again (third outside tester, c44)."""
    dispatcher, events, tracker = await validate(
        domain, "country", {}, text="my email is jean@acme.fr", slots={"language": language}
    )

    assert noted in rendered(domain, dispatcher, tracker)
    assert slots_after(tracker, events)["email"] == "jean@acme.fr"


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_address_read_back_next_is_not_said_back_twice(domain, invite, language):
    invite()
    tracker = make_tracker(
        domain, slots={"language": language}, text=FIRST_MESSAGE[language], intent="inform"
    )
    dispatcher, _ = await run(ValidateRegistrationForm(), tracker, domain)

    assert "utter_noted" not in responses(dispatcher)  # "Vous avez saisi ... : est-elle correcte ?"
