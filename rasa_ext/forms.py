"""Rasa's forms, with one call to the action server per message at most.

Rasa 3.6's ``FormAction`` calls the action server more often than the form needs (measured by
`python -m bench.action_calls`, docs/performance.md):

1. at activation it validates the slots filled before, then, when that changed nothing,
   validates again;
2. a question asked by a custom action (``action_ask_<slot>``) is a second call after the
   validation call;
3. a message the form cannot take as an answer (a question answered by a rule, a request to
   change the language) is first sent to the validation action, which can only say so, then
   the form rejects it;
4. coming back to the form after such an interruption, it calls the validation action with
   nothing to validate, to ask the pending question, even when that question is a response.

Here:

1. the validation at activation is the only one;
2. the validation action asks the next question itself when an action asks it
   (actions/form_questions.py), in the same call: Rasa does not call ``action_ask_<slot>``;
3. a message the rules answer is rejected without a call. The registration form's validation
   action reads every message (a question may carry a correction or a "why?"): the Rasa
   server takes the same decision first, with the same function of bot/ (``for_the_rules`` of
   bot/checks/answers.py). Another form's message is rejected when nothing was extracted from
   it and its intent is one that every free-text question of the form refuses (their
   mappings' ``not_intent``); a slot with a custom mapping is always asked;
4. coming back to the form calls the validation action only when the pending question is asked
   by an action, and not then after the action that answered a question during the form: it
   asks the pending question itself (actions/form_questions.py, ``pending_question``). A
   pending question that is not the form's next required slot (one the validation action adds:
   the country to confirm, the correction menu) is always asked by the validation call.

Installed on import of ``rasa_ext`` (as rasa_ext/speedups.py), which the Rasa server always
loads. tests/e2e/test_action_calls.py counts the calls of whole conversations.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionExecutionRejection
from rasa.core.actions.forms import FormAction
from rasa.shared.constants import UTTER_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.checks.answers import for_the_rules, read_turn

# Forms whose validation action reads each message with bot/checks/answers.read_turn.
READ_BY_THE_FORM = frozenset({"registration_form"})
# Actions that answer a question during a form, then ask the form's pending question when an
# action asks it (actions/answers.py, actions/form_questions.pending_question).
ASK_THE_PENDING_QUESTION = frozenset({"action_answer_question"})

_RASA = {name: getattr(FormAction, name) for name in ("do", "validate", "_validate_if_required")}
_RASA_ASK = FormAction._ask_for_slot


def _has_validation_action(form: FormAction, domain: Domain) -> bool:
    return f"validate_{form.name()}" in domain.action_names_or_texts


def _asked_by_an_action(form: FormAction, domain: Domain, slot: str | None) -> bool:
    question = form._name_of_utterance(domain, slot) if slot else None
    return bool(question) and not question.startswith(UTTER_PREFIX)


def refused_intents(form: FormAction, domain: Domain) -> set[str]:
    """The intents that every free-text question of the form refuses (``not_intent``)."""
    refused: set[str] | None = None
    slots = {slot.name: slot for slot in domain.slots}
    for name in form.required_slots(domain):
        for mapping in slots[name].mappings if name in slots else []:
            if mapping.get("type") == "from_text":
                not_intent = set(mapping.get("not_intent") or [])
                refused = not_intent if refused is None else refused & not_intent
    return refused or set()


def _is_custom(domain: Domain, slot_name: str) -> bool:
    slot = next((s for s in domain.slots if s.name == slot_name), None)
    return slot is None or any(m.get("type") == "custom" for m in slot.mappings)


async def do(
    self: FormAction,
    output_channel: Any,
    nlg: Any,
    tracker: DialogueStateTracker,
    domain: Domain,
    events_so_far: list[Event],
) -> list[Event]:
    activated_now = any(
        isinstance(event, ActiveLoop) and event.name == self.name() for event in events_so_far
    )
    if activated_now and _has_validation_action(self, domain):
        # activate() has called the validation action: the next question, without a second call
        return await self.request_next_slot(tracker, domain, output_channel, nlg, events_so_far)
    return await _RASA["do"](self, output_channel, nlg, tracker, domain, events_so_far)


def _for_the_rules(tracker: DialogueStateTracker, requested: str | None) -> bool:
    message = tracker.latest_message
    if message is None:
        return False
    intent = message.intent or {}

    def reading():
        return read_turn(
            message.text or "",
            requested,
            tracker.current_slot_values(),
            named_field=next(tracker.get_latest_entity_values("field"), None),
            intent=intent.get("name"),
        )

    confidence = float(intent.get("confidence") or 0.0)
    return for_the_rules(requested, intent.get("name"), confidence, reading)


async def validate(
    self: FormAction,
    tracker: DialogueStateTracker,
    domain: Domain,
    output_channel: Any,
    nlg: Any,
) -> list[Event]:
    requested = self.get_slot_to_fill(tracker)
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    if self.name() in READ_BY_THE_FORM:
        if _for_the_rules(tracker, requested):
            raise ActionExecutionRejection(
                self.name(), f"'{intent}' at {requested} is for the rules to answer"
            )
    elif (
        requested
        and not self._get_slot_extractions(tracker, domain)
        and not _is_custom(domain, requested)
        and intent in refused_intents(self, domain)
    ):
        raise ActionExecutionRejection(
            self.name(), f"'{intent}' is not an answer to {requested}: the rules answer it"
        )
    return await _RASA["validate"](self, tracker, domain, output_channel, nlg)


async def _validate_if_required(
    self: FormAction,
    tracker: DialogueStateTracker,
    domain: Domain,
    output_channel: Any,
    nlg: Any,
) -> list[Event]:
    coming_back = tracker.active_loop is not None and not (
        tracker.latest_action_name == ACTION_LISTEN_NAME and not tracker.is_active_loop_interrupted
    )
    if coming_back:
        pending = self._find_next_slot_to_request(tracker, domain)
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested is not None and requested != pending:
            # A question the validation action added to the form's own (the country read from
            # the identifier, to confirm; the correction menu): only its call asks it again.
            return await _RASA["_validate_if_required"](self, tracker, domain, output_channel, nlg)
        if not _asked_by_an_action(self, domain, pending):
            return []  # nothing to validate, and Rasa asks the question itself
        if tracker.latest_action_name in ASK_THE_PENDING_QUESTION and pending == requested:
            return []  # that action asked it (the same test: actions/form_questions.py)
    return await _RASA["_validate_if_required"](self, tracker, domain, output_channel, nlg)


async def _ask_for_slot(
    self: FormAction,
    domain: Domain,
    nlg: Any,
    output_channel: Any,
    slot_name: str,
    tracker: DialogueStateTracker,
) -> list[Event]:
    if _asked_by_an_action(self, domain, slot_name) and _has_validation_action(self, domain):
        return []  # the validation action asked it, in its own call
    return await _RASA_ASK(self, domain, nlg, output_channel, slot_name, tracker)


def install() -> None:
    FormAction.do = do
    FormAction.validate = validate
    FormAction._validate_if_required = _validate_if_required
    FormAction._ask_for_slot = _ask_for_slot
