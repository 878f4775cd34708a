"""action_answer_question and action_record_feedback: the answer to a question with the
product's own figures, then "did this answer help?" (never twice in a row) and its record."""

from __future__ import annotations

import dataclasses
import re

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

import actions.answers
from actions.answers import ActionAnswerQuestion, ActionRecordFeedback
from actions.handoff import ActionHandoff
from bot.checks.identifiers import supported_countries
from bot.checks.language import LANGUAGES
from bot.facts import answer_facts, countries_list
from bot.settings import get_settings
from tests.actions.helpers import (
    completed_registration,
    make_tracker,
    recorded_events,
    run,
    said,
    slot_events,
)
from tests.conftest import rasa_domain


def selector(key: str, confidence: float = 0.9) -> dict:
    """What a response selector writes when it chose ``key``."""
    return {
        "all_retrieval_intents": ["faq", "chitchat"],
        "default": {
            "response": {"intent_response_key": key, "confidence": confidence},
            "ranking": [{"intent_response_key": key, "confidence": confidence}],
        },
    }


def question(domain, key: str, language: str = "fr", pending: str | None = None, **extra):
    intent = key.split("/")[0]
    return make_tracker(
        domain,
        slots={"language": language, "feedback_topic": pending},
        text="...",
        intent=intent,
        active_loop=None,
        response_selector=extra.pop("response_selector", selector(key)),
        **extra,
    )


async def answer(domain, key: str, **options):
    return await run(ActionAnswerQuestion(), question(domain, key, **options), domain)


async def rasa_text(message: dict, language: str) -> str:
    """What Rasa's own response generator makes of an action's message (a response's name and
    the values the action passes), as the Rasa server does."""
    values = {k: v for k, v in message.items() if k != "response"}
    response = message["response"]
    domain = rasa_domain()
    tracker = DialogueStateTracker.from_events(
        "conv-1", [SlotSet("language", language)], slots=domain.slots
    )
    message = await TemplatedNaturalLanguageGenerator(domain.responses).generate(
        response, tracker, "rest", **values
    )
    return message["text"]


# --- the answer and its figures ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_countries_answer_lists_every_country_of_the_identifier_registry(
    domain, language
):
    dispatcher, _ = await answer(domain, "faq/countries", language=language)

    [answer_message, feedback] = said(dispatcher)
    assert answer_message == {
        "response": "utter_faq/countries",
        "countries": countries_list(language),
    }
    text = await rasa_text(answer_message, language)
    for scheme in supported_countries():
        assert f"{scheme.country_name(language)}" in text
        assert scheme.name(language) in text
    assert "{" not in text
    assert feedback == {"response": "utter_ask_answer_feedback"}


@pytest.mark.parametrize(
    ("key", "setting", "value", "language", "expected"),
    [
        ("faq/invitation_expired", "invitation_validity_months", 6, "fr", "**6 mois**"),
        ("faq/invitation_expired", "invitation_validity_months", 6, "en", "**6 months**"),
        ("faq/activation_link_expired", "activation_token_hours", 24, "fr", "**24 heures**"),
        ("faq/activation_link_expired", "resend_limit_per_hour", 5, "en", "at most 5 times"),
        ("faq/personal_data", "retention_days", 30, "fr", "**30 jours**"),
        ("faq/sender_address", "mail_from", "ne-pas-repondre@example.org", "en", "example.org"),
        ("faq/login", "platform_url", "https://plateforme.example", "fr", "plateforme.example"),
    ],
)
async def test_a_figure_in_an_answer_is_the_setting_not_a_copy(
    domain, monkeypatch, key, setting, value, language, expected
):
    changed = dataclasses.replace(get_settings(), **{setting: value})
    monkeypatch.setattr(actions.answers, "answer_facts", lambda lang: answer_facts(lang, changed))

    dispatcher, _ = await answer(domain, key, language=language)

    text = await rasa_text(said(dispatcher)[0], language)
    assert expected in text
    assert "{" not in text


def test_every_placeholder_of_an_answer_is_a_fact_the_action_fills(domain):
    facts = set(answer_facts("fr"))
    for name, variations in domain["responses"].items():
        if name.startswith(("utter_faq/", "utter_chitchat/")):
            for variation in variations:
                assert set(re.findall(r"{(\w+)}", variation["text"])) <= facts, name


async def test_an_answer_passes_only_the_figures_it_states(domain):
    # Rasa keeps what an action passes with a message in the bot event's metadata.
    dispatcher, _ = await answer(domain, "faq/free")

    assert said(dispatcher)[0] == {"response": "utter_faq/free"}


# --- "did this answer help?" -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_faq_answer_asks_whether_it_helped_and_records_the_answer(domain, language):
    dispatcher, events = await answer(domain, "faq/password_rules", language=language)

    assert [m["response"] for m in said(dispatcher)] == [
        "utter_faq/password_rules",
        "utter_ask_answer_feedback",
    ]
    assert recorded_events(events) == [("answered_topic", ["faq/password_rules", "feedback_asked"])]
    assert slot_events(events) == [("feedback_topic", "faq/password_rules")]


