"""Reading the NLU's output (bot/understanding.py) as any response selector fills it."""

from __future__ import annotations

from bot.understanding import SelectedAnswer, ranked_topics, selected_answer


def reading(intent: str, answers: list[tuple[str, float]], under: str = "default") -> dict:
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [
            {"name": intent, "confidence": 0.9},
            {"name": "greet", "confidence": 0.1},
        ],
        "response_selector": {
            "all_retrieval_intents": ["faq", "chitchat"],
            under: {
                "response": {"intent_response_key": answers[0][0], "confidence": answers[0][1]},
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in answers],
            },
        },
    }


def test_the_chosen_answer_and_its_runner_up_of_the_same_intent():
    data = reading("faq", [("faq/free", 0.6), ("chitchat/thanks", 0.3), ("faq/terms", 0.1)])

    assert selected_answer(data) == SelectedAnswer("faq/free", 0.6, 0.1)


def test_a_selector_per_retrieval_intent_is_read_too():
    data = reading("faq", [("faq/free", 0.8)], under="faq")

    assert selected_answer(data) == SelectedAnswer("faq/free", 0.8, 0.0)


def test_no_answer_when_the_selector_chose_another_intents_answer_or_nothing():
    assert selected_answer(reading("faq", [("chitchat/thanks", 0.9)])) is None
    assert selected_answer({"intent": {"name": "faq", "confidence": 1.0}}) is None


def test_topics_weigh_each_answer_by_its_intent():
    data = reading("faq", [("faq/free", 0.5), ("faq/terms", 0.5)])

    assert ranked_topics(data) == [("faq/free", 0.45), ("faq/terms", 0.45), ("greet", 0.1)]
