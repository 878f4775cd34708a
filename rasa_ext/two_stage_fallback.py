"""Rasa's two-stage fallback, with a typed "non" read as "none of these".

Rasa's loop (rasa/core/actions/two_stage_fallback.py) takes only `out_of_scope` (the "Autre
chose" button) for "none of these topics": a typed "non" or "no thanks" ends the loop as if it
were the clarified message, and the supplier got "I cannot understand your request". Here,
inside the loop, `deny` counts as `out_of_scope`: the assistant asks to rephrase, then, after a
second miss, offers the advisor (utter_default), as Rasa does for the button. "Non" twice in a
row (or the button twice) also ends with the advisor's offer: Rasa asked to rephrase forever.
Rules cannot say this: Rasa's RulePolicy gives the turn to an active loop that does not reject
it.

A click on one of the closest topics clarifies the message the assistant was unsure of: Rasa
puts the click in its place (the text "/activation_email_missing"), so what the supplier had
written was lost ("je me suis inscrite avec a.benard@..., l'email n'est jamais arrivé": the
address was asked again). Here the clarified message keeps the supplier's text with the intent
and entities of the click, as if it had been understood at once.

Installed on import of ``rasa_ext`` (as rasa_ext/forms.py), which the Rasa server always loads.
"""

from __future__ import annotations

from rasa.core.actions import two_stage_fallback
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.core.constants import USER_INTENT_OUT_OF_SCOPE
from rasa.shared.core.events import UserUttered

NONE_OF_THESE = frozenset({"deny"})

_RASA_LAST = two_stage_fallback._last_intent_name
_RASA_LAST_N = two_stage_fallback._last_n_intent_names
_RASA_TWO_FALLBACKS = two_stage_fallback._two_fallbacks_in_a_row
_RASA_CLARIFICATION = two_stage_fallback._message_clarification


def _read(intent: str | None) -> str | None:
    return USER_INTENT_OUT_OF_SCOPE if intent in NONE_OF_THESE else intent


def _last_intent_name(tracker):
    return _read(_RASA_LAST(tracker))


def _last_n_intent_names(tracker, number_of_last_intent_names: int):
    return [_read(name) for name in _RASA_LAST_N(tracker, number_of_last_intent_names)]


def _two_fallbacks_in_a_row(tracker) -> bool:
    none_twice = [USER_INTENT_OUT_OF_SCOPE] * 2
    return _RASA_TWO_FALLBACKS(tracker) or _last_n_intent_names(tracker, 2) == none_twice


def _unsure_text(tracker) -> str | None:
    """The text of the message the assistant was unsure of in this fallback: the latest one
    before the click, past the "non" / "Autre chose" answers of the same fallback only."""
    latest = True
    for event in reversed(tracker.events):
        if not isinstance(event, UserUttered):
            continue
        if latest:
            latest = False
            continue
        intent = (event.intent or {}).get("name")
        if intent == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return event.text
        if _read(intent) != USER_INTENT_OUT_OF_SCOPE:
            return None  # an earlier exchange: this fallback's message is not there
    return None


def _message_clarification(tracker):
    events = _RASA_CLARIFICATION(tracker)
    clarification = events[-1]
    if not (clarification.text or "").startswith("/"):
        return events  # a message typed again: it is the clarification, as in Rasa
    text = _unsure_text(tracker)
    if text:
        clarification.text = text
        clarification.parse_data["text"] = text
    return events


def install() -> None:
    two_stage_fallback._last_intent_name = _last_intent_name
    two_stage_fallback._last_n_intent_names = _last_n_intent_names
    two_stage_fallback._two_fallbacks_in_a_row = _two_fallbacks_in_a_row
    two_stage_fallback._message_clarification = _message_clarification
