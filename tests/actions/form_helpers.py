"""The form under test and one turn of it, shared by the tests/actions/test_form_*.py files."""

from __future__ import annotations

from actions.registration_form import ValidateRegistrationForm
from bot.checks.answers import TEXT_FIELDS
from bot.responses import load_domain
from tests.actions.helpers import make_tracker, run, slots_after

FORM = ValidateRegistrationForm()
FORM_SLOTS = load_domain()["forms"]["registration_form"]["required_slots"]


# Read by the form itself (extract_<slot>) from the message's text; Rasa extracts only the
# answers to yes/no questions (from_intent mappings).
TYPED = set(TEXT_FIELDS)


async def validate(domain, requested_slot, extracted, *, slots=None, **message):
    """One turn of the form: the user answered ``requested_slot``, Rasa extracted ``extracted``.

    An answer typed for a question that asks for text is the message's text (``text``): the
    form reads it itself, Rasa extracts nothing for it.
    """
    extracted = dict(extracted)
    if requested_slot in TYPED and isinstance(extracted.get(requested_slot), str):
        message.setdefault("text", extracted.pop(requested_slot))
    tracker = make_tracker(
        domain,
        slots={"requested_slot": requested_slot, **(slots or {})},
        extracted=extracted,
        **message,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events, tracker


async def confirm(domain, slots, **message):
    """The supplier's "oui" to the summary, which the form's validation reads and then creates
    the account with (actions/registration.py ``create_account``). ``slots`` hold the answers
    (``completed_registration``); Rasa reads ``confirmed`` from the "oui"."""
    answers = {**slots, "confirmed": None, "requested_slot": "confirmed"}
    message = {"text": "oui", "intent": "affirm", **message}
    return await validate(domain, "confirmed", {"confirmed": True}, slots=answers, **message)


def refuse_database():
    raise AssertionError("the database must not be asked once the check is locked")


def asked_next(tracker, events) -> str | None:
    """The question the form asks after this turn: the one the validation action names, or
    else (as Rasa decides when the action names none) the first unanswered one of the form."""
    named = [
        e["value"] for e in events if e.get("event") == "slot" and e["name"] == "requested_slot"
    ]
    if named:
        return named[-1]
    after = slots_after(tracker, events)
    return next((slot for slot in FORM_SLOTS if after.get(slot) is None), None)
