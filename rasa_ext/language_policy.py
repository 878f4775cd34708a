"""The conversation's language, kept by the policy that drives the conversation.

The slot ``language`` (fr or en) is the one source of the conversation's language: every
response has its English variation on it. Who sets it:

- the page (widget metadata), read once per session by ``action_session_start``;
- this policy, in the Rasa server, without a call to the action server:
  - a request (intent ``change_language``, see rasa_ext/language_request.py) switches to the
    language of its ``language`` entity, or to the other language when it names none; the
    rules then confirm the switch and the form asks its question again, in the new language;
  - when nothing set it yet, the first message plainly written in French or English sets it.

A message plainly written in the other language never switches on its own: after the answer,
the policy offers once (per session) to continue in that language (``utter_offer_language``,
with a button for each language). A message plainly in German, Dutch, Italian, Spanish or
Portuguese gets, instead of an answer picked from a guess, a short reply in that language
saying the assistant speaks French and English (``utter_other_language``, same buttons); an
answer a form took from it is forgotten, the form's question stays pending. A switch when nothing
is under way (the assistant has only greeted or spoken of the language) is followed by what the
assistant can do (``utter_what_can_i_do``), in the new language.

Which language a message is written in is never looked at while the password is asked, and a
form's free-text question (a name, a job title) needs one word more than elsewhere: "Van den
Berg" is a surname, not Dutch (bot/checks/language.py).

This is RulePolicy itself (config.yml names this class in its place): the offer must come after
the answer, where the rules would listen, and only the policy that predicts that knows it.
The policy's slot changes are events of its predictions (Rasa applies them before the action).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    REQUESTED_SLOT,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.checks.answers import CONFIDENT, FREE_TEXT
from bot.checks.language import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MIN_WORDS,
    OTHER_LANGUAGES,
    normalise_language,
    written_in,
)

logger = logging.getLogger(__name__)
# Rasa's check of the configuration looks for RulePolicy by its exact class, not a subclass, and
# would tell a maintainer that `/restart` no longer works: it does, this is RulePolicy.
warnings.filterwarnings(
    "ignore", "'RulePolicy' is not included in the model's policy configuration"
)

LANGUAGE = "language"
OFFERED = "language_offered"
# The language of the message the policy answers about (the offer's and the notice's
# variations are written in it).
MESSAGE_LANGUAGE = "message_language"
CHANGE_LANGUAGE = "change_language"
OFFER = "utter_offer_language"
OTHER_LANGUAGE = "utter_other_language"
SWITCHED = "utter_language_switched"
# After a switch that answered nothing else: what the assistant can do, in the new language.
WHAT_NEXT = "utter_what_can_i_do"
# The responses written in the language of the supplier's message, not the conversation's.
IN_THE_MESSAGE_LANGUAGE = (OFFER, OTHER_LANGUAGE)
UTTERED = (*IN_THE_MESSAGE_LANGUAGE, WHAT_NEXT)  # the responses only this policy predicts
# What the assistant may have said before a switch that leaves nothing under way: the session's
# start, the greeting and its own words about the language.
NOTHING_UNDER_WAY = frozenset(
    {ACTION_SESSION_START_NAME, ACTION_LISTEN_NAME, "utter_greet", SWITCHED, *UTTERED}
)
# The slot whose answer is never read for its language.
PASSWORD_SLOT = "password"  # noqa: S105 - a slot name


def _other(language: str | None) -> str:
    return next(lang for lang in LANGUAGES if lang != (language or DEFAULT_LANGUAGE))


def _this_turn(tracker: DialogueStateTracker) -> list[Event]:
    """The events since the latest user message (a handful), oldest first."""
    events: list[Event] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        events.append(event)
    return events[::-1]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class LanguageRulePolicy(RulePolicy):
    """RulePolicy that also keeps the conversation in the supplier's language."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        prediction = super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)
        latest_action = tracker.latest_action_name
        if latest_action in UTTERED:
            return self._say(ACTION_LISTEN_NAME, domain)
        message = tracker.latest_message
        if message is None or not message.text:
            return prediction
        if latest_action == ACTION_LISTEN_NAME:
            return self._on_message(tracker, domain, prediction)
        if self._predicted(prediction, domain) == ACTION_LISTEN_NAME:
            if self._offer_due(tracker):
                return self._say(OFFER, domain, [SlotSet(OFFERED, True)])
            if latest_action == SWITCHED and self._nothing_under_way(tracker):
                return self._say(WHAT_NEXT, domain)
        return prediction

    # --- right after the user's message -------------------------------------------------------

    def _on_message(
        self, tracker: DialogueStateTracker, domain: Domain, prediction: PolicyPrediction
    ) -> PolicyPrediction:
        message = tracker.latest_message
        current = tracker.get_slot(LANGUAGE)
        answers_password = self._answers_password(tracker)
        written = None
        if not (answers_password or message.text.startswith(INTENT_MESSAGE_PREFIX)):
            try:
                written = written_in(message.text, self._min_words(tracker, domain))
            except Exception:  # a detection bug must not cost the supplier their answer
                logger.exception("language of a message of %s not read", tracker.sender_id)
        if written in OTHER_LANGUAGES:
            # "¿Hablan español?" too: the NLU reads a request for the other language.
            forget = [SlotSet(e.key, None) for e in self._form_answers(tracker, domain)]
            return self._say(OTHER_LANGUAGE, domain, [SlotSet(MESSAGE_LANGUAGE, written), *forget])
        if message.intent_name == CHANGE_LANGUAGE and not (
            answers_password and (message.intent.get("confidence") or 0.0) < CONFIDENT
        ):
            values = [normalise_language(v) for v in tracker.get_latest_entity_values(LANGUAGE)]
            wanted = next((v for v in values if v), None) or _other(current)
            return self._with(prediction, tracker, LANGUAGE, wanted)
        if answers_password or message.text.startswith(INTENT_MESSAGE_PREFIX):
            return prediction
        if written is None or written == current:
            return prediction
        if current is None:  # the first message that says which language
            return self._with(prediction, tracker, LANGUAGE, written)
        if not tracker.get_slot(OFFERED):  # answered first, then offered (below)
            return self._with(prediction, tracker, MESSAGE_LANGUAGE, written)
        return prediction

    @staticmethod
    def _answers_password(tracker: DialogueStateTracker) -> bool:
        requested = tracker.get_slot(REQUESTED_SLOT)
        return tracker.active_loop_name is not None and requested == PASSWORD_SLOT

    @staticmethod
    def _min_words(tracker: DialogueStateTracker, domain: Domain) -> int:
        """One word more at a form's free-text question: names are short and look foreign."""
        requested = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name else None
        slot = next((s for s in domain.slots if s.name == requested), None)
        free_text = requested in FREE_TEXT or (
            slot is not None and any(m.get("type") == "from_text" for m in slot.mappings)
        )
        return MIN_WORDS + 1 if free_text else MIN_WORDS

    @staticmethod
    def _form_answers(tracker: DialogueStateTracker, domain: Domain) -> list[SlotSet]:
        """The answers a form took from the latest message (slot mappings, this turn)."""
        form = tracker.active_loop_name
        if form is None:
            return []
        required = set(domain.required_slots_for_form(form))
        return [
            e
            for e in _this_turn(tracker)
            if isinstance(e, SlotSet) and e.key in required and e.value is not None
        ]

    # --- where the rules would listen -----------------------------------------------------------

    @staticmethod
    def _offer_due(tracker: DialogueStateTracker) -> bool:
        """This turn's message was plainly in the other language, not offered yet."""
        if tracker.get_slot(OFFERED):
            return False
        written = next(
            (
                e.value
                for e in _this_turn(tracker)
                if isinstance(e, SlotSet) and e.key == MESSAGE_LANGUAGE
            ),
            None,
        )
        return written in LANGUAGES and written != tracker.get_slot(LANGUAGE)

    @staticmethod
    def _nothing_under_way(tracker: DialogueStateTracker) -> bool:
        """No form, and the assistant has only greeted or spoken of the language: "Englisch geht
        zur Not" after the German notice got "Sure, I will continue in English." and nothing
        more. Anywhere else the switch leaves a question or an answer on screen to go on from."""
        return tracker.active_loop_name is None and all(
            event.action_name in NOTHING_UNDER_WAY
            for event in tracker.events
            if isinstance(event, ActionExecuted)
        )

    # --- predictions ----------------------------------------------------------------------------

    @staticmethod
    def _predicted(prediction: PolicyPrediction, domain: Domain) -> str | None:
        probabilities = prediction.probabilities
        if not probabilities or max(probabilities) <= 0:
            return None
        return domain.action_names_or_texts[probabilities.index(max(probabilities))]

    @staticmethod
    def _with(
        prediction: PolicyPrediction, tracker: DialogueStateTracker, slot: str, value: Any
    ) -> PolicyPrediction:
        """The rules' prediction, with ``slot`` set first (whoever's prediction wins)."""
        if tracker.get_slot(slot) != value:
            prediction.events.append(SlotSet(slot, value))
        return prediction

    def _say(
        self, action: str, domain: Domain, events: list[Event] | None = None
    ) -> PolicyPrediction:
        """``action`` for sure, with ``events`` applied first; it overrules any other policy
        (a prediction that does not depend on the user's message, like a form's)."""
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, optional_events=events, is_no_user_prediction=True)
