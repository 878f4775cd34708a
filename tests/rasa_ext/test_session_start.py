"""A session started by the Rasa server has the events the custom action would have given, and
the custom action still runs where it is needed (rasa_ext/session_start.py)."""

from __future__ import annotations

import asyncio

import pytest
import rasa.core.actions.action
from rasa.core.actions.action import Action
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import rasa_ext  # noqa: F401  (installs the session start)
from actions.session import ActionSessionStart
from bot.responses import load_domain
from rasa_ext.session_start import SessionStartInRasa
from tests.conftest import rasa_domain


class Custom(Action):
    """Stands for the remote call: runs the custom action on the same conversation."""

    def __init__(self) -> None:
        self.called = False

    def name(self) -> str:
        return "action_session_start"

    async def run(self, output_channel, nlg, tracker, domain, *args, **kwargs):
        self.called = True
        return []


def tracker_with(metadata, events=()) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("conv", list(events), rasa_domain().slots)
    tracker.update(SlotSet("session_started_metadata", metadata))
    return tracker


def custom_events(tracker: DialogueStateTracker) -> list[tuple]:
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    events = asyncio.run(
        ActionSessionStart().run(CollectingDispatcher(), sdk_tracker, load_domain())
    )
    return [(e["event"], e.get("name"), e.get("value")) for e in events]


def in_rasa(tracker: DialogueStateTracker) -> tuple[list[tuple], Custom]:
    custom = Custom()
    events = asyncio.run(SessionStartInRasa(custom).run(None, None, tracker, rasa_domain()))
    as_dicts = [e.as_dict() for e in events]
    return [(e["event"], e.get("name"), e.get("value")) for e in as_dicts], custom


EARLIER_SESSION = [
    SlotSet("language", "en"),
    SlotSet("invitation_failures", 3.0),
    SlotSet("invitation_code", "ACMEFR0000000001"),
    SlotSet("code_from_link", True),
    SlotSet("email", "jean@acme.fr"),  # an answer: not kept
]


@pytest.mark.parametrize(
    ("metadata", "events"),
    [
        ({"language": "en"}, []),
        ({"language": "fr"}, EARLIER_SESSION),
        ({}, EARLIER_SESSION),
        ("not a dict", []),
        ({"language": "klingon", "invitation_code": 42}, []),
    ],
)
def test_the_rasa_server_starts_the_session_as_the_custom_action_would(metadata, events):
    tracker = tracker_with(metadata, events)

    started, custom = in_rasa(tracker)

    assert not custom.called
    assert started == custom_events(tracker)
    assert started[0][0] == "session_started" and started[-1][1] == "action_listen"


def test_an_invitation_code_from_the_page_is_left_to_the_custom_action():
    tracker = tracker_with({"language": "fr", "invitation_code": "ACME-FR00-0000-0001"})

    _, custom = in_rasa(tracker)

    assert custom.called  # it keeps the code in the registration's draft


def test_session_start_typed_in_the_chat_is_left_to_the_custom_action():
    """It answers with the greeting (Rasa would say nothing)."""
    typed = UserUttered("/session_start", {"name": "session_start", "confidence": 1.0})
    tracker = tracker_with({}, [typed, ActionExecuted("action_extract_slots")])

    _, custom = in_rasa(tracker)

    assert custom.called


def test_rasa_finds_the_session_start_in_the_rasa_server():
    # Rasa looks it up through the module, as the processor does.
    find = rasa.core.actions.action.action_for_name_or_text

    action = find("action_session_start", rasa_domain(), None)

    assert isinstance(action, SessionStartInRasa)
