"""Session start (metadata from the widget) and the conversation's language."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import CONFIDENT, latest_intent, log, remember_invitation_code
from bot.invitations import extract_code
from bot.language import LANGUAGES, detect_language, normalise_language


class ActionSessionStart(Action):
    """Reads the widget's session metadata: the page language and the invitation code."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        events: list = [SessionStarted()]
        metadata = tracker.get_slot("session_started_metadata")
        if not isinstance(metadata, dict):  # the REST channel passes any JSON value through
            metadata = {}
        language = normalise_language(metadata.get("language"))
        if language:
            events += [SlotSet("language", language), SlotSet("language_locked", True)]
        code = metadata.get("invitation_code")
        code = extract_code(code) if isinstance(code, str) and len(code) <= 64 else None
        if code:
            events += [SlotSet("invitation_code", code), SlotSet("code_from_link", True)]
            try:
                remember_invitation_code(tracker.sender_id, code)
            except SQLAlchemyError as error:  # the code is then asked again when needed
                log.warning("invitation code not kept: database down (%s)", type(error).__name__)
        return [*events, ActionExecuted("action_listen")]


class ActionSetLanguage(Action):
    """Custom slot mapping run on every user message: explicit switch, else detection.

    The page language (session metadata) or an explicit request wins; otherwise the first
    message that clearly is French or English decides, and later messages ("OK", a name) do
    not flip it.
    """

    def name(self) -> str:
        return "action_set_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        intent, confidence = latest_intent(tracker)
        answering_password = tracker.get_slot("requested_slot") == "password"
        if answering_password and confidence < CONFIDENT:
            return []  # the same threshold extract_password uses: this is a password
        if intent == "change_language":
            wanted = next(
                (
                    normalise_language(e.get("value"))
                    for e in tracker.latest_message.get("entities", [])
                    if e.get("entity") == "language"
                ),
                None,
            )
            if wanted is None:  # "another language please": the other one
                current = tracker.get_slot("language") or "fr"
                wanted = next(lang for lang in LANGUAGES if lang != current)
            return [SlotSet("language", wanted), SlotSet("language_locked", True)]
        if tracker.get_slot("language_locked") or answering_password:
            return []
        detected = detect_language(tracker.latest_message.get("text") or "")
        if detected:
            return [SlotSet("language", detected), SlotSet("language_locked", True)]
        return []
