"""The "not sure" thresholds of config.yml, from the training data's cross-validation.

`python -m bench.thresholds collect --nlu data --config config.yml --folds 3 --out DIR` runs
exactly `make cross-validate` (rasa_ext/cross_validate.py: Rasa's cross-validation, same seeded
folds, same reports in DIR) and also writes DIR/readings.jsonl: for every test example of every
fold, its intent (``faq/<key>`` for a question) and the model's full reading (intent ranking
and response selector). Rasa's own reports keep only the top intent and answer.

`python -m bench.thresholds tune DIR/readings.jsonl` then replays each reading under a grid of
thresholds (rasa_ext/answer_fallback.py: intent confidence and margin, answer confidence and
margin) and prints, for each target rate of confident wrong answers, the thresholds that keep
the most right answers: the numbers to put in config.yml. Figures over every example, and over
the questions only (what is asked outside the registration's answers: not inform, affirm,
deny, skip, greet, goodbye), which is what the held-out set measures.

The held-out questions (bench/heldout/) are never read here: thresholds tuned on them would
make their figures meaningless.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.understanding import (
    FALLBACK_INTENT,
    intent_of,
    retrieval_intents,
    selected_answer,
)

# Form answers and greetings: their reading matters during the registration, where an unsure
# message is taken as the answer anyway.
NOT_QUESTIONS = {"inform", "affirm", "deny", "skip", "greet", "goodbye"}
GRID = {
    "threshold": (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99),
    "ambiguity_threshold": (0.1, 0.2, 0.3, 0.5),
    "answer_threshold": (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97),
    "answer_ambiguity_threshold": (0.0, 0.1, 0.2, 0.3, 0.5),
}
TARGETS = (0.005, 0.01, 0.02, 0.03)


# --- collect -------------------------------------------------------------------------------


def _install_recorder(records: list[dict]) -> None:
    """Record every test-fold reading that Rasa's cross-validation computes."""
    import rasa.nlu.test as nlu_test
    from rasa.core.processor import MessageProcessor

    targets: dict[str, str] | None = None
    combine_result = nlu_test.combine_result
    parse_message = MessageProcessor.parse_message

    async def recording_combine_result(*args, **kwargs):
        nonlocal targets
        # cross_validate passes result lists only for the test part of a fold.
        test_part = len(args) > 5 or kwargs.get("intent_results") is not None
        data = args[4] if len(args) > 4 else kwargs["data"]
        targets = (
            {example.get("text"): example.get_full_intent() for example in data.intent_examples}
            if test_part
            else None
        )
        try:
            return await combine_result(*args, **kwargs)
        finally:
            targets = None

    async def recording_parse_message(self, message, *args, **kwargs):
        reading = await parse_message(self, message, *args, **kwargs)
        if targets is not None and message.text in targets:
            records.append(
                {
                    "target": targets[message.text],
                    "reading": {
                        key: reading.get(key)
                        for key in ("text", "intent", "intent_ranking", "response_selector")
                    },
                }
            )
        return reading

    nlu_test.combine_result = recording_combine_result
    MessageProcessor.parse_message = recording_parse_message


def collect(argv: list[str]) -> None:
    from rasa_ext.cross_validate import main as cross_validate

    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else Path("results")
    records: list[dict] = []
    _install_recorder(records)
    try:
        cross_validate(argv)
    finally:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "readings.jsonl").open("w", encoding="utf-8") as file:
            for record in records:
                file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        print(f"{len(records)} readings written to {out / 'readings.jsonl'}", file=sys.stderr)


# --- tune ----------------------------------------------------------------------------------


def _without_fallback(reading: dict) -> dict:
    """The reading as the classifiers left it (the fallback component inserts itself first)."""
    ranking = reading.get("intent_ranking") or []
    if intent_of(reading)[0] != FALLBACK_INTENT or len(ranking) < 2:
        return reading
    return {**reading, "intent": ranking[1], "intent_ranking": ranking[1:]}


