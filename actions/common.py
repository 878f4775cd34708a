"""What every action needs: the conversation's language, its database session, safe failures."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import responses
from bot.analytics.recorded import INVITATION_CHECK, REGISTRATION_STEPS, steps_with
from bot.checks.email_addresses import lookalike_of, our_link
from bot.checks.language import DEFAULT_LANGUAGE
from bot.checks.sentences import asks_if_ours
from bot.db import session_scope
from bot.facts import answer_facts, our_domains
from bot.privacy.redaction import is_masked_code
from bot.registration import drafts
from bot.registration.invitations import InvitationStatus
from bot.registration_start import REGISTRATION_SLOTS, forgotten_slots

log = logging.getLogger(__name__)

MAX_INVITATION_FAILURES = 5
PASSWORD_SET = "[enregistré]"  # noqa: S105 - the password slot's value once the hash is stored server-side


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def after_an_expired_code(tracker: Tracker) -> bool:
    """This conversation's latest invitation check found the code expired (nothing was
    created): "can you send me a new one?", "what now?" are about a new invitation."""
    return InvitationStatus.EXPIRED.value in (tracker.get_slot(INVITATION_CHECK) or [])


def reached(tracker: Tracker, *steps: str) -> dict[str, list[str]]:
    """The slot that records ``steps`` as reached (bot/analytics/recorded.py), if any is new.

    Empty when every step was already recorded: a re-validated answer records nothing.
    """
    recorded = steps_with(tracker.get_slot(REGISTRATION_STEPS), *steps)
    return {REGISTRATION_STEPS: recorded} if recorded else {}


def response_text(domain: dict, name: str, language: str) -> str:
    """The text of response ``name`` in ``language``, for phrases an action assembles."""
    return responses.response_text(domain.get("responses", {}), name, language)


@contextmanager
def database() -> Iterator[Session]:
    with session_scope() as session:
        yield session


def invitation_code(
    tracker: Tracker, value: Any = None, session: Session | None = None
) -> str | None:
    """The conversation's invitation code, in full.

    The tracker store keeps only its first symbols ("ACME…", bot/privacy/redaction.py): from
    the next turn on, the slot holds that mask and the full code is read from the registration draft
    (in ``session`` when one is open: SQLite writers do not wait for each other's reads).
    """
    value = tracker.get_slot("invitation_code") if value is None else value
    if not (isinstance(value, str) and is_masked_code(value)):
        return value
    if session is not None:
        return drafts.invitation_code_for(session, tracker.sender_id)
    with database() as own_session:
        return drafts.invitation_code_for(own_session, tracker.sender_id)


def remember_invitation_code(conversation_id: str, code: str) -> None:
    """Keep the full code server-side: the tracker store masks it in the slot."""
    with database() as session:
        drafts.save_invitation_code(session, conversation_id, code)


def reset_registration(keep_link_code: bool = True, tracker: Tracker | None = None) -> list:
    """Events that forget the registration's answers (the invitation link's code may stay)."""
    if tracker is None:
        return [SlotSet(slot, None) for slot in REGISTRATION_SLOTS]
    forgotten = forgotten_slots(tracker.get_slot, keep_link_code=keep_link_code)
    return [SlotSet(slot, None) for slot in forgotten]


def polite_failure(
    run: Callable[..., Awaitable[list]],
) -> Callable[..., Awaitable[list]]:
    """A database outage becomes "try again in a moment", never a stack trace or silence."""

    @functools.wraps(run)
    async def wrapper(self: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict):
        try:
            return await run(self, dispatcher, tracker, domain)
        except SQLAlchemyError as error:
            log.warning("%s: database unavailable (%s)", self.name(), type(error).__name__)
            dispatcher.utter_message(response="utter_try_again_later")
            return []

    return wrapper


def confirmed_our_link(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """ "Le lien dans le mail pointe vers https://<our site>/?invitation=..., c'est bien chez
    vous ?": a plain yes, as plain as the "no" to a look-alike (it got "not sure"). Only for a
    link, never for a sender's address, which anyone can forge. True when it was said."""
    text = tracker.latest_message.get("text") or ""
    if not asks_if_ours(text):
        return False
    host = our_link(text, our_domains())
    if host is None:
        return False
    dispatcher.utter_message(response="utter_our_link", host=host)
    return True


def warned_of_a_lookalike(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """ "Le mail venait de noreply@sis-id.com-securite.ru, c'est normal ?": a plain "no, not
    ours, do not click" rather than the answer about our sender (a hurried reader saw
    "noreply@sis-id.com" in both) or "not sure". True when it was said."""
    found = lookalike_of(tracker.latest_message.get("text") or "", our_domains())
    if found is None:
        return False
    facts = answer_facts(language_of(tracker))
    dispatcher.utter_message(
        response="utter_not_our_address",
        address=found,
        mail_from=facts["mail_from"],
        site=facts["site"],
    )
    return True
