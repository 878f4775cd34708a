"""`rasa test nlu --cross-validation` with the same folds on every run, and every test
example's prediction kept.

Rasa shuffles the examples into folds with an unseeded StratifiedKFold, so two runs on the same
data and config differ by a point or two of macro-F1: too much to tell whether a data or
config change helped. This runs the Rasa CLI with the shuffle seeded. Usage is the CLI's:
`python -m rasa_ext.cross_validate --nlu data --config config.yml --folds 3 --out DIR`.

Rasa's reports say how often the intent, the answer and each entity's span were right. What the
dialogue and the actions read is more: the entity's value (`email`, not just "a field was named
here"), which answer the user gets (`utter_faq` utters the `faq` selector's choice, whatever the
intent classifier said), how sure the model was. So the test examples' predictions are also
written to `DIR/predictions.json` (one record per example: its text and labels, and what the
model returned: intent ranking, response selector rankings, entities), which
`python -m bot.analytics.quality DIR` reads.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sklearn.model_selection

SEED = 42
PREDICTIONS = "predictions.json"
_StratifiedKFold = sklearn.model_selection.StratifiedKFold


class SeededStratifiedKFold(_StratifiedKFold):
    def __init__(self, n_splits: int = 5, *, shuffle: bool = False, random_state=None) -> None:
        if shuffle and random_state is None:
            random_state = SEED
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)


def seed_folds() -> None:
    # rasa.nlu.test imports StratifiedKFold from the module each time it builds the folds.
    sklearn.model_selection.StratifiedKFold = SeededStratifiedKFold


def _entity(entity: dict[str, Any]) -> dict[str, Any]:
    return {k: entity.get(k) for k in ("entity", "value", "start", "end", "extractor")}


def _selectors(parsed: dict[str, Any]) -> dict[str, Any]:
    """The response selector's output without the answers' texts (long, and in the data)."""
    selectors = {}
    for key, selected in (parsed.get("response_selector") or {}).items():
        if not isinstance(selected, dict):  # "all_retrieval_intents"
            selectors[key] = selected
            continue
        response = {k: v for k, v in selected.get("response", {}).items() if k != "responses"}
        selectors[key] = {"response": response, "ranking": selected.get("ranking", [])}
    return selectors


def prediction_record(example: Any, parsed: dict[str, Any]) -> dict[str, Any]:
    """One test example (a Rasa Message) and what the model returned for its text."""
    return {
        "text": example.get("text"),
        "intent": example.get("intent"),
        "intent_response_key": example.get("intent_response_key"),
        "entities": [_entity(e) for e in example.get("entities") or []],
        "predicted": {
            "intent": parsed.get("intent"),
            "intent_ranking": parsed.get("intent_ranking") or [],
            "response_selector": _selectors(parsed),
            "entities": [_entity(e) for e in parsed.get("entities") or []],
        },
    }


@contextmanager
def recording_predictions() -> Iterator[None]:
    """Within it, Rasa's cross-validation also writes each test example's prediction to
    `<output>/predictions.json`: the test sets are those of the folds, and the training sets,
    which Rasa also evaluates, are left out."""
    import rasa.nlu.test as nlu_test

    generate_folds, get_eval_data, cross_validate = (
        nlu_test.generate_folds,
        nlu_test.get_eval_data,
        nlu_test.cross_validate,
    )
    test_sets: list[Any] = []
    records: list[dict[str, Any]] = []

    def folds(n, training_data):
        for train, test in generate_folds(n, training_data):
            test_sets.append(test)
            yield train, test

    async def eval_data(processor, test_data):
        if not any(test_data is t for t in test_sets):
            return await get_eval_data(processor, test_data)
        parse = processor.parse_message
        parsed: list[dict[str, Any]] = []

        async def recording_parse(message, *args, **kwargs):
            result = await parse(message, *args, **kwargs)
            parsed.append(result)
            return result

        processor.parse_message = recording_parse
        try:
            results = await get_eval_data(processor, test_data)
        finally:
            del processor.parse_message
        examples = test_data.nlu_examples
        records.extend(prediction_record(e, p) for e, p in zip(examples, parsed, strict=True))
        return results

    async def cross_validate_recording(data, n_folds, nlu_config, output=None, **kwargs):
        results = await cross_validate(data, n_folds, nlu_config, output, **kwargs)
        if output:
            path = Path(output) / PREDICTIONS
            # Confidences may be numpy floats.
            path.write_text(json.dumps(records, ensure_ascii=False, indent=0, default=float))
        return results

    nlu_test.generate_folds = folds
    nlu_test.get_eval_data = eval_data
    nlu_test.cross_validate = cross_validate_recording
    try:
        yield
    finally:
        nlu_test.generate_folds = generate_folds
        nlu_test.get_eval_data = get_eval_data
        nlu_test.cross_validate = cross_validate


def main(argv: list[str]) -> None:
    seed_folds()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "test", "nlu", "--cross-validation", *argv]
    with recording_predictions():
        rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
