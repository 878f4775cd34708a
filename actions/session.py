"""Session start (metadata from the widget: the page's language, an invitation code) and restart.

The Rasa server starts a session itself unless the page gave an invitation code
(rasa_ext/session_start.py): this action runs then, to keep the code in the registration's
draft. Both read the page and the kept slots with bot/session_start.py. The conversation's
language after that is kept by the Rasa server (rasa_ext/language_policy.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import database, log, remember_invitation_code
from bot.registration import drafts
from bot.session_start import from_the_page, kept_slots, typed_by_the_user


class ActionSessionStart(Action):
    """Reads the widget's session metadata: the page language and the invitation code."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        # A new session of the same conversation (expired, restarted, typed) keeps these;
        # the page's metadata below may change them.
        events: list = [SessionStarted(), *_kept_when_starting_again(tracker)]
        language, code = from_the_page(tracker.get_slot("session_started_metadata"))
        if language:
            events.append(SlotSet("language", language))
        if code:
            events += [SlotSet("invitation_code", code), SlotSet("code_from_link", True)]
            try:
                remember_invitation_code(tracker.sender_id, code)
            except SQLAlchemyError as error:  # the code is then asked again when needed
                log.warning("invitation code not kept: database down (%s)", type(error).__name__)
        if typed_by_the_user(_kinds_and_names(tracker.events)):
            # "/session_start" typed in the chat: Rasa starts a session and would say nothing.
            dispatcher.utter_message(response="utter_greet")
        return [*events, ActionExecuted("action_listen")]


class ActionRestart(Action):
    """Rasa's "/restart" typed in the chat: says so and forgets the conversation.

    Rasa's own restart answers nothing and forgets everything, the page's language and the
    lock on invitation checks included. This one keeps those (Rasa then starts a session, which
    keeps them too), and forgets the password."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_restart")
        try:
            with database() as session:
                drafts.forget_password(session, tracker.sender_id)
        except SQLAlchemyError as error:  # the restart itself must not fail
            log.warning(
                "password not forgotten at restart: database down (%s)", type(error).__name__
            )
        return [Restarted(), *_kept_when_starting_again(tracker)]


def _kept_when_starting_again(tracker: Tracker) -> list:
    return [SlotSet(name, value) for name, value in kept_slots(tracker.get_slot).items()]


def _kinds_and_names(events: list[dict]) -> Iterator[tuple[str, str | None]]:
    """The events latest first, as bot/session_start.py reads them (lazily)."""
    for event in reversed(events):
        if event.get("event") == "user":
            yield "user", ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        else:
            yield event.get("event"), event.get("name")
