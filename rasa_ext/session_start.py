"""Most sessions start in the Rasa server, without a call to the action server.

``action_session_start`` is a custom action (actions/session.py): it reads the page's metadata
(its language, the invitation link's code) and keeps a few slots of an earlier session. Called
remotely, it made every conversation's first message one action-server call more (issue 17:
"one round trip per message at most"). Its reading is plain (bot/session_start.py), so the Rasa
server does it itself, with the same events, except where the action server is needed: an
invitation code from the page (kept in the registration's draft, in the product's database)
and "/session_start" typed in the chat (answered with the greeting). Those go to the custom
action as before.

Installed on import of ``rasa_ext`` (as rasa_ext/speedups.py): Rasa finds an action by its name
in ``rasa.core.actions.action.action_for_name_or_text``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import rasa.core.actions.action
from rasa.core.actions.action import Action
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    SESSION_START_METADATA_SLOT,
)
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered

from bot.session_start import from_the_page, kept_slots, typed_by_the_user

_RASA_ACTION_FOR_NAME = rasa.core.actions.action.action_for_name_or_text


def _kinds_and_names(tracker: Any) -> Iterator[tuple[str, str | None]]:
    """The events latest first, as bot/session_start.py reads them (lazily: it stops at the
    latest message or action, not at the conversation's start)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            yield "user", event.intent_name
        elif isinstance(event, ActionExecuted):
            yield "action", event.action_name


class SessionStartInRasa(Action):
    """The custom session start's events, made here; the custom action when it is needed."""

    def __init__(self, custom: Action) -> None:
        self._custom = custom

    def name(self) -> str:
        return ACTION_SESSION_START_NAME

    async def run(self, output_channel, nlg, tracker, domain, *args: Any, **kwargs: Any):
        language, code = from_the_page(tracker.get_slot(SESSION_START_METADATA_SLOT))
        if code or typed_by_the_user(_kinds_and_names(tracker)):
            return await self._custom.run(output_channel, nlg, tracker, domain, *args, **kwargs)
        events: list[Event] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in kept_slots(tracker.get_slot).items()]
        if language:
            events.append(SlotSet("language", language))
        return [*events, ActionExecuted(ACTION_LISTEN_NAME)]


def action_for_name_or_text(action_name_or_text: str, domain: Any, action_endpoint: Any) -> Action:
    action = _RASA_ACTION_FOR_NAME(action_name_or_text, domain, action_endpoint)
    if action_name_or_text == ACTION_SESSION_START_NAME and action_name_or_text in (
        domain.user_actions
    ):
        return SessionStartInRasa(action)
    return action


def install() -> None:
    rasa.core.actions.action.action_for_name_or_text = action_for_name_or_text
