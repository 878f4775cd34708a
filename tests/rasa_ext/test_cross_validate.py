"""`make cross-validate` compares like with like: the same data gives the same folds."""

from __future__ import annotations

from rasa.nlu.test import generate_folds
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.cross_validate import seed_folds


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
