"""`python -m bench.heldout [--model PATH] [--details] [--config-thresholds]`: score a trained
model on the held-out questions (see bench/heldout/__init__.py). Loads the model in this process
(the sentence encoder included: a minute or two), nothing else is started.

`--config-thresholds` scores the model's readings with the "not sure" thresholds config.yml has
now instead of those the model was trained with: the fallback component trains nothing and only
reads the rest of the reading, so this is what the retrained model would answer. Use it to report
thresholds chosen on the cross-validation before the model is retrained, never to choose them
(that would tune them on these questions)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from pathlib import Path

from bench.heldout import QUESTIONS, Table, load_questions, score
from tests.factories import ROOT


def _offered(parse_data: dict) -> list[str]:
    """The topics the "not sure" reply offers as buttons, as the action computes them."""
    from actions.fallback import label_name, offered_topics
    from bot.responses import load_domain

    responses = load_domain()["responses"]
    return offered_topics(parse_data, has_label=lambda key: label_name(key) in responses)


def _with_config_thresholds(parses: list[dict]) -> list[dict]:
    """The readings as config.yml's fallback component would leave them."""
    import yaml
    from rasa.shared.nlu.training_data.message import Message

    from bench.thresholds import _without_fallback
    from rasa_ext.answer_fallback import AnswerFallbackClassifier

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    [config] = [c for c in pipeline if c["name"].endswith(AnswerFallbackClassifier.__name__)]
    component = AnswerFallbackClassifier(
        {**AnswerFallbackClassifier.get_default_config(), **config}
    )
    messages = [Message(data=_without_fallback(p)) for p in parses]
    return [message.data for message in component.process(messages)]


async def _parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.heldout", description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "onboarding.tar.gz")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--details", action="store_true", help="list every wrong or unsure reply")
    parser.add_argument("--json", type=Path, help="write every question's result to this file")
    parser.add_argument(
        "--config-thresholds",
        action="store_true",
        help="apply config.yml's not-sure thresholds to the readings (see above)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.ERROR)  # Rasa logs every parse at debug level otherwise

    questions = load_questions(args.questions)
    parses = asyncio.run(_parse_all(args.model, [q.text for q in questions]))
    if args.config_thresholds:
        parses = _with_config_thresholds(parses)
    results = [score(q, p, _offered) for q, p in zip(questions, parses, strict=True)]

    thresholds = " (thresholds of config.yml)" if args.config_thresholds else ""
    print(f"model: {args.model}{thresholds}  questions: {args.questions} ({len(questions)})\n")
    print(Table.of(results).render())
    if args.details:
        print("\nconfident wrong / not sure:")
        for r in results:
            if r.outcome != "right":
                offered = f" offered {', '.join(r.offered)}" if r.offered else ""
                print(
                    f"  [{r.outcome}] ({r.question.lang}, {r.question.kind}) {r.question.text!r}"
                    f" -> {r.answer} {r.confidence:.2f}{offered}; expected"
                    f" {', '.join(r.question.expect)}"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                [
                    {
                        "text": r.question.text,
                        "lang": r.question.lang,
                        "kind": r.question.kind,
                        "expect": list(r.question.expect),
                        "answer": r.answer,
                        "outcome": r.outcome,
                        "confidence": r.confidence,
                        "offered": list(r.offered),
                        "parse": p,
                    }
                    for r, p in zip(results, parses, strict=True)
                ],
                ensure_ascii=False,
                indent=1,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
