"""Handing the conversation to a human: a ticket, an email to support, a clear next step."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import MAX_INVITATION_FAILURES, database, language_of, polite_failure
from bot.checks.email_addresses import mask_email
from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import mask_code
from bot.registration.tickets import HandoffReason, open_ticket


def step_reached(tracker: Tracker) -> str:
    """How far the registration went, in the article's steps."""
    slot = tracker.get_slot
    if slot("registered_email"):
        return "registered"
    if slot("phone") or slot("first_name"):
        return "contact_details"
    if slot("email"):
        return "account_details"
    if slot("company_id") or slot("country"):
        return "company"
    return "none"


def handoff_reason(tracker: Tracker) -> HandoffReason:
    if (tracker.get_slot("invitation_failures") or 0) >= MAX_INVITATION_FAILURES:
        return HandoffReason.INVITATION_LOCKED
    recent = [e.get("name") for e in tracker.events[-12:] if e.get("event") == "action"]
    if "action_default_fallback" in recent or "utter_default" in recent:
        return HandoffReason.NOT_UNDERSTOOD
    if "action_activation_help" in recent:
        return HandoffReason.ACTIVATION_EMAIL
    return HandoffReason.USER_REQUEST


def ticket_summary(tracker: Tracker) -> str:
    """What support needs to pick up, without secrets: no password, code and email masked."""
    slot = tracker.get_slot
    lines = []
    if slot("country") and slot("company_id"):
        company = CompanyId(slot("country"), slot("company_id")).display()
        lines.append(f"Company: {company} ({slot('country')})")
    elif slot("country"):
        lines.append(f"Country: {slot('country')}")
    if slot("invitation_code"):
        lines.append(f"Invitation code: {mask_code(slot('invitation_code'))}")
    email = slot("registered_email") or slot("email")
    if email:
        lines.append(f"Email: {mask_email(email)}")
    if slot("first_name") or slot("last_name"):
        lines.append(f"Name: {slot('first_name') or ''} {slot('last_name') or ''}".rstrip())
    failures = int(slot("invitation_failures") or 0)
    if failures:
        lines.append(f"Failed invitation checks: {failures}")
    return "\n".join(lines) or "No registration details given."


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        with database() as session:
            ticket = open_ticket(
                session,
                conversation_id=tracker.sender_id,
                language=language_of(tracker),
                reason=handoff_reason(tracker),
                step=step_reached(tracker),
                summary=ticket_summary(tracker),
            )
        dispatcher.utter_message(
            response="utter_handoff", reference=ticket.reference, support_email=ticket.support_email
        )
        return []
