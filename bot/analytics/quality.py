"""Summarise an NLU cross-validation run: `python -m bot.analytics.quality RESULTS_DIR`.

Prints, for docs/quality.md, Rasa's figures (intent macro-F1, response-selection macro-F1, each
entity extractor's F1 per entity, from the JSON reports `rasa test nlu --cross-validation`
writes) and, from the test examples' predictions that `python -m rasa_ext.cross_validate`
keeps (predictions.json), what those reports do not say:

- **answer over all topics**: the FAQ or small-talk answer with the highest confidence among
  every retrieval intent's selector, against the example's topic. Rasa's own figure reads the
  selector of the example's true retrieval intent, which is easier when there is one selector
  per retrieval intent; this one compares a single selector and several alike;
- **what the user gets**: the intent, or for a retrieval intent the answer that `utter_<intent>`
  utters (its selector's choice), against the example's intent or topic, macro-F1 over all of
  them: a right answer needs both the intent and the topic right;
- **entity values**: precision, recall and F1 of the (entity, value) pairs per message, which is
  what the actions read (Rasa's figure scores the tokens an entity covers, not its value);
- **calibration**: how far the confidences are from the share of right answers (expected
  calibration error over 10 bins; 0 is perfect), for the intent and for the answer, and how many
  wrong and right answers fall on each side of a few confidence thresholds.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TARGET = 0.95
FALLBACK_INTENT = "nlu_fallback"
THRESHOLDS = (0.7, 0.8, 0.9)
AVERAGES = {"macro avg", "weighted avg", "micro avg", "accuracy"}


def _rasa_reports(results: Path) -> list[str]:
    lines = []
    entity_reports = sorted(
        p
        for p in results.glob("*_report.json")
        if p.name not in {"intent_report.json", "response_selection_report.json"}
    )
    reports = [
        (results / "intent_report.json", "Intent"),
        (results / "response_selection_report.json", "Response selection (FAQ, chitchat)"),
    ] + [(p, f"Entities ({p.name.removesuffix('_report.json')})") for p in entity_reports]
    for path, title in reports:
        if not path.exists():
            continue
        report = json.loads(path.read_text())
        macro = report.get("macro avg", {}).get("f1-score")
        if macro is None:
            continue
        lines.append(
            f"{title}: macro-F1 {macro:.3f}" + (f" (target {TARGET})" if title == "Intent" else "")
        )
        scores = sorted(
            (v["f1-score"], k)
            for k, v in report.items()
            if isinstance(v, dict) and "f1-score" in v and k not in AVERAGES
        )
        if title.startswith("Entities"):
            lines.append(
                "  " + ", ".join(f"{k} {f:.2f}" for f, k in sorted(scores, key=lambda s: s[1]))
            )
        else:
            lines.append("  weakest: " + ", ".join(f"{k} {f:.2f}" for f, k in scores[:3]))
    return lines


def macro_f1(gold: list[str], predicted: list[str | None]) -> float:
    """Macro-averaged F1 over every label that is gold or predicted (scikit-learn's and Rasa's
    definition: a label never right scores 0)."""
    labels = {label for label in [*gold, *predicted] if label is not None}
    if not labels:
        return 0.0
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    total = 0.0
    for label in labels:
        right = pairs[(label, label)]
        if right:
            total += 2 * right / (gold_counts[label] + predicted_counts[label])
    return total / len(labels)


def _intent(predicted: dict[str, Any]) -> tuple[str | None, float]:
    """The classifier's intent and confidence, before the FallbackClassifier (as Rasa's
    evaluation undoes it)."""
    for ranked in predicted.get("intent_ranking") or [predicted.get("intent") or {}]:
        if ranked.get("name") != FALLBACK_INTENT:
            return ranked.get("name"), float(ranked.get("confidence") or 0.0)
    return None, 0.0


def _selected(predicted: dict[str, Any], intent: str | None) -> dict[str, Any] | None:
    """The answer `utter_<intent>` would utter, as Rasa's retrieval action picks it; None for
    an intent that is not a retrieval intent."""
    selectors = predicted.get("response_selector") or {}
    if intent not in selectors.get("all_retrieval_intents", ()):
        return None
    selector = selectors.get(intent) or selectors.get("default")
    return (selector or {}).get("response") or None


def _best_answer(predicted: dict[str, Any]) -> str | None:
    """The most confident answer among every selector."""
    responses = [
        s.get("response") or {}
        for key, s in (predicted.get("response_selector") or {}).items()
        if isinstance(s, dict)
    ]
    best = max(responses, key=lambda r: r.get("confidence") or 0.0, default={})
    return best.get("intent_response_key")


def calibration_error(confidences: list[float], right: list[bool], bins: int = 10) -> float:
    """Expected calibration error: the gap between mean confidence and share right, per
    confidence bin, weighted by the bin's size."""
    total = len(confidences)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if low < c <= high or (b == 0 and c == 0)]
        if members:
            mean_confidence = sum(confidences[i] for i in members) / len(members)
            share_right = sum(right[i] for i in members) / len(members)
            error += len(members) / total * abs(mean_confidence - share_right)
    return error


