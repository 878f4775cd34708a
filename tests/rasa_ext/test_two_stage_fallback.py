"""rasa_ext/two_stage_fallback.py: "non" to the closest topics is "none of these", and a clicked
topic keeps the text of the message the assistant was unsure of (the e2e tests in
tests/e2e/test_questions_rest.py and test_registration_off_script.py run the whole loop)."""

from __future__ import annotations

from rasa.core.actions import two_stage_fallback
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_ext  # noqa: F401 - installs the patches, as the Rasa server does
from rasa_ext.two_stage_fallback import _unsure_text


def said(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def tracker(*messages: UserUttered) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("conversation", list(messages))


def test_no_to_the_closest_topics_is_none_of_them():
    unsure_then_no = tracker(said("truc", "nlu_fallback"), said("non", "deny"))

    assert two_stage_fallback._last_intent_name(unsure_then_no) == "out_of_scope"
    # the second "non" in a row ends the fallback with the advisor's offer, as two misses do
    twice = tracker(said("truc", "nlu_fallback"), said("non", "deny"), said("non", "deny"))
    assert two_stage_fallback._two_fallbacks_in_a_row(twice)


def test_a_click_keeps_the_text_of_this_fallbacks_message():
    clicked = tracker(
        said("bonjour", "greet"),
        said("inscrite avec a.benard@pharmacie.fr, rien reçu", "nlu_fallback"),
        said("non", "deny"),
        said("/activation_email_missing", "activation_email_missing"),
    )

    assert _unsure_text(clicked) == "inscrite avec a.benard@pharmacie.fr, rien reçu"
    [_, clarification] = two_stage_fallback._message_clarification(clicked)
    assert clarification.text == "inscrite avec a.benard@pharmacie.fr, rien reçu"
    assert clarification.intent["name"] == "activation_email_missing"


def test_an_earlier_unsure_message_is_not_taken():
    clicked = tracker(
        said("vieux message", "nlu_fallback"),
        said("quels pays ?", "faq"),
        said('/faq{"topic":"faq/countries"}', "faq"),
    )

    assert _unsure_text(clicked) is None
    [_, clarification] = two_stage_fallback._message_clarification(clicked)
    assert clarification.text == '/faq{"topic":"faq/countries"}'  # Rasa's own clarification
