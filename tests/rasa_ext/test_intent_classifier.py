"""The tf-idf logistic-regression intent classifier trains, survives Rasa's model storage
(skops refuses untrusted types, and Rasa then silently uses an untrained classifier), ranks
intents as Rasa's own classifier does, answers a retrieval intent (`faq`) for questions it
learnt topic by topic, and understands a wording that shares no word with its examples when
the sentence encoder is in the pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.intent_classifier import RESPONSE_KEY_PROBABILITIES, TfidfLogisticRegressionClassifier
from tests.rasa_ext.pipeline import Featurizers, context, trained

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


def train(storage, examples, *, encoder: bool = False, **config):
    data = TrainingData(examples)
    featurizers = Featurizers(storage, data, encoder=encoder)
    return trained(TfidfLogisticRegressionClassifier, config, storage, data, "intent"), featurizers


def parse(classifier, featurizers, text: str) -> Message:
    message = Message.build(text)
    featurizers.process([message])
    classifier.process([message])
    return message


def test_trains_saves_loads_and_classifies_unseen_wording(storage):
    examples = [Message.build(t, intent) for intent, texts in EXAMPLES.items() for t in texts]
    loaded, featurizers = train(storage, examples, C=10)

    assert hasattr(loaded.clf, "classes_"), "loaded untrained: skops refused the stored model"
    assert loaded.clf.named_steps["lr"].C == 10
    for text, intent in [
        ("renvoyer l'email d'activation svp", "resend_activation"),
        ("bonjour à vous", "greet"),
        ("bye bye", "goodbye"),
    ]:
        message = parse(loaded, featurizers, text)
        assert message.get("intent")["name"] == intent, text
        ranking = message.get("intent_ranking")
        assert ranking[0]["name"] == intent
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


FAQ = {
    "faq/free": [
        "l'inscription est-elle payante ?",
        "combien coûte l'inscription ?",
        "is registration free?",
        "how much does it cost to register?",
    ],
    "faq/password_rules": [
        "quelles sont les règles du mot de passe ?",
        "mon mot de passe est refusé",
        "what are the password rules?",
        "my password is rejected",
    ],
    "out_of_scope": [
        "quelle heure est-il ?",
        "raconte-moi une blague",
        "what's the weather like?",
        "tell me a joke",
    ],
}


def test_a_retrieval_intent_is_learnt_by_topic_and_answered_as_one_intent(storage):
    examples = [Message.build(t, label) for label, texts in FAQ.items() for t in texts]
    classifier, featurizers = train(storage, examples, C=10)

    assert set(classifier.clf.classes_) == set(FAQ), "one class per FAQ topic"
    message = parse(classifier, featurizers, "le mot de passe est-il refusé ?")
    assert message.get("intent")["name"] == "faq"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking] == ["faq", "out_of_scope"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    # each topic's own probability is left for the response selector
    by_key = message.get(RESPONSE_KEY_PROBABILITIES)
    assert max(by_key, key=by_key.get) == "faq/password_rules"
    assert by_key["faq/free"] + by_key["faq/password_rules"] == pytest.approx(
        ranking[0]["confidence"]
    )
    assert RESPONSE_KEY_PROBABILITIES not in message.as_dict(only_output_properties=True)


def test_a_temperature_below_one_makes_the_classifier_surer_without_changing_its_choice(storage):
    examples = [Message.build(t, label) for label, texts in FAQ.items() for t in texts]
    plain, featurizers = train(storage, examples, C=10)
    config = {**TfidfLogisticRegressionClassifier.get_default_config(), "temperature": 0.5}
    sharper = TfidfLogisticRegressionClassifier.load(config, storage, Resource("intent"), context())

    for text in ["le mot de passe est-il refusé ?", "is it free?", "tell me a story"]:
        before, after = parse(plain, featurizers, text), parse(sharper, featurizers, text)
        assert after.get("intent")["name"] == before.get("intent")["name"], text
        assert after.get("intent")["confidence"] > before.get("intent")["confidence"], text
        topics_before = before.get(RESPONSE_KEY_PROBABILITIES)
        topics_after = after.get(RESPONSE_KEY_PROBABILITIES)
        assert max(topics_after, key=topics_after.get) == max(topics_before, key=topics_before.get)
        assert sum(topics_after.values()) == pytest.approx(1.0)


class FixedProbabilities:
    """A fitted classifier's answer, fixed: three FAQ topics at 0.2 each, greet at 0.4."""

    classes_ = np.array(["faq/a", "faq/b", "faq/c", "greet"])

    def predict_proba(self, X):
        return np.array([[0.2, 0.2, 0.2, 0.4]])


