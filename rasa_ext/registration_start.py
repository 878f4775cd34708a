"""The registration starts in the Rasa server, without a call to the action server.

``action_start_registration`` is a custom action (actions/registration.py) whose decision needs
the message, its intent and the conversation's slots only (bot/registration_start.py: no
database). Called remotely, it made the registration's first message two calls to the action
server, the start and the form's first validation (issue 17: "one round trip per message at
most"); every conversation that registers starts with it. The Rasa server now makes the same
decision and the same events itself: the responses are generated as Rasa generates those a
custom action sends (``RemoteAction._utter_responses``, on the messages rasa_sdk's own
dispatcher makes), so the conversation log is the same either way
(tests/rasa_ext/test_registration_start.py compares them).

Installed on import of ``rasa_ext`` (as rasa_ext/session_start.py): Rasa finds an action by its
name in ``rasa.core.actions.action.action_for_name_or_text``.
"""

from __future__ import annotations

from typing import Any

import rasa.core.actions.action
from rasa.core.actions.action import Action, RemoteAction
from rasa.shared.core.events import Event, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.registration_start import registration_start

NAME = "action_start_registration"


class RegistrationStartInRasa(Action):
    """``action_start_registration``'s decision and events, made in the Rasa server."""

    def name(self) -> str:
        return NAME

    async def run(self, output_channel, nlg, tracker, domain, *args: Any, **kwargs: Any):
        message = tracker.latest_message
        intent = (message.intent or {}).get("name") if message else None
        start = registration_start(
            intent, (message.text if message else None) or "", tracker.get_slot
        )
        # What the custom action sends, made by rasa_sdk's own dispatcher, then generated as
        # Rasa generates a remote action's responses.
        dispatcher = CollectingDispatcher()
        for name, arguments in start.responses:
            dispatcher.utter_message(response=name, **arguments)
        sent = dispatcher.messages
        events: list[Event] = [
            *await RemoteAction._utter_responses(sent, output_channel, nlg, tracker),
            *(SlotSet(name, value) for name, value in start.slots),
        ]
        if start.followup:
            events.append(FollowupAction(start.followup))
        return events


_RASA_ACTION_FOR_NAME = rasa.core.actions.action.action_for_name_or_text


def action_for_name_or_text(action_name_or_text: str, domain: Any, action_endpoint: Any) -> Action:
    if action_name_or_text == NAME and NAME in domain.user_actions:
        return RegistrationStartInRasa()
    return _RASA_ACTION_FOR_NAME(action_name_or_text, domain, action_endpoint)


def install() -> None:
    global _RASA_ACTION_FOR_NAME
    if rasa.core.actions.action.action_for_name_or_text is not action_for_name_or_text:
        # After the session start's: this one hands every other name to it.
        _RASA_ACTION_FOR_NAME = rasa.core.actions.action.action_for_name_or_text
        rasa.core.actions.action.action_for_name_or_text = action_for_name_or_text
