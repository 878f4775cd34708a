"""Held-out questions: how often the assistant answers right, wrong, or says it is not sure.

`python -m bench.heldout` (`make heldout`) loads a trained model in this process, reads every
question of ``bench/heldout/questions.yml`` (never trained on) through the NLU as a message
sent outside the registration, and scores what the supplier would get:

- **right**: the topic the question is about (or, for a question the assistant cannot answer,
  an honest "I cannot help with that" / an advisor);
- **confident wrong**: any other answer given as sure (another topic, small talk, the
  out-of-scope reply to a question it could answer, ...);
- **not sure**: the "I am not sure" offer (intent ``nlu_fallback``); ``offered`` counts those
  whose buttons include a right topic.

What the supplier gets is more than the NLU's reading in two places, and the scoring follows
the product there (since 2026-12-06 evening; the earlier figures of docs/quality.md read the NLU
alone): a message plainly written in German, Dutch, Italian, Spanish or Portuguese gets the
language policy's "I speak French and English" (``other_language``, an honest reply), whatever
the NLU read (rasa_ext/language_policy.py); and an answer sent when no question is pending
(``inform``, ``skip``) goes to the rule of ``action_start_registration``: the registration
starts with the country, identifier, code or address the message holds, "I registered
already" gets the already-registered reply, anything else stays ``inform`` (the "shall we
start?" reply, never right).

Figures by kind (answerable, adjacent, unanswerable) and language; the goal of issue 15 is at
most 2 % confident wrong answers over all questions. The scoring below has no Rasa import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.answers import answer_key
from bot.checks.answers import holds_registration_data, says_already_registered
from bot.checks.language import OTHER_LANGUAGES, written_in
from bot.responses import load_domain
from bot.understanding import FALLBACK_INTENT, intent_of, retrieval_intents

QUESTIONS = Path(__file__).with_name("questions.yml")
# Written later by someone who had not read the training data, measured once (docs/quality.md).
SECOND_SET = Path(__file__).with_name("second_set.yml")
# The same way again, after the second set had been looked at (docs/quality.md).
THIRD_SET = Path(__file__).with_name("third_set.yml")
# Once more after the third had been looked at, measured once (docs/quality.md).
FOURTH_SET = Path(__file__).with_name("fourth_set.yml")
# Once more, after the fourth had been looked at, measured once (docs/quality.md).
FIFTH_SET = Path(__file__).with_name("fifth_set.yml")
SIXTH_SET = Path(__file__).with_name("sixth_set.yml")
# Once more, after the sixth had been looked at, measured once (docs/quality.md).
SEVENTH_SET = Path(__file__).with_name("seventh_set.yml")
HELD_OUT_SETS = (QUESTIONS, SECOND_SET, THIRD_SET, FOURTH_SET, FIFTH_SET, SIXTH_SET, SEVENTH_SET)
NOT_SURE = "not_sure"
ADVISOR = "advisor"
# "Je parle français et anglais. / I speak French and English.", with a button for each.
OTHER_LANGUAGE = "other_language"
# What an honest reply to a question the assistant cannot answer may also be.
_HONEST = {
    NOT_SURE: {"out_of_scope", OTHER_LANGUAGE},
    ADVISOR: {"out_of_scope", "human_handoff", "faq/contact_human", OTHER_LANGUAGE},
}
KINDS = ("answerable", "adjacent", "unanswerable")
OUTCOMES = ("right", "confident_wrong", "not_sure")


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    kind: str
    expect: tuple[str, ...]

    def accepts(self, answer: str) -> bool:
        accepted = set(self.expect)
        for label in self.expect:
            accepted |= _HONEST.get(label, set())
        return answer in accepted


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [
        Question(q["text"], q["lang"], q["kind"], tuple(q["expect"])) for q in data["questions"]
    ]
    unknown = {q.kind for q in questions} - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds in {path}: {sorted(unknown)}")
    return questions


def answer_of(parse_data: dict) -> str:
    """What the supplier gets for this NLU reading, outside a form: ``not_sure``, a retrieval
    answer (``faq/<key>``, ``chitchat/<key>``), ``other_language``, or the intent the dialogue
    answers (``start_registration`` for an answer that starts the registration)."""
    text = parse_data.get("text") or ""
    if written_in(text) in OTHER_LANGUAGES:
        return OTHER_LANGUAGE
    intent = intent_of(parse_data)[0] or ""
    if intent in ("inform", "skip"):
        if says_already_registered(text):
            return "already_registered"
        if holds_registration_data(text):
            return "start_registration"
        return intent
    if intent == FALLBACK_INTENT:
        return NOT_SURE
    if intent in retrieval_intents(parse_data):
        # As the answer's action picks it: the topic the reading names (an IBAN typed: the
        # bank-details answer), else the selector's choice (actions/answers.py).
        return answer_key(parse_data, load_domain()["responses"]) or intent
    return intent


@dataclass
class Scored:
    question: Question
    answer: str
    outcome: str
    confidence: float
    offered: tuple[str, ...] = ()

    @property
    def right_offered(self) -> bool:
        return any(self.question.accepts(topic) for topic in self.offered)


def score(
    question: Question, parse_data: dict, offered: Callable[[dict], list[str]] | None = None
) -> Scored:
    answer = answer_of(parse_data)
    confidence = float((parse_data.get("intent") or {}).get("confidence") or 0.0)
    if answer == NOT_SURE:
        topics = tuple(offered(parse_data)) if offered else ()
        return Scored(question, answer, "not_sure", confidence, topics)
    outcome = "right" if question.accepts(answer) else "confident_wrong"
    return Scored(question, answer, outcome, confidence)


@dataclass
class Table:
    """Counts of outcomes per (kind, language), with totals."""

    counts: dict[tuple[str, str], Counter] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Iterable[Scored]) -> Table:
        table = cls()
        for result in results:
            q = result.question
            for key in ((q.kind, q.lang), (q.kind, "all"), ("all", q.lang), ("all", "all")):
                counter = table.counts.setdefault(key, Counter())
                counter["questions"] += 1
                counter[result.outcome] += 1
                if result.outcome == "not_sure" and result.right_offered:
                    counter["offered"] += 1
        return table

    def rows(self) -> list[tuple[str, str, Counter]]:
        order = [*KINDS, "all"]
        return sorted(
            ((kind, lang, c) for (kind, lang), c in self.counts.items()),
            key=lambda row: (order.index(row[0]), row[1] == "all", row[1]),
        )

    def render(self) -> str:
        lines = [
            f"{'kind':<13}{'lang':<5}{'questions':>10}{'right':>13}{'confident wrong':>19}"
            f"{'not sure':>13}{'(right offered)':>17}"
        ]
        for kind, lang, c in self.rows():
            n = c["questions"]

            def cell(name: str, c=c, n=n) -> str:
                return f"{c[name]} ({100 * c[name] / n:.1f} %)" if n else "-"

            lines.append(
                f"{kind:<13}{lang:<5}{n:>10}{cell('right'):>13}{cell('confident_wrong'):>19}"
                f"{cell('not_sure'):>13}{c['offered']:>17}"
            )
        return "\n".join(lines)