@dataclass(frozen=True)
class Case:
    """What a threshold decision needs from one reading."""

    target: str
    predicted: str
    intent_confidence: float
    intent_margin: float
    answer_confidence: float  # 1.0 for an intent without answers
    answer_margin: float
    question: bool

    @classmethod
    def of(cls, target: str, reading: dict) -> Case:
        reading = _without_fallback(reading)
        intent, confidence = intent_of(reading)
        ranking = reading.get("intent_ranking") or []
        second = float(ranking[1].get("confidence") or 0.0) if len(ranking) > 1 else 0.0
        predicted, answer_confidence, answer_margin = intent or "", 1.0, 1.0
        if intent in retrieval_intents(reading):
            answer = selected_answer(reading, intent)
            predicted = answer.key if answer else intent
            answer_confidence = answer.confidence if answer else 0.0
            answer_margin = answer.confidence - answer.runner_up if answer else 0.0
        return cls(
            target=target,
            predicted=predicted,
            intent_confidence=confidence,
            intent_margin=confidence - second,
            answer_confidence=answer_confidence,
            answer_margin=answer_margin,
            question=target.split("/")[0] not in NOT_QUESTIONS,
        )

    def sure(self, t: dict[str, float]) -> bool:
        return (
            self.intent_confidence >= t["threshold"]
            and self.intent_margin >= t["ambiguity_threshold"]
            and self.answer_confidence >= t["answer_threshold"]
            and self.answer_margin >= t["answer_ambiguity_threshold"]
        )


@dataclass(frozen=True)
class Score:
    examples: int
    right: int  # sure and right
    wrong: int  # sure and wrong: a confident wrong answer
    unsure: int

    @classmethod
    def of(cls, cases: list[Case], thresholds: dict[str, float]) -> Score:
        right = wrong = unsure = 0
        for case in cases:
            if not case.sure(thresholds):
                unsure += 1
            elif case.predicted == case.target:
                right += 1
            else:
                wrong += 1
        return cls(len(cases), right, wrong, unsure)

    def line(self) -> str:
        n = self.examples or 1
        return (
            f"right {100 * self.right / n:5.1f} %  confident wrong {100 * self.wrong / n:4.1f} %"
            f"  not sure {100 * self.unsure / n:4.1f} %"
        )


def load_cases(path: Path) -> list[Case]:
    with path.open(encoding="utf-8") as file:
        records = [json.loads(line) for line in file if line.strip()]
    return [Case.of(r["target"], r["reading"]) for r in records]


def tune(path: Path) -> str:
    cases = load_cases(path)
    questions = [c for c in cases if c.question]
    grid = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    scored = [(t, Score.of(questions, t), Score.of(cases, t)) for t in grid]
    out = [
        f"{len(cases)} test readings ({len(questions)} questions) from {path}",
        "",
        "Without thresholds (every reading answered):",
        f"  questions: {Score.of(questions, dict.fromkeys(GRID, 0.0)).line()}",
        f"  all:       {Score.of(cases, dict.fromkeys(GRID, 0.0)).line()}",
        "",
    ]
    current = {
        "threshold": 0.7,
        "ambiguity_threshold": 0.1,
        "answer_threshold": 0.0,
        "answer_ambiguity_threshold": 0.0,
    }
    out += [
        "Rasa's FallbackClassifier alone, 0.7 / 0.1 (the thresholds before issue 15):",
        f"  questions: {Score.of(questions, current).line()}",
        f"  all:       {Score.of(cases, current).line()}",
        "",
        "Most right answers on questions for each rate of confident wrong answers on questions:",
    ]
    for target in TARGETS:
        allowed = [s for s in scored if s[1].wrong <= target * len(questions)]
        if not allowed:
            out.append(f"  <= {100 * target:.1f} %: none of the grid")
            continue
        # Most right answers, then the least strict thresholds (fewer "not sure").
        best = max(allowed, key=lambda s: (s[1].right, -sum(s[0].values())))
        thresholds, on_questions, on_all = best
        out.append(
            f"  <= {100 * target:.1f} %: "
            + ", ".join(f"{k} {v}" for k, v in thresholds.items())
            + f"\n      questions: {on_questions.line()}\n      all:       {on_all.line()}"
        )
    return "\n".join(out)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.thresholds", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("collect", help="cross-validate and keep every reading", add_help=False)
    tune_parser = sub.add_parser("tune", help="the thresholds the readings suggest")
    tune_parser.add_argument("readings", type=Path)
    if argv[:1] == ["collect"]:
        collect(argv[1:])
        return
    args = parser.parse_args(argv)
    print(tune(args.readings))


if __name__ == "__main__":
    main(sys.argv[1:])
