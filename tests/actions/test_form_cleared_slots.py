"""validate_registration_form: slots the form clears in the turn they are answered."""

from __future__ import annotations

import pytest

from actions.common import REGISTRATION_SLOTS
from tests.actions.form_helpers import FORM
from tests.actions.helpers import completed_registration, make_tracker, run, slots_after

# --- slots cleared this turn ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "cleared"),
    [
        ("start_registration", REGISTRATION_SLOTS),  # action_start_registration forgot them
        ("correct_field", ("email", "email_suggestion", "email_confirmed", "confirmed")),
        ("correct_field", ("country", "company_id", "invitation_valid", "confirmed")),
    ],
)
async def test_answers_cleared_this_turn_are_asked_again_not_refused(domain, intent, cleared):
    """A cleared answer is not validated: no "unknown country" or "invalid email" for it."""
    tracker = make_tracker(
        domain,
        slots={**completed_registration(), "requested_slot": None},
        extracted=dict.fromkeys(cleared),
        intent=intent,
    )
    dispatcher, events = await run(FORM, tracker, domain)

    assert dispatcher.messages == []
    assert slots_after(tracker, events) == tracker.slots
