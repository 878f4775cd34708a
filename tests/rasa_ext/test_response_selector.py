"""The response selector picks a retrieval intent's answer from the intent classifier's
probabilities and writes it as Rasa's ResponseSelector does, so that `utter_faq` utters it; it
survives Rasa's model storage, answers wordings it never saw in French and English, and ranks
the closest answers with calibrated probabilities."""

from __future__ import annotations

import pytest
from rasa.core.actions.action import ActionRetrieveResponse
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from tests.rasa_ext.pipeline import NluPipeline

EXAMPLES = {
    "faq/free": [
        "l'inscription est-elle payante ?",
        "combien coûte l'inscription ?",
        "faut-il payer pour s'inscrire ?",
        "is registration free?",
        "how much does it cost to register?",
        "do I have to pay to sign up?",
    ],
    "faq/password_rules": [
        "quelles sont les règles du mot de passe ?",
        "mon mot de passe est refusé",
        "combien de caractères pour le mot de passe ?",
        "what are the password rules?",
        "my password is rejected",
        "how long must the password be?",
    ],
    "chitchat/thanks": [
        "merci beaucoup",
        "merci pour votre aide",
        "super, merci",
        "thank you very much",
        "thanks for your help",
        "great, thanks",
    ],
    "out_of_scope": [
        "quelle heure est-il ?",
        "raconte-moi une blague",
        "quel temps fait-il ?",
        "what's the weather like?",
        "tell me a joke",
        "what time is it?",
    ],
}
RESPONSES = {
    "utter_faq/free": [{"text": "L'inscription est gratuite."}],
    "utter_faq/password_rules": [{"text": "Au moins 12 caractères."}],
    "utter_chitchat/thanks": [{"text": "Avec plaisir !"}],
}


def training_data() -> TrainingData:
    examples = [Message.build(t, label) for label, texts in EXAMPLES.items() for t in texts]
    return TrainingData(training_examples=examples, responses=RESPONSES)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> NluPipeline:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    return NluPipeline(storage, training_data(), encoder=True)


@pytest.mark.parametrize(
    "text, intent, key",
    [
        ("est-ce que c'est gratuit de s'inscrire ?", "faq", "faq/free"),
        ("is signing up free of charge?", "faq", "faq/free"),
        ("pourquoi mon mot de passe n'est pas accepté ?", "faq", "faq/password_rules"),
        ("which password is allowed?", "faq", "faq/password_rules"),
        ("merci bien", "chitchat", "chitchat/thanks"),
        ("many thanks", "chitchat", "chitchat/thanks"),
    ],
)
def test_an_unseen_question_gets_its_answer_in_the_shape_rasa_utters(pipeline, text, intent, key):
    parsed = pipeline.parse(text)

    assert parsed.get("intent")["name"] == intent
    selected = parsed.get("response_selector")[intent]["response"]
    assert selected["intent_response_key"] == key
    assert selected["utter_action"] == f"utter_{key}"
    assert selected["responses"] == []  # the text comes from the domain (utter_action)
    # what `utter_faq` / `utter_chitchat` (Rasa's retrieval action) reads
    tracker = DialogueStateTracker.from_events(
        "someone", [UserUttered(text, parse_data=parsed.as_dict(only_output_properties=True))]
    )
    assert ActionRetrieveResponse(f"utter_{intent}").get_full_retrieval_name(tracker) == (
        f"utter_{key}"
    )


def test_each_retrieval_intent_has_its_selector_and_its_answers_only(pipeline):
    selectors = pipeline.parse("merci, et l'inscription est gratuite ?").get("response_selector")

    assert sorted(selectors["all_retrieval_intents"]) == ["chitchat", "faq"]
    assert {r["intent_response_key"] for r in selectors["faq"]["ranking"]} == {
        "faq/free",
        "faq/password_rules",
    }
    assert [r["intent_response_key"] for r in selectors["chitchat"]["ranking"]] == [
        "chitchat/thanks"
    ]


def test_confidences_are_the_probability_of_each_answer_on_the_intent_rankings_scale(pipeline):
    parsed = pipeline.parse("le mot de passe doit faire combien de caractères ?")

    ranking = parsed.get("response_selector")["faq"]["ranking"]
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert parsed.get("response_selector")["faq"]["response"]["confidence"] == confidences[0]
    intent_confidence = {r["name"]: r["confidence"] for r in parsed.get("intent_ranking")}
    assert sum(confidences) == pytest.approx(intent_confidence["faq"])
    assert all(isinstance(r["id"], int) for r in ranking)


@pytest.mark.parametrize(
    "text", ["", "   ", "\udfff", pytest.param("a" * 10_000, id="10,000 characters")]
)
def test_empty_odd_and_very_long_messages_still_get_a_selection(pipeline, text):
    selectors = pipeline.parse(text).get("response_selector")

    assert selectors["faq"]["response"]["intent_response_key"] in {"faq/free", "faq/password_rules"}
