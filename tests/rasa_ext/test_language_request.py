"""A request to change the language is read as one, whatever the classifier said, and carries the
language wanted, not the first one named."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.language_request import LanguageRequest


def classified(text: str, intent: str, confidence: float = 0.9, entities=()) -> Message:
    """A message as the pipeline leaves it before this component."""
    message = Message({"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    message.set("entities", list(entities), add_to_output=True)
    return message


def process(message: Message) -> dict:
    component = LanguageRequest.create({}, None, Resource("x"), ExecutionContext(GraphSchema({})))
    [message] = component.process([message])
    return message.as_dict(only_output_properties=True)


def languages(parsed: dict) -> list[str]:
    return [e["value"] for e in parsed["entities"] if e["entity"] == "language"]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Sorry, I don't speak French. Can we continue in English?", "en"),
        ("je ne parle pas anglais", "fr"),
        ("English please", "en"),
        ("en français svp", "fr"),
    ],
)
@pytest.mark.parametrize("classifier_said", ["faq", "nlu_fallback", "inform", "change_language"])
def test_a_request_is_a_request_for_the_language_wanted(text, wanted, classifier_said):
    parsed = process(classified(text, classifier_said))
    assert parsed["intent"]["name"] == "change_language"
    assert parsed["intent_ranking"][0]["name"] == "change_language"
    assert languages(parsed) == [wanted]


def test_the_language_refused_is_not_the_one_wanted():
    # What an entity extractor finds: both languages, in the order they are named.
    found = [
        {"entity": "language", "value": "fr", "start": 14, "end": 20},
        {"entity": "language", "value": "en", "start": 22, "end": 29},
        {"entity": "field", "value": "email", "start": 0, "end": 1},
    ]
    parsed = process(
        classified("I don't speak French, English please", "change_language", 0.9, found)
    )
    assert languages(parsed) == ["en"]
    assert {"entity": "field", "value": "email", "start": 0, "end": 1} in parsed["entities"]
    english = next(e for e in parsed["entities"] if e["entity"] == "language")
    assert "I don't speak French, English please"[english["start"] : english["end"]] == "English"


def test_a_request_that_names_no_language_has_no_language():
    parsed = process(classified("can you change the language?", "change_language"))
    assert (parsed["intent"]["name"], languages(parsed)) == ("change_language", [])


@pytest.mark.parametrize(
    "text",
    ["is the platform available in English?", "the invitation email is in English"],
)
def test_a_question_that_mentions_a_language_keeps_its_intent(text):
    parsed = process(classified(text, "faq"))
    assert parsed["intent"]["name"] == "faq"
