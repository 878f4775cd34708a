"""What the NLU understood of a message: Rasa's parse data, read as plain dicts.

One reading for the pipeline's last component (rasa_ext/answer_fallback.py: is the answer
sure?), the actions (which answer, which topics to offer when unsure), the held-out benchmark
and the report. The parse data is Rasa's: ``intent`` and ``intent_ranking`` (name,
confidence), and ``response_selector`` as any response selector fills it: the retrieval
intents in ``all_retrieval_intents``, then per retrieval intent (or under ``default`` when one
selector serves them all) the chosen ``response`` and a ``ranking`` of answers
(``intent_response_key``, ``confidence``).
"""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK_INTENT = "nlu_fallback"
DELIMITER = "/"  # faq/countries: the retrieval intent, then the answer's key


@dataclass(frozen=True)
class SelectedAnswer:
    """The answer a response selector chose for a retrieval intent, and how sure it is."""

    key: str  # e.g. "faq/countries"
    confidence: float
    runner_up: float  # the confidence of the next answer of the same retrieval intent


def intent_of(parse_data: dict) -> tuple[str | None, float]:
    intent = parse_data.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def retrieval_intents(parse_data: dict) -> list[str]:
    return list((parse_data.get("response_selector") or {}).get("all_retrieval_intents") or [])


def answer_ranking(parse_data: dict, intent: str) -> list[tuple[str, float]]:
    """The answers of retrieval ``intent``, most likely first (keys of other intents left out:
    one selector may rank faq/* and chitchat/* together)."""
    selectors = parse_data.get("response_selector") or {}
    # One selector for every retrieval intent reports under "default".
    selected = selectors.get(intent) or selectors.get("default") or {}
    answers = selected.get("ranking") or []
    if not answers and selected.get("response"):
        answers = [selected["response"]]
    ranked = [
        (answer["intent_response_key"], float(answer.get("confidence") or 0.0))
        for answer in answers
        if str(answer.get("intent_response_key", "")).startswith(intent + DELIMITER)
    ]
    return sorted(ranked, key=lambda item: -item[1])


def selected_answer(parse_data: dict, intent: str | None = None) -> SelectedAnswer | None:
    """The answer chosen for ``intent`` (the message's intent by default), if it has one."""
    intent = intent or intent_of(parse_data)[0]
    if not intent:
        return None
    selectors = parse_data.get("response_selector") or {}
    selected = selectors.get(intent) or selectors.get("default") or {}
    chosen = (selected.get("response") or {}).get("intent_response_key")
    ranking = answer_ranking(parse_data, intent)
    if not isinstance(chosen, str) or not chosen.startswith(intent + DELIMITER):
        return None  # nothing chosen, or an answer of another retrieval intent
    confidence = next((c for key, c in ranking if key == chosen), 0.0)
    if not ranking:
        confidence = float((selected.get("response") or {}).get("confidence") or 0.0)
    runner_up = next((c for key, c in ranking if key != chosen), 0.0)
    return SelectedAnswer(chosen, confidence, runner_up)


def ranked_topics(parse_data: dict) -> list[tuple[str, float]]:
    """Every topic of the reading, most likely first: an intent as it is, a retrieval intent
    expanded into its answers, each weighted by the intent's confidence (P(faq) x
    P(faq/countries | faq)). ``nlu_fallback`` is not a topic."""
    retrieval = set(retrieval_intents(parse_data))
    scores: dict[str, float] = {}
    for ranked in parse_data.get("intent_ranking") or []:
        name = ranked.get("name")
        confidence = float(ranked.get("confidence") or 0.0)
        if not name or name == FALLBACK_INTENT:
            continue
        topics = (
            [(key, confidence * p) for key, p in answer_ranking(parse_data, name)]
            if name in retrieval
            else [(name, confidence)]
        )
        for key, score in topics:
            scores[key] = max(scores.get(key, 0.0), score)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
