"""The tf-idf logistic-regression intent classifier trains, survives Rasa's model storage
(skops refuses untrusted types, and Rasa then silently uses an untrained classifier), and
ranks intents as Rasa's own classifier does."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.intent_classifier import TfidfLogisticRegressionClassifier

EXAMPLES = {
    "greet": ["bonjour", "hello", "salut", "good morning", "bonsoir", "hi there"],
    "goodbye": ["au revoir", "bye", "bonne journée", "see you later", "à bientôt", "goodbye"],
    "resend_activation": [
        "renvoyez l'email d'activation",
        "send the activation email again",
        "je veux un nouvel email d'activation",
        "resend the activation link",
        "pouvez-vous renvoyer le mail d'activation ?",
        "can you send me the activation email again?",
    ],
}


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained_vectors(storage, examples) -> CountVectorsFeaturizer:
    """Tokens and character n-gram counts, as the pipeline gives the classifier."""
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(examples)
    vectors = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb"},
        storage,
        Resource("vectors"),
        context(),
    )
    vectors.train(TrainingData(examples))
    vectors.process(examples)
    return vectors


def parse(classifier, vectors, text: str) -> Message:
    message = Message.build(text)
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    vectors.process([message])
    classifier.process([message])
    return message


def test_trains_saves_loads_and_classifies_unseen_wording(storage):
    examples = [Message.build(t, intent) for intent, texts in EXAMPLES.items() for t in texts]
    vectors = trained_vectors(storage, examples)
    config = {**TfidfLogisticRegressionClassifier.get_default_config(), "C": 10}
    resource = Resource("intent_classifier")
    trained = TfidfLogisticRegressionClassifier.create(config, storage, resource, context())
    trained.train(TrainingData(examples))

    loaded = TfidfLogisticRegressionClassifier.load(config, storage, resource, context())

    assert hasattr(loaded.clf, "classes_"), "loaded untrained: skops refused the stored model"
    assert loaded.clf.named_steps["lr"].C == 10
    for text, intent in [
        ("renvoyer l'email d'activation svp", "resend_activation"),
        ("bonjour à vous", "greet"),
        ("bye bye", "goodbye"),
    ]:
        message = parse(loaded, vectors, text)
        assert message.get("intent")["name"] == intent, text
        ranking = message.get("intent_ranking")
        assert ranking[0]["name"] == intent
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
