"""Handing the conversation to a human: how to reach the supplier, a ticket, an email to
support, and the registration going on while the supplier waits.

The flow (data/rules/handoff.yml): a handoff asked during the registration pauses the form
(``action_pause_registration``); ``handoff_form`` asks for a contact address (optional: the
supplier may decline, and it is not asked again once known, nor past the conversation's ticket
limit); ``action_handoff`` opens the ticket; then ``action_resume_registration`` and the form
ask the pending question again, with every answer kept.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    MAX_INVITATION_FAILURES,
    database,
    language_of,
    log,
    polite_failure,
)
from actions.fallback import HANDOFF_INTENT
from bot.checks.answers import asks_for_a_call
from bot.checks.conversation_ids import CLIENT_REFERENCE
from bot.checks.email_addresses import EmailError, check_email, check_supplier_email
from bot.checks.identifiers import check_company_id
from bot.registration import tickets
from bot.registration.tickets import HandoffReason, Progress, Step

CONTACT = "handoff_contact"
CONTACT_REFUSALS = "handoff_contact_refusals"
RESUME = "handoff_resume"
REASON = "handoff_reason"
DECLINED = "-"  # the supplier chose not to leave an address (a slot value, not an address)
WITHDRAWN = "!"  # the supplier no longer wants an advisor: no ticket
# An answer without an address is explained once; the second time, the ticket is opened
# without one rather than keep the supplier at this question.
MAX_CONTACT_REFUSALS = 2


def step_reached(tracker: Tracker) -> Step:
    """How far the registration went, in the article's steps."""
    slot = tracker.get_slot
    if slot("registered_email"):
        return Step.REGISTERED
    if slot("phone") or slot("first_name"):
        return Step.CONTACT_DETAILS
    if slot("email"):
        return Step.ACCOUNT_DETAILS
    if slot("company_id") or slot("country"):
        return Step.COMPANY
    return Step.NONE


def handoff_reason(tracker: Tracker) -> HandoffReason:
    if tracker.get_slot(REASON) in HandoffReason._value2member_map_:
        return HandoffReason(tracker.get_slot(REASON))
    if (tracker.get_slot("invitation_failures") or 0) >= MAX_INVITATION_FAILURES:
        return HandoffReason.INVITATION_LOCKED
    recent = [e.get("name") for e in tracker.events[-12:] if e.get("event") == "action"]
    if "action_default_fallback" in recent or "utter_default" in recent:
        return HandoffReason.NOT_UNDERSTOOD
    if "action_activation_help" in recent:
        return HandoffReason.ACTIVATION_EMAIL
    return HandoffReason.USER_REQUEST


def pending_question(tracker: Tracker, domain: dict) -> str | None:
    """The registration's next question when a handoff paused it: its first empty slot."""
    if not tracker.get_slot(RESUME):
        return None
    required = domain.get("forms", {}).get("registration_form", {}).get("required_slots", [])
    return next((name for name in required if tracker.get_slot(name) is None), None)


def progress(tracker: Tracker, domain: dict) -> Progress:
    """What support needs to pick up, without secrets (tickets.Progress masks them)."""
    slot = tracker.get_slot
    company = None
    if slot("country") and slot("company_id"):
        company = check_company_id(slot("country"), slot("company_id")).company_id
    return Progress.masked(
        step_reached(tracker),
        pending_question=pending_question(tracker, domain),
        company=company,
        country=slot("country"),
        invitation_code=slot("invitation_code"),
        email=slot("registered_email") or slot("email"),
        first_name=slot("first_name"),
        last_name=slot("last_name"),
        phone=slot("phone"),
        job_title=None if slot("job_title") in (None, DECLINED) else slot("job_title"),
        invitation_failures=int(slot("invitation_failures") or 0),
    )


def _contact_given(value: Any) -> str | None:
    """The address the supplier gave this turn (the tracker store keeps it masked: a value
    read back on a later turn is not an address)."""
    if not isinstance(value, str) or value in (DECLINED, WITHDRAWN):
        return None
    found = check_supplier_email(value)
    return found.address if found.ok and "*" not in value else None


def _client_reference(tracker: Tracker) -> str | None:
    """The web app's reference of the browser's address, in the message's metadata (None
    from another client of Rasa's REST channel)."""
    metadata = tracker.latest_message.get("metadata")
    value = metadata.get(CLIENT_REFERENCE) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def lone_advisor_offer(tracker: Tracker) -> bool:
    """The assistant's last message offered the advisor and nothing else ("... un conseiller
    peut vous aider." with its one button): a typed "oui" to it is that button."""
    for event in reversed(tracker.events):  # this action has said nothing yet
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            return [b.get("payload") for b in buttons] == ["/" + HANDOFF_INTENT]
    return False


class ActionYesWithoutQuestion(Action):
    """A "oui" that answers no pending question: the advisor, when the last message offered
    only the advisor (the lock, "I cannot help with that", "an account already exists");
    otherwise what the assistant can do, as buttons."""

    def name(self) -> str:
        return "action_yes_without_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if lone_advisor_offer(tracker):
            return [FollowupAction("handoff_form")]
        dispatcher.utter_message(response="utter_how_can_i_help")
        return []


