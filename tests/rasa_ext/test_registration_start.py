"""The registration started by the Rasa server has the events the custom action would have given
(rasa_ext/registration_start.py): the same responses, worded the same, the same slots."""

from __future__ import annotations

import asyncio

import pytest
import rasa.core.actions.action
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import rasa_ext  # noqa: F401  (installs the registration start)
from actions.registration import ActionStartRegistration
from bot.responses import load_domain
from rasa_ext.registration_start import RegistrationStartInRasa
from tests.conftest import rasa_domain


def tracker_with(text: str, intent: str, slots: dict) -> DialogueStateTracker:
    events = [SlotSet(name, value) for name, value in slots.items()]
    events.append(UserUttered(text, {"name": intent, "confidence": 0.99}))
    return DialogueStateTracker.from_events("conv", events, rasa_domain().slots)


def as_dicts(events) -> list[dict]:
    found = []
    for event in events:
        data = event.as_dict()
        data.pop("timestamp", None)
        found.append(data)
    return found


def by_the_custom_action(tracker: DialogueStateTracker) -> list[dict]:
    """What the Rasa server makes of the custom action's answer (as RemoteAction.run)."""
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ActionStartRegistration().run(dispatcher, sdk_tracker, load_domain()))
    nlg = TemplatedNaturalLanguageGenerator(rasa_domain().responses)
    uttered = asyncio.run(
        RemoteAction._utter_responses(dispatcher.messages, CollectingOutputChannel(), nlg, tracker)
    )
    return as_dicts([*uttered, *(Event.from_parameters(e) for e in returned)])


def in_rasa(tracker: DialogueStateTracker) -> list[dict]:
    nlg = TemplatedNaturalLanguageGenerator(rasa_domain().responses)
    action = RegistrationStartInRasa()
    return as_dicts(asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, rasa_domain())))


@pytest.mark.parametrize(
    ("text", "intent", "slots", "says"),
    [
        ("je veux m'inscrire", "start_registration", {}, "utter_start_registration"),
        ("I want to register", "start_registration", {"language": "en"},
         "utter_start_registration"),
        # an invitation link's code is kept, and said
        ("je veux m'inscrire", "start_registration",
         {"code_from_link": True, "invitation_code": "ACMEFR0000000001", "email": "a@b.fr"},
         "utter_code_from_link"),
        # begun in an earlier conversation: its answers are gone, said
        ("Bonjour, je reviens pour finir mon inscription commencée hier", "start_registration",
         {}, "utter_start_registration_again"),
        ("I'm back to finish my registration", "start_registration", {"language": "en"},
         "utter_start_registration_again"),
        ("je veux reprendre mon inscription", "start_registration", {"email": "a@b.fr"},
         "utter_start_registration"),
        ("non", "deny", {"registration_offer": "start"}, "utter_not_starting"),
        ("I registered last week with jean@acme.fr", "start_registration", {"language": "en"},
         "utter_account_may_exist"),
        ("jean@acme-industrie.fr", "inform", {}, "utter_address_what_for"),
        ("Dupont", "inform", {}, "utter_answer_without_question"),
        ("je veux m'inscrire", "start_registration", {"registered_email": "jean@acme.fr"},
         "utter_registration_exists"),
        ("oui", "affirm", {"registered_email": "jean@acme.fr", "registration_offer": "another"},
         "utter_start_registration"),
        # the next company's identifier and code: it is registered (they were lost)
        ("maintenant le client suivant : SIREN 732 829 320 code ACME-FR00-0000-0001",
         "inform", {"registered_email": "jean@acme.fr"}, "utter_start_registration"),
        # the address of the account just created, corrected: the address change, no response
        ("je me suis trompée d'adresse, c'est marie@acme-industrie.fr", "start_registration",
         {"registered_email": "marie@acme.fr"}, None),
    ],
)  # fmt: skip
def test_the_rasa_server_starts_the_registration_as_the_custom_action_would(
    text, intent, slots, says
):
    tracker = tracker_with(text, intent, slots)

    started = in_rasa(tracker)

    assert started == by_the_custom_action(tracker)
    uttered = [e["metadata"].get("utter_action") for e in started if e["event"] == "bot"]
    assert uttered[-1:] == ([says] if says else [])


def test_a_fresh_start_forgets_the_answers_but_not_the_link_s_code():
    slots = {"code_from_link": True, "invitation_code": "ACMEFR0000000001", "email": "a@b.fr"}

    started = in_rasa(tracker_with("je veux m'inscrire", "start_registration", slots))

    forgotten = {e["name"] for e in started if e["event"] == "slot" and e["value"] is None}
    assert "email" in forgotten and "invitation_code" not in forgotten
    assert {"event": "slot", "name": "registration_starting", "value": True} in started


def test_rasa_finds_the_registration_start_in_the_rasa_server():
    find = rasa.core.actions.action.action_for_name_or_text

    assert isinstance(
        find("action_start_registration", rasa_domain(), None), RegistrationStartInRasa
    )
    assert find("action_session_start", rasa_domain(), None).name() == "action_session_start"
