"""action_default_ask_affirmation: "not sure", the closest topics as buttons, the advisor."""

from __future__ import annotations

import json

import pytest
import yaml

from actions.fallback import ActionDefaultAskAffirmation, offered_topics
from tests.actions.helpers import ROOT, make_tracker, run


def selector(*ranked: tuple[str, float]) -> dict:
    """A response selector's output (one selector for faq and chitchat): ``ranked`` answers,
    the first one chosen."""
    key, confidence = ranked[0]
    return {
        "all_retrieval_intents": ["faq", "chitchat"],
        "default": {
            "response": {"intent_response_key": key, "confidence": confidence},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranked],
        },
    }


async def not_sure(domain, ranking, response_selector=None, language="fr"):
    tracker = make_tracker(
        domain,
        slots={"language": language},
        text="euh le truc",
        intent="nlu_fallback",
        confidence=0.7,
        active_loop=None,
        intent_ranking=[{"name": name, "confidence": conf} for name, conf in ranking],
        response_selector=response_selector or {"all_retrieval_intents": ["faq", "chitchat"]},
    )
    dispatcher, events = await run(ActionDefaultAskAffirmation(), tracker, domain)
    assert events == []
    [message] = dispatcher.messages
    return message


def faq_button(title: str, key: str) -> dict:
    return {"title": title, "payload": "/faq" + json.dumps({"topic": key}, separators=(",", ":"))}


QUESTION_RANKING = [("nlu_fallback", 0.7), ("faq", 0.62), ("start_registration", 0.15)]
SELECTOR = selector(("faq/countries", 0.5), ("faq/where_company_id", 0.3), ("faq/free", 0.15))


@pytest.mark.parametrize(
    ("language", "intro", "titles"),
    [
        (
            "fr",
            "Je ne suis pas sûr de bien comprendre. Votre question porte-t-elle sur l'un de ces "
            "sujets ?",
            [
                "Quels pays sont acceptés ?",
                "Où trouver l'identifiant de ma société ?",
                "Créer mon compte",
                "Parler à un conseiller",
                "Autre chose",
            ],
        ),
        (
            "en",
            "I am not sure I understand. Is your question about one of these topics?",
            [
                "Which countries are accepted?",
                "Where do I find my company identifier?",
                "Create my account",
                "Talk to an advisor",
                "Something else",
            ],
        ),
    ],
)
async def test_three_closest_topics_then_the_advisor_and_something_else(
    domain, language, intro, titles
):
    message = await not_sure(domain, QUESTION_RANKING, SELECTOR, language=language)

    assert message["text"] == intro
    assert [b["title"] for b in message["buttons"]] == titles
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == [
        '/faq{"topic":"faq/countries"}',
        '/faq{"topic":"faq/where_company_id"}',
        "/start_registration",
        "/human_handoff",
        "/out_of_scope",  # Rasa's two-stage fallback reads it as "none of these": rephrase
    ]


def test_topics_are_ranked_by_intent_times_answer_confidence():
    reading = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.7},
            {"name": "faq", "confidence": 0.5},
            {"name": "resend_activation", "confidence": 0.3},
            {"name": "chitchat", "confidence": 0.2},
        ],
        "response_selector": selector(
            ("faq/activation_link_expired", 0.5),  # 0.25
            ("chitchat/complaint", 0.9),  # 0.18 (chitchat 0.2 x 0.9)
            ("faq/sender_address", 0.1),  # 0.05
        ),
    }

    assert offered_topics(reading) == [
        "resend_activation",
        "faq/activation_link_expired",
        "chitchat/complaint",
    ]


async def test_a_topic_without_a_label_and_the_advisor_are_not_repeated(domain):
    message = await not_sure(
        domain,
        [("nlu_fallback", 0.7), ("human_handoff", 0.4), ("chitchat", 0.3), ("faq", 0.2)],
        selector(("chitchat/thanks", 0.9), ("faq/free", 0.05)),  # thanks has no label
        language="en",
    )

    assert message["buttons"] == [
        faq_button("Is registration free?", "faq/free"),
        {"title": "Talk to an advisor", "payload": "/human_handoff"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]


async def test_stop_the_registration_is_never_offered_there_is_none_to_stop(domain):
    message = await not_sure(
        domain,
        [("nlu_fallback", 0.7), ("cancel", 0.5), ("activation_email_missing", 0.4)],
        selector(("faq/countries", 0.01)),
    )

    assert [b["payload"] for b in message["buttons"]] == [
        "/activation_email_missing",
        "/human_handoff",
        "/out_of_scope",
    ]


async def test_far_less_likely_topics_are_not_offered(domain):
    message = await not_sure(
        domain,
        [("nlu_fallback", 0.7), ("faq", 0.9), ("cancel", 0.01)],
        selector(("faq/countries", 0.6)),
    )

    assert [b["payload"] for b in message["buttons"]] == [
        '/faq{"topic":"faq/countries"}',
        "/human_handoff",
        "/out_of_scope",
    ]


# --- the response selector of config.yml ------------------------------------------------------
# rasa_ext/response_selector.py reports each retrieval intent's answer under the intent's name,
# as the tests above write it (bot/understanding.py still reads Rasa's "default" selector).


def test_config_selects_the_answer_under_each_retrieval_intents_name():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]

    assert names.count("rasa_ext.response_selector.IntentResponseSelector") == 1
    assert "ResponseSelector" not in names


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Je ne suis pas sûr de bien comprendre. Pouvez-vous reformuler"),
        ("en", "I am not sure I understand. Could you rephrase"),
    ],
)
async def test_without_any_topic_it_asks_to_rephrase_and_offers_the_advisor(domain, language, text):
    message = await not_sure(domain, [("nlu_fallback", 0.7), ("affirm", 0.2)], language=language)

    assert message["text"].startswith(text)
    assert [b["payload"] for b in message["buttons"]] == ["/human_handoff", "/out_of_scope"]
