"""A form's questions asked by actions are asked in the form's validation call.

Rasa calls the validation action, then, for a question that an action asks
(``action_ask_<slot>``: the identifier's name for the company's country, the address read back,
the summary), the action server a second time. rasa_ext/forms.py makes Rasa leave those
questions to the validation call: the action server (actions/server.py) runs every form
validation action with :func:`asks_its_questions`, which finds the slot the form will ask next
(the one the validation set in ``requested_slot``, else the first empty one in the form's order,
as Rasa does) and runs that slot's ask action in the same call, on the slots as they are after
the validation, after everything the validation said. The actions themselves are unchanged.

An action that answers a question during a form (actions/answers.py) asks the form's pending
question the same way (:func:`pending_question`), and the form coming back after it does not
call again (rasa_ext/forms.py, ``ASK_THE_PENDING_QUESTION``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT


@functools.cache
def _ask_actions() -> dict[str, Action]:
    """Every ``action_ask_*`` action of the actions package, by name (its modules imported
    first, as the action server does: whichever action asks first)."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{__package__}.{module.name}")
    found: dict[str, Action] = {}
    todo = list(Action.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if inspect.isabstract(cls) or not cls.__module__.startswith("actions."):
            continue
        try:
            action = cls()
            name = action.name()
        except Exception:  # noqa: S112 - a base class without a name is not an action
            continue
        if name.startswith("action_ask_"):
            found[name] = action
    return found


def _question(form: str, slot: str | None) -> Action | None:
    if not slot:
        return None
    ask = _ask_actions()
    return ask.get(f"action_ask_{form}_{slot}") or ask.get(f"action_ask_{slot}")


def _first_missing(domain: dict[str, Any], form: str, slots: dict[str, Any]) -> str | None:
    """The first empty slot in the form's order: the one Rasa asks when it picks."""
    required = domain.get("forms", {}).get(form, {}).get("required_slots", [])
    return next((s for s in required if slots.get(s) is None), None)


async def pending_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> list[dict[str, Any]]:
    """The events of asking again the active form's pending question, when an action asks it.

    For an action after which the form comes back (a question answered during the form):
    Rasa then asks the pending question itself when it is a response, and calls nobody when
    it is an action's, provided the pending question is the one Rasa would pick (the same
    test as rasa_ext/forms.py); otherwise the form's validation call asks it, as before.
    """
    form = tracker.active_loop_name
    slot = tracker.get_slot(REQUESTED_SLOT)
    if not form or not slot or _first_missing(domain, form, tracker.slots) != slot:
        return []
    asking = _question(form, slot)
    if asking is None:
        return []
    return list(await asking.run(dispatcher, tracker, domain) or [])


async def next_question(
    validation: FormValidationAction,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The events of asking the form's next question, when an action asks it (else none)."""
    slots = {**tracker.slots}
    for event in events:
        if event.get("event") == "slot":
            slots[event["name"]] = event["value"]
    requested = [
        e["value"] for e in events if e.get("event") == "slot" and e["name"] == REQUESTED_SLOT
    ]
    if requested and requested[-1] is None:
        return []  # the validation stopped the form
    form = validation.form_name()
    slot = requested[-1] if requested else _first_missing(domain, form, slots)
    asking = _question(form, slot)
    if asking is None:
        return []  # Rasa asks it with its utter_ask_ response, or the form is complete
    after = tracker.copy()
    after.slots.update(slots)
    asked = await asking.run(dispatcher, after, domain)
    return [*(asked or []), SlotSet(REQUESTED_SLOT, slot)]


def asks_its_questions(
    validation: FormValidationAction,
) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """``validation.run``, followed by the form's next question when an action asks it."""

    @functools.wraps(validation.run)
    async def run(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events = list(await validation.run(dispatcher, tracker, domain) or [])
        return [*events, *await next_question(validation, dispatcher, tracker, domain, events)]

    return run