async def test_the_question_is_never_asked_twice_in_a_row(domain):
    # The previous answer's question is still pending (the supplier asked something else).
    dispatcher, events = await answer(domain, "faq/free", pending="faq/password_rules")

    assert [m["response"] for m in said(dispatcher)] == ["utter_faq/free"]
    assert recorded_events(events) == [("answered_topic", ["faq/free"])]
    assert slot_events(events) == [("feedback_topic", None)]


async def test_an_answer_that_offers_a_next_step_does_not_ask_whether_it_helped(domain):
    dispatcher, events = await answer(domain, "faq/activation_link_expired")

    assert [m["response"] for m in said(dispatcher)] == ["utter_faq/activation_link_expired"]
    assert recorded_events(events) == [("answered_topic", ["faq/activation_link_expired"])]


async def test_small_talk_is_answered_without_feedback_or_record(domain):
    dispatcher, events = await answer(domain, "chitchat/complaint", language="en")

    assert [m["response"] for m in said(dispatcher)] == ["utter_chitchat/complaint"]
    assert events == []


async def test_a_not_sure_button_gets_the_answer_it_names(domain):
    # /faq{"topic": "faq/countries"}: the payload bypasses the NLU, so no selector output.
    dispatcher, _ = await answer(
        domain,
        "faq/countries",
        response_selector={},
        entities=[{"entity": "topic", "value": "faq/countries"}],
    )

    assert said(dispatcher)[0]["response"] == "utter_faq/countries"


@pytest.mark.parametrize("named", ["faq/no_such_topic", "chitchat/thanks", "utter_greet"])
async def test_a_topic_the_browser_invents_is_not_said(domain, named):
    dispatcher, _ = await answer(domain, "faq/free", entities=[{"entity": "topic", "value": named}])

    assert said(dispatcher)[0]["response"] == "utter_faq/free"  # the selector's choice


async def test_no_answer_to_say_asks_to_rephrase(domain):
    dispatcher, events = await answer(domain, "faq/free", response_selector={})

    assert [m["response"] for m in said(dispatcher)] == ["utter_ask_rephrase"]
    assert events == []


# --- during the registration: the form's question again --------------------------------------


