"""The registration form's ask actions (the questions as the form asks them)."""

from __future__ import annotations

import pytest

from actions.common import PASSWORD_SET
from actions.registration_form import (
    ActionAskCompanyId,
    ActionAskConfirmed,
    ActionAskFieldToCorrect,
)
from tests.actions.helpers import (
    completed_registration,
    make_tracker,
    rendered,
    responses,
    run,
    said,
    variation,
)

# --- ask actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        (
            "FR",
            "fr",
            "Quel est le SIREN de votre société ? Par exemple : 732 829 320. "
            "Il figure dans l'email d'invitation.",
        ),
        (
            "GB",
            "en",
            "What is your company's Companies House number (CRN)? For example: 00445790. "
            "You will find it in the invitation email.",
        ),
        (
            "GB",
            "fr",
            "Quel est le numéro CRN (Companies House) de votre société ? Par exemple : 00445790. "
            "Il figure dans l'email d'invitation.",
        ),
    ],
)
async def test_company_id_question_names_the_country_identifier(
    domain, country, language, expected
):
    tracker = make_tracker(domain, slots={"country": country, "language": language})
    dispatcher, events = await run(ActionAskCompanyId(), tracker, domain)

    assert rendered(domain, dispatcher, tracker) == [expected]
    assert events == []


@pytest.mark.parametrize(
    ("language", "company", "phone", "job_title"),
    [
        ("fr", "SIREN 732 829 320 (France)", "+33 6 12 34 56 78", "non renseignée"),
        ("en", "SIREN 732 829 320 (France)", "+33 6 12 34 56 78", "not given"),
    ],
)
async def test_summary_without_password(domain, language, company, phone, job_title):
    slots = completed_registration(language=language, job_title="-", confirmed=None)
    tracker = make_tracker(domain, slots={**slots, "requested_slot": "confirmed"}, intent="skip")
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_registration_summary",
            "company": company,
            "email": "jean.dupont@acme.fr",
            "first_name": "Jean",
            "last_name": "Dupont",
            "phone": phone,
            "job_title": job_title,
        }
    ]
    text = rendered(domain, dispatcher, tracker)[0]
    assert PASSWORD_SET not in text
    assert "{" not in text
    assert events == []


async def test_summary_of_a_uk_company_in_english(domain):
    slots = completed_registration(
        language="en",
        country="GB",
        company_id="SC123456",
        phone="+447400123456",
        job_title="Accountant",
        confirmed=None,
    )
    tracker = make_tracker(domain, slots=slots, intent="inform")
    dispatcher, _ = await run(ActionAskConfirmed(), tracker, domain)

    message = said(dispatcher)[0]
    assert message["company"] == "Companies House number (CRN) SC123456 (United Kingdom)"
    assert message["phone"] == "+44 7400 123456"
    assert message["job_title"] == "Accountant"


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Que souhaitez-vous corriger ?"), ("en", "What would you like to correct?")],
)
async def test_after_a_no_the_question_is_what_to_correct(domain, language, text):
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(confirmed=None, language=language),
            "requested_slot": "field_to_correct",
            "correction_menu": "all",
        },
        text="non",
        intent="deny",
    )
    dispatcher, events = await run(ActionAskFieldToCorrect(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_ask_what_to_correct"}]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert events == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Lequel des deux ne correspond pas à l'email d'invitation : le SIREN 732 829 320 ou "
            "le code d'invitation ACME… ?",
        ),
        (
            "en",
            "Which of the two does not match the invitation email: the SIREN 732 829 320 or the "
            "invitation code ACME…?",
        ),
    ],
)
async def test_after_a_failed_check_the_question_is_which_of_the_two_is_wrong(
    domain, language, text
):
    """The code is shown masked: it is a credential until used."""
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(language=language, invitation_valid=None),
            "requested_slot": "field_to_correct",
            "correction_menu": "invitation",
        },
    )
    dispatcher, _ = await run(ActionAskFieldToCorrect(), tracker, domain)

    assert rendered(domain, dispatcher, tracker) == [text]
    buttons = (
        dispatcher.messages[0]["buttons"]
        or variation(domain, "utter_ask_which_is_wrong", language)["buttons"]
    )
    # braces doubled in the domain: Rasa fills payloads as texts, "{{" gives "{"
    assert [b["payload"] for b in buttons] == [
        '/correct_field{{"field":"company_id"}}',
        '/correct_field{{"field":"invitation_code"}}',
    ]


@pytest.mark.parametrize("answered", [None])
async def test_once_corrected_the_summary_is_shown_again(domain, answered):
    """After "what to correct?" and the new answer, the form asks again: the summary."""
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(email="jean.martin@acme.fr", confirmed=None),
            "correction_menu": answered,
        },
        intent="inform",
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_summary"]
    assert said(dispatcher)[0]["email"] == "jean.martin@acme.fr"
    assert events == []


async def test_a_no_to_the_optional_job_title_still_shows_the_summary(domain):
    # "non merci" to the job title (intent deny) is stored as "-" by domain.yml; the latest
    # intent is deny, yet nothing was refused yet: the summary comes first.
    slots = completed_registration(job_title="-", confirmed=None)
    tracker = make_tracker(
        domain,
        slots={**slots, "requested_slot": "confirmed"},
        extracted={"job_title": "-"},
        text="non merci",
        intent="deny",
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_summary"]
    assert said(dispatcher)[0]["job_title"] == "non renseignée"
    assert events == []