def _pairs(entities: Iterable[dict[str, Any]]) -> Counter:
    return Counter((e.get("entity"), str(e.get("value"))) for e in entities)


def entity_values(records: list[dict[str, Any]]) -> dict[str, tuple[float, float, float, int]]:
    """Per entity: precision, recall, F1 of its (entity, value) pairs, and its gold count."""
    counts: dict[str, Counter] = {}
    for record in records:
        gold, predicted = _pairs(record["entities"]), _pairs(record["predicted"]["entities"])
        for pair in gold | predicted:
            c = counts.setdefault(pair[0], Counter())
            c["right"] += min(gold[pair], predicted[pair])
            c["gold"] += gold[pair]
            c["predicted"] += predicted[pair]
    scores = {}
    for entity, c in sorted(counts.items()):
        precision = c["right"] / c["predicted"] if c["predicted"] else 0.0
        recall = c["right"] / c["gold"] if c["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[entity] = (precision, recall, f1, c["gold"])
    return scores


def _prediction_figures(records: list[dict[str, Any]]) -> list[str]:
    lines = []
    gold_labels, user_gets = [], []
    intent_confidence, intent_right = [], []
    answer_confidence, answer_right = [], []
    retrieval_gold, retrieval_best = [], []
    for record in records:
        predicted = record["predicted"]
        gold = record["intent_response_key"] or record["intent"]
        intent, confidence = _intent(predicted)
        selected = _selected(predicted, intent)
        if selected:
            label, answer = selected.get("intent_response_key"), selected.get("confidence")
        else:
            label, answer = intent, confidence
        gold_labels.append(gold)
        user_gets.append(label)
        intent_confidence.append(confidence)
        intent_right.append(intent == record["intent"])
        answer_confidence.append(float(answer or 0.0))
        answer_right.append(label == gold)
        if record["intent_response_key"]:
            retrieval_gold.append(record["intent_response_key"])
            retrieval_best.append(_best_answer(predicted))
    if retrieval_gold:
        lines.append(
            f"Answer over all topics (FAQ, chitchat): macro-F1 "
            f"{macro_f1(retrieval_gold, retrieval_best):.3f}"
        )
    lines.append(
        f"What the user gets (intent, or the answer uttered): macro-F1 "
        f"{macro_f1(gold_labels, user_gets):.3f}, "
        f"right {sum(answer_right)}/{len(answer_right)}"
    )
    for entity, (precision, recall, f1, n) in entity_values(records).items():
        lines.append(
            f"Entity values, {entity}: precision {precision:.2f} recall {recall:.2f} "
            f"F1 {f1:.2f} ({n} in the data)"
        )
    intent_error = calibration_error(intent_confidence, intent_right)
    answer_error = calibration_error(answer_confidence, answer_right)
    lines.append(f"Calibration error (ECE): intent {intent_error:.3f}, answer {answer_error:.3f}")
    for threshold in THRESHOLDS:
        above = [r for c, r in zip(answer_confidence, answer_right, strict=True) if c >= threshold]
        below = [r for c, r in zip(answer_confidence, answer_right, strict=True) if c < threshold]
        lines.append(
            f"  answer confidence >= {threshold}: {len(above)} answers, {above.count(False)} "
            f"wrong; below: {below.count(True)} right, {below.count(False)} wrong"
        )
    return lines


def summarise(results: Path) -> str:
    lines = _rasa_reports(results)
    predictions = results / "predictions.json"
    if predictions.exists():
        lines += _prediction_figures(json.loads(predictions.read_text()))
    return "\n".join(lines) or f"no reports found in {results}"


if __name__ == "__main__":
    print(summarise(Path(sys.argv[1] if len(sys.argv) > 1 else "var/results/cross-validation")))
