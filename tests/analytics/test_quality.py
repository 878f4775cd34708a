"""The cross-validation summary reads what the model returned for each test example: the answer
the user gets needs the intent and the topic right, an entity counts when its value is right,
the FallbackClassifier is undone as Rasa's evaluation does, and the calibration error says how
far the confidences are from the share of right answers."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import f1_score

from bot.analytics.quality import calibration_error, entity_values, macro_f1, summarise


def record(
    text,
    intent,
    key=None,
    entities=(),
    *,
    ranking,
    selector=None,
    selector_key="faq",
    predicted_entities=(),
):
    """One line of predictions.json, as rasa_ext/cross_validate.py writes it."""
    selectors = {"all_retrieval_intents": ["faq"]}
    if selector:
        best = max(selector, key=selector.get)
        selectors[selector_key] = {
            "response": {"intent_response_key": best, "confidence": selector[best]},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in selector.items()],
        }
    ranked = [{"name": n, "confidence": c} for n, c in ranking]
    return {
        "text": text,
        "intent": intent,
        "intent_response_key": key,
        "entities": list(entities),
        "predicted": {
            "intent": ranked[0],
            "intent_ranking": ranked,
            "response_selector": selectors,
            "entities": list(predicted_entities),
        },
    }


FIELD_EMAIL = {"entity": "field", "value": "email", "start": 3, "end": 8}
RECORDS = [
    # right intent, right topic
    record(
        "c'est gratuit ?", "faq", "faq/free", ranking=[("faq", 0.9)], selector={"faq/free": 0.85}
    ),
    # right intent, wrong topic: the user gets the wrong answer
    record(
        "mot de passe ?",
        "faq",
        "faq/password_rules",
        ranking=[("faq", 0.6), ("greet", 0.4)],
        selector={"faq/free": 0.35, "faq/password_rules": 0.25},
    ),
    # under the FallbackClassifier's threshold: judged on the classifier's own intent, which is
    # no retrieval intent (whatever a single "default" selector chose)
    record(
        "bonjour",
        "greet",
        ranking=[("nlu_fallback", 0.8), ("greet", 0.7)],
        selector={"faq/free": 0.1},
        selector_key="default",
    ),
    # a field named with the wrong value, and one found where there is none
    record(
        "le mail est faux",
        "correct_field",
        entities=[FIELD_EMAIL],
        ranking=[("correct_field", 0.95)],
        predicted_entities=[{**FIELD_EMAIL, "value": "phone"}],
    ),
    record(
        "le mail est faux",
        "correct_field",
        entities=[FIELD_EMAIL],
        ranking=[("correct_field", 0.95)],
        predicted_entities=[FIELD_EMAIL, {"entity": "field", "value": "country", "start": 0}],
    ),
]


def test_macro_f1_is_scikit_learns():
    gold = ["a", "a", "b", "c", "c", "c"]
    predicted = ["a", "b", "b", "c", "a", "d"]

    assert macro_f1(gold, predicted) == pytest.approx(f1_score(gold, predicted, average="macro"))


def test_an_entity_counts_when_its_value_is_right():
    precision, recall, f1, n = entity_values(RECORDS)["field"]

    # gold: email twice; predicted: phone, email, country -> one right
    assert (precision, recall, n) == (pytest.approx(1 / 3), 0.5, 2)
    assert f1 == pytest.approx(0.4)


def test_a_perfectly_calibrated_model_has_no_calibration_error_and_an_overconfident_one_has():
    assert calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0)
    assert calibration_error([0.95] * 4, [True, True, False, False]) == pytest.approx(0.45)


def test_the_summary_gives_what_the_user_gets_entity_values_and_calibration(tmp_path):
    (tmp_path / "predictions.json").write_text(json.dumps(RECORDS))
    (tmp_path / "intent_report.json").write_text(
        json.dumps({"greet": {"f1-score": 0.5}, "macro avg": {"f1-score": 0.75}})
    )
    (tmp_path / "VocabularyEntityExtractor_report.json").write_text(
        json.dumps({"field": {"f1-score": 0.6}, "macro avg": {"f1-score": 0.6}})
    )

    summary = summarise(tmp_path)

    assert "Intent: macro-F1 0.750" in summary
    assert "Entities (VocabularyEntityExtractor): macro-F1 0.600" in summary
    # 4 of 5 right: the wrong FAQ topic is a wrong answer, the greeting under the fallback
    # threshold is the classifier's right intent
    assert "right 4/5" in summary
    assert "Entity values, field: precision 0.33 recall 0.50 F1 0.40 (2 in the data)" in summary
    assert "Calibration error (ECE): intent" in summary
    assert "answer confidence >= 0.8: 3 answers, 0 wrong" in summary


def test_a_run_without_reports_says_so(tmp_path):
    assert summarise(tmp_path) == f"no reports found in {tmp_path}"
