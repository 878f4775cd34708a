"""validate_registration_form: the invitation code question."""

from __future__ import annotations

import pytest

from bot.checks.invitation_codes import normalise_code
from tests.actions.form_helpers import refuse_database, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    IN_AN_HOUR,
    OTHER_CODE,
    OTHER_COMPANY,
    UK_CODE,
    UK_COMPANY,
    rendered,
    responses,
    said,
    slot_events,
)

# --- invitation code ---------------------------------------------------------------------------


async def test_valid_invitation(domain, invite):
    invite()
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "mon code est acme-fr00-0000-0001"},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert slot_events(events) == [
        ("invitation_code", ACME_CODE),
        ("company_id", ACME.value),
        ("invitation_valid", True),
    ]
    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]
    assert rendered(domain, dispatcher, tracker) == [
        "Merci, votre société est identifiée : invitation de ACME."
    ]


async def test_valid_uk_invitation_in_english(domain, invite):
    invite(company=UK_COMPANY, code=UK_CODE, customer="Tesco Stores")
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "gbcd 0000 0000 0003"},
        slots={"country": "GB", "company_id": UK_COMPANY.value, "language": "en"},
    )

    assert slot_events(events) == [
        ("invitation_code", UK_CODE),
        ("company_id", "00445790"),
        ("invitation_valid", True),
    ]
    assert rendered(domain, dispatcher, tracker) == [
        "Thank you, your company is identified: invitation from Tesco Stores."
    ]


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZ1", "BETA-FR00-0000-0002"])
async def test_unknown_code_and_code_of_another_company_get_the_same_answer(domain, invite, code):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": code},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 1.0},
    )

    assert said(dispatcher) == [{"response": "utter_invitation_mismatch"}]
    # Both answers are kept: the next question asks which of the two is wrong.
    assert slot_events(events) == [
        ("invitation_code", normalise_code(code)),
        ("company_id", ACME.value),
        ("invitation_valid", None),
        ("invitation_failures", 2.0),
        ("correction_menu", "invitation"),
        ("field_to_correct", None),
        ("requested_slot", "field_to_correct"),
    ]


async def test_unreadable_code(domain, database):
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "euh attendez"},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert slot_events(events) == [("invitation_code", None)]
    assert responses(dispatcher) == ["utter_invitation_code_unreadable"]


async def test_fifth_failure_locks_the_check(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "ZZZZ-ZZZZ-ZZZZ-ZZZ1"},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 4.0},
    )

    assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_locked"]
    slots = dict(slot_events(events))
    del slots["invitation_code"]  # the answer as typed: not rewritten once the check is locked
    assert slots == {
        "company_id": ACME.value,
        "invitation_failures": 5.0,
        "requested_slot": None,
        "invitation_locked_until": IN_AN_HOUR,
    }


async def test_when_locked_even_the_right_code_is_not_checked(domain, invite, monkeypatch):
    invite()
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 5.0},
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert slot_events(events) == [
        ("invitation_code", ACME_CODE),
        ("company_id", ACME.value),
        ("requested_slot", None),
        ("invitation_locked_until", IN_AN_HOUR),
    ]
