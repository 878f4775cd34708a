"""`make cross-validate` compares like with like: the same data gives the same folds."""

from __future__ import annotations

import asyncio
import json

import rasa.nlu.test as nlu_test
from rasa.nlu.test import generate_folds
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.cross_validate import PREDICTIONS, recording_predictions, seed_folds


def _data() -> TrainingData:
    examples = [
        Message(data={"text": f"{word} {i}", "intent": intent})
        for intent, word in (("greet", "bonjour"), ("goodbye", "au revoir"), ("affirm", "oui"))
        for i in range(12)
    ]
    return TrainingData(training_examples=examples)


def _test_texts(data: TrainingData) -> list[list[str]]:
    return [[m.get("text") for m in test.intent_examples] for _, test in generate_folds(3, data)]


def test_two_runs_cut_the_same_folds():
    seed_folds()
    first, second = _test_texts(_data()), _test_texts(_data())
    assert first == second
    # and they are real folds: every example is tested exactly once
    tested = sorted(text for fold in first for text in fold)
    assert tested == sorted(m.get("text") for m in _data().intent_examples)


def test_each_test_example_is_recorded_once_with_what_the_model_returned(tmp_path):
    # A pipeline without TensorFlow keeps the test fast; what is checked is the recording.
    config = {
        "language": "fr",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "LogisticRegressionClassifier"},
        ],
    }
    seed_folds()
    with recording_predictions():
        asyncio.run(nlu_test.cross_validate(_data(), 3, config, str(tmp_path)))

    records = json.loads((tmp_path / PREDICTIONS).read_text())
    assert sorted(r["text"] for r in records) == sorted(
        m.get("text") for m in _data().intent_examples
    )
    record = next(r for r in records if r["text"] == "bonjour 3")
    assert record["intent"] == "greet"
    assert record["predicted"]["intent"]["name"] == "greet"
    assert record["predicted"]["intent_ranking"][0]["name"] == "greet"
    # and Rasa's cross-validation is itself again once the block is left
    assert nlu_test.cross_validate.__module__ == "rasa.nlu.test"