class ActionPauseRegistration(Action):
    """A handoff asked during the registration: the form waits (every answer is kept) and
    takes up again after the ticket (action_resume_registration)."""

    def name(self) -> str:
        return "action_pause_registration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(RESUME, True)]


class ActionResumeRegistration(Action):
    def name(self) -> str:
        return "action_resume_registration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        withdrawn = tracker.get_slot(CONTACT) == WITHDRAWN
        dispatcher.utter_message(
            response="utter_registration_continues" if withdrawn else "utter_registration_resumes"
        )
        return [SlotSet(RESUME, False), *([SlotSet(CONTACT, None)] if withdrawn else [])]


class ValidateHandoffForm(FormValidationAction):
    """The contact address: asked once per conversation, never past its ticket limit."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain
    ) -> list[str]:
        with database() as session:
            if tickets.limit_reached(session, tracker.sender_id):
                return []
            if tickets.known_contact(session, tracker.sender_id):
                return []
        return domain_slots

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return await super().run(dispatcher, tracker, domain)

    async def validate_handoff_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if value in (DECLINED, WITHDRAWN):
            return {CONTACT: value}
        found = check_supplier_email(value if isinstance(value, str) else "")
        if found.ok:
            return {CONTACT: found.address}
        refusals = int(tracker.get_slot(CONTACT_REFUSALS) or 0) + 1
        if refusals >= MAX_CONTACT_REFUSALS:
            return {CONTACT: DECLINED, CONTACT_REFUSALS: None}
        if found.error is EmailError.AMBIGUOUS:
            dispatcher.utter_message(response="utter_email_ambiguous")
        elif found.error is EmailError.PLATFORM:  # it got "no valid email address found"
            dispatcher.utter_message(response="utter_handoff_contact_platform", email=found.address)
        elif asks_for_a_call(value if isinstance(value, str) else ""):
            # "just call me back on 07911 123456": it got "no valid email address found"
            dispatcher.utter_message(response="utter_handoff_no_call")
        else:
            dispatcher.utter_message(response="utter_handoff_contact_invalid")
        return {CONTACT: None, CONTACT_REFUSALS: float(refusals)}


def say_ticket_followup(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """ "Et vous répondez quand ?", "what's the ticket number again?": this conversation's
    ticket reference, and how the advisor replies; False when it has no ticket (or the database
    cannot say: the general answer then)."""
    try:
        with database() as session:
            ticket = tickets.latest_ticket(session, tracker.sender_id)
    except SQLAlchemyError as error:
        log.warning("ticket of %s not read (%s)", tracker.sender_id, type(error).__name__)
        return False
    if ticket is None:
        return False
    response = (
        "utter_ticket_followup" if ticket.contact_email else "utter_ticket_followup_no_contact"
    )
    dispatcher.utter_message(
        response=response, reference=ticket.reference, support_email=ticket.support_email
    )
    return True


class ActionAskHandoffContact(Action):
    """The contact question, with the registration's address as a one-click answer when the
    supplier already gave one. Records why the supplier is handed over, while the reason is
    still among the latest events."""

    def name(self) -> str:
        return "action_ask_handoff_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        known = tracker.get_slot("registered_email")
        if not known and tracker.get_slot("email_confirmed"):
            known = tracker.get_slot("email")
        if known and check_email(known).ok:
            dispatcher.utter_message(response="utter_ask_handoff_contact_known", email=known)
        else:
            dispatcher.utter_message(response="utter_ask_handoff_contact")
        return [SlotSet(REASON, handoff_reason(tracker).value)]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot(CONTACT) == WITHDRAWN:
            # "laissez tomber, finalement je continue l'inscription": it opened a ticket anyway.
            dispatcher.utter_message(response="utter_handoff_withdrawn")
            # A paused registration's resumption reads it (how the registration goes on).
            kept = WITHDRAWN if tracker.get_slot(RESUME) else None
            return [SlotSet(CONTACT, kept), SlotSet(CONTACT_REFUSALS, None), SlotSet(REASON, None)]
        with database() as session:
            contact = _contact_given(tracker.get_slot(CONTACT))
            if contact is None and tracker.get_slot(CONTACT) != DECLINED:
                contact = tickets.known_contact(session, tracker.sender_id)
            ticket = tickets.open_ticket(
                session,
                conversation_id=tracker.sender_id,
                language=language_of(tracker),
                reason=handoff_reason(tracker),
                progress=progress(tracker, domain),
                contact_email=contact,
                client_reference=_client_reference(tracker),
            )
        if ticket.limited:
            response = "utter_handoff_write_to_support"
        elif not ticket.new:
            response = "utter_handoff_already"
        elif ticket.contact_email:
            response = "utter_handoff_with_contact"
        else:
            response = "utter_handoff"
        dispatcher.utter_message(
            response=response, reference=ticket.reference, support_email=ticket.support_email
        )
        return [SlotSet(CONTACT, None), SlotSet(CONTACT_REFUSALS, None), SlotSet(REASON, None)]
