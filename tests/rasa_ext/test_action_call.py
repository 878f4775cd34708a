"""What Rasa sends the action server: the current turn and a few events before it, whatever the
length of the conversation (every action test also runs on it: tests/actions/helpers.py)."""

from __future__ import annotations

import json

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import rasa_ext  # noqa: F401 - installs the trimmed call, as the Rasa server does
from rasa_ext import action_call
from tests.conftest import rasa_domain

ACTION = RemoteAction("validate_registration_form", EndpointConfig("http://127.0.0.1:1/webhook"))
RANKING = [{"name": f"faq/topic_{i}", "confidence": 0.01} for i in range(40)]


@pytest.fixture(scope="module")
def domain():
    return rasa_domain()


def message(text: str, intent: str = "faq") -> UserUttered:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.97},
        "entities": [],
        "intent_ranking": RANKING,
        "response_selector": {"default": {"ranking": RANKING}},
    }
    return UserUttered(text, parse_data["intent"], [], parse_data)


def conversation(domain, questions: int) -> DialogueStateTracker:
    """A session start, ``questions`` answered questions, then an answer to the form."""
    events = [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", "fr")]
    for i in range(questions):
        events += [
            ActionExecuted("action_listen"),
            message(f"question {i}"),
            ActionExecuted("utter_faq"),
            BotUttered(f"réponse {i}"),
        ]
    events += [
        ActionExecuted("action_listen"),
        message("Dupont", "inform"),
        SlotSet("last_name", "Dupont"),
        SlotSet("requested_slot", "last_name"),
        ActionExecuted("registration_form"),
        SlotSet("last_name", "Dupont"),
    ]
    return DialogueStateTracker.from_events("conv", events, domain.slots)


def test_importing_rasa_ext_installs_the_trimmed_call():
    assert RemoteAction._action_call_format is action_call.action_call


def test_the_call_does_not_grow_with_the_conversation(domain):
    short = ACTION._action_call_format(conversation(domain, 5), domain)
    long = ACTION._action_call_format(conversation(domain, 50), domain)
    assert len(long["tracker"]["events"]) == len(short["tracker"]["events"])
    assert len(json.dumps(long)) <= len(json.dumps(short)) + 100  # longer numbers only
    # Rasa's own call carries every event and every response.
    rasas = action_call._RASA_CALL_FORMAT(ACTION, conversation(domain, 50), domain)
    assert len(json.dumps(long)) * 5 < len(json.dumps(rasas))


def test_the_current_turn_is_sent_whole_and_earlier_messages_without_rankings(domain):
    tracker = conversation(domain, 50)
    sent = ACTION._action_call_format(tracker, domain)["tracker"]
    events = sent["events"]
    users = [e for e in events if e["event"] == "user"]
    assert users[-1] == tracker.latest_message.as_dict()  # the answer, with its NLU output
    assert sent["latest_message"]["intent_ranking"] == RANKING
    for earlier in users[:-1]:
        assert set(earlier["parse_data"]) == {"intent", "entities"}
        assert earlier["text"].startswith("question")
    # Everything since the answer, in order: rasa_sdk's slots_to_validate reads the tail.
    latest = max(i for i, e in enumerate(events) if e["event"] == "user")
    assert [e["event"] for e in events[latest:]] == ["user", "slot", "slot", "action", "slot"]
    assert latest == action_call.EARLIER_EVENTS
    # The state is Rasa's, whole.
    assert sent["slots"]["language"] == "fr" and sent["slots"]["last_name"] == "Dupont"
    assert sent["latest_action_name"] == "registration_form"


def test_nothing_before_a_restart_is_sent(domain):
    tracker = conversation(domain, 2)
    tracker.update(Restarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(message("bonjour", "greet"))
    events = ACTION._action_call_format(tracker, domain)["tracker"]["events"]
    assert [e["event"] for e in events] == ["restart", "action", "user"]


def test_the_domain_is_sent_without_its_responses(domain):
    sent = ACTION._action_call_format(conversation(domain, 1), domain)["domain"]
    assert "responses" not in sent
    # What rasa_sdk's form validation reads.
    assert sent["forms"]["registration_form"]["required_slots"][0] == "country"
    assert "language" in sent["slots"]
    assert domain.as_dict()["responses"]  # the model's domain keeps them


@pytest.mark.parametrize(
    ("type_names", "sent"),
    [
        ([], 0),
        (["action", "slot"], 2),  # no user message yet: everything
        (["slot"] * 3 + ["user"] + ["action"] * 40, 3 + 1 + action_call.EARLIER_EVENTS),
        (["slot", "restart", "user", "action"], 2),
        (["bot"] * 500, action_call.MAX_EVENTS),
    ],
)
def test_how_many_events_are_sent(type_names, sent):
    assert action_call.events_to_send(type_names) == sent
