"""action_default_ask_affirmation: "did you mean ...?" with readable choices."""

from __future__ import annotations

import pytest
import yaml

from actions.fallback import ActionDefaultAskAffirmation
from tests.actions.helpers import ROOT, make_tracker, run


def selector(key: str, *others: str) -> dict:
    """The response selector's output, as Rasa 3.6 writes it: ``key`` won, ``others`` follow."""
    return {
        "response": {
            "responses": [{"text": "..."}],
            "confidence": 0.9,
            "intent_response_key": key,
            "utter_action": "utter_" + key,
        },
        "ranking": [
            {"confidence": 0.9, "intent_response_key": key},
            *({"confidence": 0.05, "intent_response_key": other} for other in others),
        ],
    }


async def ask_affirmation(domain, ranking, response_selector=None, language="fr"):
    ranked = [{"name": name, "confidence": conf} for name, conf in ranking]
    tracker = make_tracker(
        domain,
        slots={"language": language},
        text="euh le truc",
        intent="nlu_fallback",
        confidence=0.5,
        active_loop=None,
        intent_ranking=ranked,
        response_selector={
            "all_retrieval_intents": ["faq", "chitchat"],
            **(response_selector or {}),
        },
    )
    dispatcher, events = await run(ActionDefaultAskAffirmation(), tracker, domain)
    assert events == []
    [message] = dispatcher.messages
    return message


RANKING = [
    ("nlu_fallback", 0.5),
    ("faq", 0.42),
    ("affirm", 0.2),
    ("human_handoff", 0.18),
    ("start_registration", 0.1),
]


@pytest.mark.parametrize(
    ("language", "intro", "buttons"),
    [
        (
            "fr",
            "Vouliez-vous dire :",
            [
                {"title": "Qu'est-ce qu'un SIREN ?", "payload": "Qu'est-ce qu'un SIREN ?"},
                {"title": "Parler à un conseiller", "payload": "/human_handoff"},
                {"title": "Autre chose", "payload": "/deny"},
            ],
        ),
        (
            "en",
            "Did you mean:",
            [
                {"title": "What is a SIREN?", "payload": "What is a SIREN?"},
                {"title": "Talk to an advisor", "payload": "/human_handoff"},
                {"title": "Something else", "payload": "/deny"},
            ],
        ),
    ],
)
async def test_two_readable_suggestions_and_something_else(domain, language, intro, buttons):
    message = await ask_affirmation(
        domain, RANKING, {"faq": selector("faq/what_siren")}, language=language
    )

    assert message["text"] == intro
    assert message["buttons"] == buttons


async def test_action_intents_are_sent_as_intents(domain):
    message = await ask_affirmation(
        domain,
        [
            ("nlu_fallback", 0.5),
            ("resend_activation", 0.3),
            ("correct_field", 0.2),
            ("cancel", 0.1),
        ],
    )

    assert message["buttons"] == [
        {"title": "Renvoyer l'email d'activation", "payload": "/resend_activation"},
        {"title": "Corriger une information", "payload": "/correct_field"},
        {"title": "Autre chose", "payload": "/deny"},
    ]


async def test_chitchat_suggestion_uses_its_sub_intent(domain):
    message = await ask_affirmation(
        domain,
        [("chitchat", 0.4), ("faq", 0.3)],
        {
            "chitchat": selector("chitchat/what_can_you_do"),
            "faq": selector("faq/password_rules"),
        },
        language="en",
    )

    assert message["buttons"] == [
        {"title": "What can you do?", "payload": "What can you do?"},
        {"title": "What are the password rules?", "payload": "What are the password rules?"},
        {"title": "Something else", "payload": "/deny"},
    ]


async def test_candidates_without_a_label_are_skipped(domain):
    message = await ask_affirmation(
        domain,
        [("faq", 0.4), ("chitchat", 0.3), ("greet", 0.2), ("inform", 0.1)],
        {"chitchat": selector("chitchat/thanks")},  # no faq answer selected, no label for thanks
    )

    assert message["buttons"] == [{"title": "Autre chose", "payload": "/deny"}]


async def test_without_ranking_only_something_else_is_offered(domain):
    message = await ask_affirmation(domain, [], language="en")

    assert message["text"] == "Did you mean:"
    assert message["buttons"] == [{"title": "Something else", "payload": "/deny"}]


# --- the response selector of config.yml ------------------------------------------------------
# rasa_ext/response_selector.py reports each retrieval intent's answer under the intent's name
# (the tests above); Rasa's own ResponseSelector without `retrieval_intent` reports under
# "default" (the tests below), which the action still reads.


def test_config_selects_the_answer_under_each_retrieval_intents_name():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]

    assert names.count("rasa_ext.response_selector.IntentResponseSelector") == 1
    assert "ResponseSelector" not in names


@pytest.mark.parametrize(
    ("language", "buttons"),
    [
        (
            "fr",
            [
                {"title": "Qu'est-ce qu'un SIREN ?", "payload": "Qu'est-ce qu'un SIREN ?"},
                {"title": "Parler à un conseiller", "payload": "/human_handoff"},
                {"title": "Autre chose", "payload": "/deny"},
            ],
        ),
        (
            "en",
            [
                {"title": "What is a SIREN?", "payload": "What is a SIREN?"},
                {"title": "Talk to an advisor", "payload": "/human_handoff"},
                {"title": "Something else", "payload": "/deny"},
            ],
        ),
    ],
)
async def test_the_default_selector_resolves_a_retrieval_intent(domain, language, buttons):
    message = await ask_affirmation(
        domain,
        RANKING,
        {"default": selector("faq/what_siren", "chitchat/thanks")},
        language=language,
    )

    assert message["buttons"] == buttons


async def test_the_default_selector_resolves_chitchat_too(domain):
    message = await ask_affirmation(
        domain,
        [("nlu_fallback", 0.5), ("chitchat", 0.4), ("affirm", 0.1)],
        {"default": selector("chitchat/what_can_you_do")},
        language="en",
    )

    assert message["buttons"] == [
        {"title": "What can you do?", "payload": "What can you do?"},
        {"title": "Something else", "payload": "/deny"},
    ]


async def test_a_selector_named_after_the_intent_comes_before_default(domain):
    message = await ask_affirmation(
        domain,
        [("faq", 0.4)],
        {"faq": selector("faq/what_siren"), "default": selector("faq/password_rules")},
        language="en",
    )

    assert message["buttons"] == [
        {"title": "What is a SIREN?", "payload": "What is a SIREN?"},
        {"title": "Something else", "payload": "/deny"},
    ]


async def test_default_selector_without_a_response_suggests_nothing_for_the_intent(domain):
    message = await ask_affirmation(
        domain, [("faq", 0.4), ("human_handoff", 0.3)], {"default": {"ranking": []}}
    )

    assert message["buttons"] == [
        {"title": "Parler à un conseiller", "payload": "/human_handoff"},
        {"title": "Autre chose", "payload": "/deny"},
    ]


async def test_two_retrieval_intents_with_one_selector_give_distinct_suggestions(domain):
    message = await ask_affirmation(
        domain,
        [("nlu_fallback", 0.5), ("chitchat", 0.4), ("faq", 0.3)],
        {"default": selector("chitchat/what_can_you_do", "faq/password_rules")},
        language="en",
    )

    titles = [b["title"] for b in message["buttons"]]
    assert len(titles) == len(set(titles)), titles
