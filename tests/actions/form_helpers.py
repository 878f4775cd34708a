"""The form under test and one turn of it, shared by the tests/actions/test_form_*.py files."""

from __future__ import annotations

from actions.registration_form import ValidateRegistrationForm
from bot.responses import load_domain
from tests.actions.helpers import make_tracker, run

FORM = ValidateRegistrationForm()
FORM_SLOTS = load_domain()["forms"]["registration_form"]["required_slots"]


async def validate(domain, requested_slot, extracted, *, slots=None, **message):
    """One turn of the form: the user answered ``requested_slot``, Rasa extracted ``extracted``."""
    tracker = make_tracker(
        domain,
        slots={"requested_slot": requested_slot, **(slots or {})},
        extracted=extracted,
        **message,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events, tracker


def refuse_database():
    raise AssertionError("the database must not be asked once the check is locked")
