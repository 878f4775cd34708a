"""validate_registration_form: re-validation of a company and code already checked together."""

from __future__ import annotations

import pytest

from bot import db
from bot.registration.invitations import find_invitation
from tests.actions.form_helpers import FORM_SLOTS, refuse_database, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    completed_registration,
    said,
    slot_events,
    slots_after,
)

# --- re-validation of a company and code already checked together ------------------------------
# When the form starts again (e.g. "no" to "stop the registration?"), Rasa re-validates every
# filled slot: a pair already found valid is neither checked again nor announced again.

CHECKED_PAIR = {
    "country": "FR",
    "company_id": ACME.value,
    "invitation_code": ACME_CODE,
    "invitation_valid": True,
}


@pytest.mark.parametrize(
    "revalidated",
    [
        {"company_id": ACME.value},
        {"invitation_code": ACME_CODE},
        {"country": "FR", "company_id": ACME.value, "invitation_code": ACME_CODE},
    ],
)
async def test_a_pair_already_checked_is_not_checked_again(domain, monkeypatch, revalidated):
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    dispatcher, events, tracker = await validate(
        domain, None, revalidated, slots=CHECKED_PAIR, intent="deny", text="non"
    )

    assert dispatcher.messages == []
    assert slot_events(events) == list(revalidated.items())
    assert slots_after(tracker, events) == tracker.slots


async def test_a_restarted_form_does_not_ask_the_database_about_its_invitation(domain, invite):
    """The invitation row is gone: re-validation still says nothing and keeps the pair."""
    invite()
    with db.session_scope() as session:
        session.delete(find_invitation(session, ACME_CODE))
    slots = completed_registration(confirmed=None)
    prefilled = {k: v for k, v in slots.items() if k in FORM_SLOTS and v is not None}
    dispatcher, events, tracker = await validate(
        domain, None, prefilled, slots=slots, intent="deny", text="non"
    )

    assert dispatcher.messages == []
    assert slot_events(events) == list(prefilled.items())
    assert slots_after(tracker, events) == tracker.slots
    assert slots_after(tracker, events)["invitation_failures"] == 0.0


async def test_without_a_valid_pair_the_same_values_are_checked(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": ACME.value},
        slots={**CHECKED_PAIR, "invitation_valid": None},
    )

    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("invitation_valid", True),
    ]


@pytest.mark.parametrize(
    ("slot", "typed"),
    [("company_id", "542 107 651"), ("invitation_code", "beta-fr00-0000-0002")],
)
async def test_a_value_other_than_the_checked_one_is_checked(domain, invite, slot, typed):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(domain, slot, {slot: typed}, slots=CHECKED_PAIR)

    assert said(dispatcher) == [{"response": "utter_invitation_mismatch"}]
    # The new value is checked with the other one, both are kept, and the form asks which of
    # the two is wrong.
    checked = {**{k: CHECKED_PAIR[k] for k in ("company_id", "invitation_code")}}
    checked[slot] = OTHER_COMPANY.value if slot == "company_id" else OTHER_CODE
    assert dict(slot_events(events)) == {
        **checked,
        "invitation_valid": None,
        "invitation_failures": 1.0,
        "correction_menu": "invitation",
        "field_to_correct": None,
        "requested_slot": "field_to_correct",
    }