def during_registration(
    domain, key: str, asked: str, language: str = "fr", active_loop="registration_form", **slots
):
    before = {"country": "FR", "company_id": None, "invitation_code": None}
    return make_tracker(
        domain,
        slots={"language": language, "requested_slot": asked, **before, **slots},
        text="...",
        intent=key.split("/")[0],
        active_loop=active_loop,
        response_selector=selector(key),
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_during_the_registration_the_answer_is_followed_by_the_identifiers_question(
    domain, language
):
    # The identifier's question names the SIREN (an action asks it): the answer asks it again,
    # after the answer and its "did this help?", so that the form need not be called for it.
    tracker = during_registration(domain, "faq/what_siren", "company_id", language)
    dispatcher, events = await run(ActionAnswerQuestion(), tracker, domain)

    assert [m["response"] for m in said(dispatcher)] == [
        "utter_faq/what_siren",
        "utter_ask_answer_feedback",
        "utter_ask_company_id",
    ]
    assert said(dispatcher)[-1]["id_name"] == "SIREN"
    assert "requested_slot" not in dict(slot_events(events))


async def test_a_question_a_response_asks_is_left_to_rasa(domain):
    # The invitation code's question is a response: Rasa says it when the form comes back.
    tracker = during_registration(domain, "faq/free", "invitation_code", company_id="732829320")
    dispatcher, _ = await run(ActionAnswerQuestion(), tracker, domain)

    assert "utter_ask_invitation_code" not in [m["response"] for m in said(dispatcher)]


async def test_a_pending_question_rasa_would_not_pick_is_left_to_the_form(domain):
    # The summary's correction menu is asked only when needed: the form's validation, called
    # when the form comes back, knows what to ask; the answer asks nothing.
    answers = completed_registration(confirmed=None)
    tracker = during_registration(domain, "faq/free", "field_to_correct", **answers)
    dispatcher, _ = await run(ActionAnswerQuestion(), tracker, domain)

    assert [m["response"] for m in said(dispatcher)] == [
        "utter_faq/free",
        "utter_ask_answer_feedback",
    ]


async def test_outside_a_form_nothing_is_asked_after_the_answer(domain):
    tracker = during_registration(domain, "faq/free", "company_id", active_loop=None)
    dispatcher, _ = await run(ActionAnswerQuestion(), tracker, domain)

    assert [m["response"] for m in said(dispatcher)] == [
        "utter_faq/free",
        "utter_ask_answer_feedback",
    ]


# --- the supplier's feedback -------------------------------------------------------------------


def feedback(domain, intent: str, pending: str | None, language: str = "fr"):
    return make_tracker(
        domain,
        slots={"language": language, "feedback_topic": pending},
        text="/" + intent,
        intent=intent,
        active_loop=None,
    )


@pytest.mark.parametrize(
    ("intent", "verdict", "reply"),
    [
        ("answer_helpful", "yes", "utter_feedback_thanks"),
        ("answer_not_helpful", "no", "utter_feedback_sorry"),
        ("affirm", "yes", "utter_feedback_thanks"),  # "oui" typed right after the question
        ("deny", "no", "utter_feedback_sorry"),
    ],
)
async def test_feedback_is_recorded_with_the_topic_the_assistant_answered(
    domain, intent, verdict, reply
):
    tracker = feedback(domain, intent, pending="faq/countries")
    dispatcher, events = await run(ActionRecordFeedback(), tracker, domain)

    assert [m["response"] for m in said(dispatcher)] == [reply]
    assert recorded_events(events) == [("answer_feedback", ["faq/countries", verdict])]
    assert slot_events(events) == [("feedback_topic", None)]


@pytest.mark.parametrize(
    ("intent", "reply"),
    [
        ("answer_helpful", "utter_ok"),
        ("answer_not_helpful", "utter_feedback_sorry"),
        ("deny", "utter_at_your_service"),  # "non merci" after "Avec plaisir !"
    ],
)
async def test_feedback_without_a_pending_question_records_nothing(domain, intent, reply):
    # A second click, a replayed payload, or "oui" after an answer that asked nothing.
    dispatcher, events = await run(ActionRecordFeedback(), feedback(domain, intent, None), domain)

    assert [m["response"] for m in said(dispatcher)] == [reply]
    assert events == []


def test_the_sorry_reply_offers_the_advisor_in_both_languages(domain):
    for variation in domain["responses"]["utter_feedback_sorry"]:
        assert [b["payload"] for b in variation["buttons"]] == ["/human_handoff"]
    for variation in domain["responses"]["utter_ask_answer_feedback"]:
        assert [b["payload"] for b in variation["buttons"]] == [
            "/answer_helpful",
            "/answer_not_helpful",
        ]


# --- an answer in its context -----------------------------------------------------------------


def after_the_code(domain, check: list[str], language: str = "fr", active_loop=None):
    return make_tracker(
        domain,
        slots={"language": language, "invitation_check": check},
        text="et maintenant, je fais quoi ?",
        intent="faq",
        active_loop=active_loop,
        response_selector=selector("faq/next_step"),
    )


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "seul votre client"), ("en", "only your customer")]
)
async def test_what_next_after_an_expired_code_is_a_new_invitation_not_the_steps(
    domain, language, words
):
    """The steps start with the code the supplier was just told has expired."""
    tracker = after_the_code(domain, ["expired"], language)
    dispatcher, _ = await run(ActionAnswerQuestion(), tracker, domain)

    [first, *_] = said(dispatcher)
    assert first == {"response": "utter_invitation_expired_no_new_code"}
    assert words in await rasa_text(first, language)


@pytest.mark.parametrize(
    ("check", "active_loop"),
    [(["valid"], None), (["mismatch"], None), (["expired"], "registration_form")],
)
async def test_what_next_otherwise_is_the_steps(domain, check, active_loop):
    tracker = after_the_code(domain, check, active_loop=active_loop)
    dispatcher, _ = await run(ActionAnswerQuestion(), tracker, domain)

    assert said(dispatcher)[0] == {"response": "utter_faq/next_step"}


# --- "when will they reply?" after a ticket -----------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "language", "text"),
    [
        ("jean.dupont@gmail.com", "fr",
         "Votre demande a la référence **T-000001**. Un conseiller vous répondra par email à "
         "l'adresse indiquée, dès que possible : je ne peux pas vous donner de délai précis."),
        ("-", "en",
         "Your request has the reference **T-000001**. Without an email address an advisor "
         "cannot reply to you: write to {support} quoting this reference."),
    ],
)  # fmt: skip
async def test_asked_when_they_reply_the_conversations_ticket_is_named(
    domain, database, contact, language, text
):
    """ "Et vous répondez quand ?", "what's the ticket number again?" (fifth outside tester):
    the reference of this conversation's ticket; another conversation gets the general answer."""
    opened = make_tracker(domain, slots={"handoff_contact": contact, "language": language},
                          intent="human_handoff", active_loop=None)  # fmt: skip
    await run(ActionHandoff(), opened, domain)

    dispatcher, events = await answer(domain, "faq/ticket_followup", language=language)

    expected = text.format(support=get_settings().support_email)
    assert [await rasa_text(m, language) for m in said(dispatcher)] == [expected]
    assert ("answered_topic", ["faq/ticket_followup"]) in recorded_events(events)
    dispatcher, _ = await answer(
        domain, "faq/ticket_followup", language=language, sender_id="another-conversation"
    )
    assert next(m["response"] for m in said(dispatcher)) == "utter_faq/ticket_followup"
