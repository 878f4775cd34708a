"""Answering a question (FAQ, small talk), then "did this answer help?".

The answers stay data (``utter_faq/<key>``, ``utter_chitchat/<key>`` in data/responses/): one
action says the one the response selector chose, or the one a "not sure" button names, with
the product's figures filled in (bot/facts.py). After an FAQ answer it asks whether the answer
helped, unless the answer itself offers a next step (buttons) or the previous answer's question
is still unanswered: never twice in a row. The supplier may ignore the question; a click (or a
typed yes/no right after it, outside the registration) is recorded for the report
(bot/analytics/recorded.py) with the topic the assistant answered, never one the browser names.
"""

from __future__ import annotations

from string import Formatter

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    after_an_expired_code,
    confirmed_our_link,
    language_of,
    latest_intent,
    warned_of_a_lookalike,
)
from actions.fallback import TOPIC_ENTITY
from actions.form_questions import pending_question
from actions.handoff import say_ticket_followup
from bot.analytics.recorded import (
    ANSWER_FEEDBACK,
    ANSWERED_TOPIC,
    FEEDBACK_ASKED,
    HELPFUL,
    NOT_HELPFUL,
)
from bot.facts import answer_facts
from bot.understanding import retrieval_intents, selected_answer

FAQ = "faq"
# The topic the pending "did this answer help?" is about (state, not a figure).
FEEDBACK_TOPIC = "feedback_topic"
HELPFUL_INTENTS = {"answer_helpful", "affirm"}


def answer_key(message: dict, responses: dict) -> str | None:
    """The answer to say: the topic a "not sure" button names, else the selector's choice;
    ``None`` when there is no answer of the message's retrieval intent to say."""
    intent = (message.get("intent") or {}).get("name")
    if not intent:
        return None
    for entity in message.get("entities") or []:
        value = entity.get("value")
        if (
            entity.get("entity") == TOPIC_ENTITY
            and isinstance(value, str)
            and value.startswith(intent + "/")
            and "utter_" + value in responses
        ):
            return value
    if intent not in retrieval_intents(message):
        return None
    answer = selected_answer(message, intent)
    if answer is None or "utter_" + answer.key not in responses:
        return None
    return answer.key


_NEXT_STEP = f"{FAQ}/next_step"
_FORGOT_PASSWORD = f"{FAQ}/forgot_password"
_TICKET_FOLLOWUP = f"{FAQ}/ticket_followup"


def _placeholders(responses: dict, response: str) -> set[str]:
    """The ``{name}`` placeholders of a response's variations."""
    return {
        name
        for variation in responses.get(response) or []
        for _, name, _, _ in Formatter().parse(variation.get("text") or "")
        if name
    }


def _offers_next_step(responses: dict, response: str) -> bool:
    """An answer with buttons ends on a choice: asking whether it helped would be a second one."""
    return any(variation.get("buttons") for variation in responses.get(response) or [])


class ActionAnswerQuestion(Action):
    """Says the answer; during a form, then asks the form's pending question when an action
    asks it (the form coming back does not call the action server for it)."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        events = say_answer(dispatcher, tracker, domain)
        return [*events, *await pending_question(dispatcher, tracker, domain)]


def say_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict, *, feedback: bool = True
) -> list:
    """Says the answer to the latest message's question, then "did this answer help?" unless
    ``feedback`` is False (the form goes on with the next question in the same turn)."""
    responses = domain.get("responses", {})
    pending = tracker.get_slot(FEEDBACK_TOPIC)
    dropped = [SlotSet(FEEDBACK_TOPIC, None)] if pending else []
    if warned_of_a_lookalike(dispatcher, tracker) or confirmed_our_link(dispatcher, tracker):
        return dropped
    key = answer_key(tracker.latest_message, responses)
    if key is None:
        dispatcher.utter_message(response="utter_ask_rephrase")
        return dropped
    if key == _TICKET_FOLLOWUP and say_ticket_followup(dispatcher, tracker):
        return [*dropped, SlotSet(ANSWERED_TOPIC, [key])]
    response = "utter_" + key
    in_a_form = (tracker.active_loop or {}).get("name")
    if key == _NEXT_STEP and after_an_expired_code(tracker) and not in_a_form:
        # "et maintenant je fais quoi ?" after "this code has expired": not the steps
        # (which start with the code), what to do about the code.
        response = "utter_invitation_expired_no_new_code"
    elif key == _FORGOT_PASSWORD and in_a_form and tracker.get_slot("password"):
        # "pouvez-vous me rappeler le mot de passe que je viens de choisir ?": the one just
        # chosen, not an account's (the login page's "forgotten password" was the answer).
        response = "utter_password_not_shown"
    # Only the figures this answer states: Rasa keeps what an action passes with the message.
    wanted = _placeholders(responses, response)
    facts = {k: v for k, v in answer_facts(language_of(tracker)).items() if k in wanted}
    dispatcher.utter_message(response=response, **facts)
    if not key.startswith(FAQ + "/"):
        return dropped
    ask = feedback and not pending and not _offers_next_step(responses, response)
    if ask:
        dispatcher.utter_message(response="utter_ask_answer_feedback")
    return [
        SlotSet(ANSWERED_TOPIC, [key, FEEDBACK_ASKED] if ask else [key]),
        SlotSet(FEEDBACK_TOPIC, key if ask else None),
    ]


class ActionRecordFeedback(Action):
    """ "Oui" / "Non" to "did this answer help?": thanks, or rephrase / an advisor."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        intent, _ = latest_intent(tracker)
        helpful = intent in HELPFUL_INTENTS
        topic = tracker.get_slot(FEEDBACK_TOPIC)
        if helpful:
            dispatcher.utter_message(response="utter_feedback_thanks" if topic else "utter_ok")
        elif topic or intent != "deny":
            dispatcher.utter_message(response="utter_feedback_sorry")
        else:  # "non merci" after small talk ("Avec plaisir !"): no answer to judge
            dispatcher.utter_message(response="utter_at_your_service")
        if not topic:  # nothing was asked (or it was answered already): nothing to record
            return []
        return [
            SlotSet(ANSWER_FEEDBACK, [topic, HELPFUL if helpful else NOT_HELPFUL]),
            SlotSet(FEEDBACK_TOPIC, None),
        ]
