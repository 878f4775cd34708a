"""validate_registration_form: the company identifier question."""

from __future__ import annotations

import pytest

from tests.actions.form_helpers import refuse_database, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    IN_AN_HOUR,
    OTHER_CODE,
    OTHER_COMPANY,
    rendered,
    responses,
    said,
    slot_events,
)

# --- company identifier ------------------------------------------------------------------------


async def test_siren_in_a_sentence_is_normalised(domain):
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": text}, slots={"country": "FR"}, text=text
    )

    assert slot_events(events) == [("company_id", "732829320")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Ce SIREN n'est pas valide : un chiffre est sans doute erroné. "
            "Pouvez-vous le vérifier dans l'email d'invitation ?",
        ),
        (
            "en",
            "This SIREN is not valid: a digit is probably wrong. "
            "Could you check it in the invitation email?",
        ),
    ],
)
async def test_wrong_check_digit_is_explained(domain, language, expected):
    dispatcher, events, tracker = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 321"},
        slots={"country": "FR", "language": language},
    )

    assert slot_events(events) == [("company_id", None)]
    assert said(dispatcher) == [
        {
            "response": "utter_company_id_invalid_checksum",
            "id_name": "SIREN",
            "example": "732 829 320",
            "country_name": "France",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]


async def test_siret_is_turned_into_its_siren(domain):
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": "732 829 320 00074"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("company_id", "732829320")]
    assert said(dispatcher) == [{"response": "utter_siret_to_siren", "siren": "732 829 320"}]


async def test_too_short_identifier(domain):
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": "12345"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("company_id", None)]
    assert responses(dispatcher) == ["utter_company_id_invalid_length"]


async def test_uk_company_number_in_english(domain):
    text = "our company number is 445790"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "GB", "language": "en"},
        text=text,
    )

    assert slot_events(events) == [("company_id", "00445790")]
    assert dispatcher.messages == []


async def test_uk_company_number_error_names_the_crn_in_english(domain):
    dispatcher, events, tracker = await validate(
        domain, "company_id", {"company_id": "XX123456"}, slots={"country": "GB", "language": "en"}
    )

    assert slot_events(events) == [("company_id", None)]
    assert rendered(domain, dispatcher, tracker) == [
        "This does not look like a Companies House number (CRN). Example: 00445790."
    ]


async def test_code_from_the_invitation_link_is_checked_with_the_company_id(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        slots={"country": "FR", "invitation_code": ACME_CODE, "code_from_link": True},
    )

    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("invitation_valid", True),
    ]
    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]


async def test_code_from_the_link_that_does_not_match_the_company_asks_which_is_wrong(
    domain, invite
):
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        slots={"country": "FR", "invitation_code": OTHER_CODE, "code_from_link": True},
    )

    # Both are kept: the supplier is asked which of the two is wrong.
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", OTHER_CODE),
        ("invitation_valid", None),
        ("invitation_failures", 1.0),
        ("correction_menu", "invitation"),
        ("field_to_correct", None),
        ("requested_slot", "field_to_correct"),
    ]
    assert responses(dispatcher) == ["utter_invitation_mismatch"]


async def test_lock_reached_from_the_company_id_keeps_the_normalised_identifier(domain, invite):
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "FR", "invitation_code": OTHER_CODE, "invitation_failures": 4.0},
        text=text,
    )

    assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_locked"]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", OTHER_CODE),
        ("invitation_failures", 5.0),
        ("requested_slot", None),
        ("invitation_locked_until", IN_AN_HOUR),
    ]


async def test_company_id_given_once_locked_is_normalised_and_not_checked(
    domain, invite, monkeypatch
):
    invite()
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "FR", "invitation_code": ACME_CODE, "invitation_failures": 5.0},
        text=text,
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("requested_slot", None),
        ("invitation_locked_until", IN_AN_HOUR),
    ]
