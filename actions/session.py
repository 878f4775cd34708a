"""Session start (metadata from the widget: the page's language, an invitation code) and restart.

The conversation's language after that is kept by the Rasa server (rasa_ext/language_policy.py).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import database, log, remember_invitation_code
from bot.checks.invitation_codes import extract_code
from bot.checks.language import normalise_language
from bot.registration import drafts


class ActionSessionStart(Action):
    """Reads the widget's session metadata: the page language and the invitation code."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        # A new session of the same conversation (expired, restarted, typed) keeps these;
        # the page's metadata below may change them.
        events: list = [SessionStarted(), *_kept_when_starting_again(tracker)]
        metadata = tracker.get_slot("session_started_metadata")
        if not isinstance(metadata, dict):  # the REST channel passes any JSON value through
            metadata = {}
        language = normalise_language(metadata.get("language"))
        if language:
            events.append(SlotSet("language", language))
        code = metadata.get("invitation_code")
        code = extract_code(code) if isinstance(code, str) and len(code) <= 64 else None
        if code:
            events += [SlotSet("invitation_code", code), SlotSet("code_from_link", True)]
            try:
                remember_invitation_code(tracker.sender_id, code)
            except SQLAlchemyError as error:  # the code is then asked again when needed
                log.warning("invitation code not kept: database down (%s)", type(error).__name__)
        if _typed_by_the_user(tracker):
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


# What the page said (language, invitation link) and the lock on invitation checks: starting
# the conversation again must neither lose the first nor lift the second.
_KEPT_SLOTS = ("language", "invitation_failures", "invitation_locked_until")


def _kept_when_starting_again(tracker: Tracker) -> list:
    kept = [SlotSet(name, tracker.get_slot(name)) for name in _KEPT_SLOTS]
    if tracker.get_slot("code_from_link"):
        kept += [
            SlotSet("invitation_code", tracker.get_slot("invitation_code")),
            SlotSet("code_from_link", True),
        ]
    return [event for event in kept if event["value"]]  # empty values are the defaults anyway


def _typed_by_the_user(tracker: Tracker) -> bool:
    """A session starts before the first message; it follows a message only when typed.

    Between that message and this action, Rasa only extracts slots (slot events)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return ((event.get("parse_data") or {}).get("intent") or {}).get("name") == (
                "session_start"
            )
        if event.get("event") == "action" and event.get("name") != "action_extract_slots":
            return False
    return False