def test_the_temperature_never_changes_the_intent_even_when_its_probability_is_spread(storage):
    # Tempered topic by topic, 0.2^2 three times (0.12) would lose to 0.4^2 (0.16): the intent
    # is tempered as a whole, so the FAQ that the untempered classifier chose stays chosen.
    config = {**TfidfLogisticRegressionClassifier.get_default_config(), "temperature": 0.5}
    classifier = TfidfLogisticRegressionClassifier(config, "intent", storage, Resource("intent"))
    classifier.clf = FixedProbabilities()
    classifier._create_X = lambda messages: None
    message = Message.build("c'est pour une question")

    classifier.process([message])

    assert message.get("intent")["name"] == "faq"
    assert message.get("intent")["confidence"] == pytest.approx(0.36 / (0.36 + 0.16))
    topics = message.get(RESPONSE_KEY_PROBABILITIES)
    assert topics["faq/a"] == pytest.approx(message.get("intent")["confidence"] / 3)


# Examples in French only; the questions below are English and share no word with them.
FRENCH_ONLY = {
    "activation_email_missing": [
        "je n'ai pas reçu l'email d'activation",
        "le mail d'activation n'est jamais arrivé",
        "aucun courriel pour activer mon compte",
    ],
    "human_handoff": [
        "je veux parler à un conseiller",
        "passez-moi quelqu'un du support",
        "mettez-moi en relation avec une personne",
    ],
    "goodbye": ["au revoir", "bonne journée", "à bientôt"],
}


@pytest.mark.parametrize(
    "text, intent",
    [
        ("the activation email never came", "activation_email_missing"),
        ("I would like to talk to an advisor", "human_handoff"),
        ("have a nice day", "goodbye"),
    ],
)
def test_with_the_sentence_encoder_an_english_question_is_understood_from_french_examples(
    storage, text, intent
):
    examples = [Message.build(t, i) for i, texts in FRENCH_ONLY.items() for t in texts]
    classifier, featurizers = train(storage, examples, encoder=True, C=10)

    message = parse(classifier, featurizers, text)

    assert message.get("intent")["name"] == intent


def test_a_heavier_sentence_embedding_survives_storage_and_makes_meaning_count_more(tmp_path):
    def examples():  # messages carry their features: each training featurizes its own
        return [Message.build(t, i) for i, texts in FRENCH_ONLY.items() for t in texts]

    (tmp_path / "plain").mkdir()
    (tmp_path / "heavier").mkdir()
    plain = train(LocalModelStorage(tmp_path / "plain"), examples(), encoder=True, C=10)
    heavier = train(
        LocalModelStorage(tmp_path / "heavier"),
        examples(),
        encoder=True,
        C=10,
        embedding_weight=3.0,
    )

    assert heavier[0].clf.named_steps["weighting"].transformer_weights == {"embeddings": 3.0}
    # An English question sharing no word with the French examples: only its meaning helps.
    text = "the activation email never came"
    before, after = parse(*plain, text), parse(*heavier, text)
    assert after.get("intent")["name"] == before.get("intent")["name"] == "activation_email_missing"
    assert after.get("intent")["confidence"] > before.get("intent")["confidence"]


@pytest.mark.parametrize("embedding_weight", [1.0, 3.0])
def test_a_message_gets_exactly_the_probabilities_of_the_fitted_scikit_learn_pipeline(
    tmp_path, embedding_weight
):
    # The classifier computes a message's probabilities itself (about ten times faster): they
    # must be the fitted pipeline's, class by class, one message or several at once.
    examples = [Message.build(t, label) for label, texts in FAQ.items() for t in texts]
    examples += [Message.build(t, i) for i, texts in FRENCH_ONLY.items() for t in texts]
    classifier, featurizers = train(
        LocalModelStorage(tmp_path), examples, encoder=True, C=10, embedding_weight=embedding_weight
    )
    texts = ["le mot de passe est-il refusé ?", "the activation email never came", "ok", "?!"]
    messages = [Message.build(text) for text in texts]
    featurizers.process(messages)

    scikit_learn = classifier.clf.predict_proba(classifier._create_X(messages))
    together = classifier._untempered(messages)
    one_by_one = np.vstack([classifier._untempered([message]) for message in messages])

    assert classifier._linear is not None, "the written-out model was not used"
    np.testing.assert_allclose(together, scikit_learn, rtol=0, atol=1e-12)
    np.testing.assert_allclose(one_by_one, scikit_learn, rtol=0, atol=1e-12)
    # and the message's own features are left as they were (the counts stay counts)
    _, counts = messages[0].get_sparse_features("text")
    assert counts.features.data.min() >= 1
