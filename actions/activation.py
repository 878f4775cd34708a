"""After registration: activation email not received, resend, correct the address."""

from __future__ import annotations

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import database, language_of, polite_failure
from bot.checks.email_addresses import check_email
from bot.registration import drafts
from bot.registration.accounts import ResendStatus, resend_activation, resend_to_taken_address
from bot.settings import get_settings

_RESEND_REPLIES = {
    ResendStatus.SENT: "utter_activation_resent",
    ResendStatus.EMAIL_TAKEN: "utter_email_changed",  # said like SENT: reveals no account
    ResendStatus.RATE_LIMITED: "utter_resend_rate_limited",
    ResendStatus.ALREADY_ACTIVE: "utter_already_active",
    ResendStatus.NOT_FOUND: "utter_no_account_in_conversation",
}


class ActionActivationHelp(Action):
    """The article's checklist, then what can be done from here."""

    def name(self) -> str:
        return "action_activation_help"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(
            response="utter_activation_checklist", mail_from=get_settings().mail_from
        )
        with database() as session:
            submitted = drafts.submitted_email(session, tracker.sender_id)
        if submitted is None:
            dispatcher.utter_message(response="utter_activation_help_elsewhere")
        else:
            dispatcher.utter_message(response="utter_activation_options")
        return []


class ActionResendActivation(Action):
    def name(self) -> str:
        return "action_resend_activation"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        language = language_of(tracker)
        with database() as session:
            account = drafts.account_for(session, tracker.sender_id)
            submitted = drafts.submitted_email(session, tracker.sender_id)
            if account is not None:
                result = resend_activation(session, account)
                status, submitted = result.status, result.email
            elif submitted is not None:  # the address had an account: its owner is told again
                status = resend_to_taken_address(session, submitted, language)
            else:
                status = ResendStatus.NOT_FOUND
        if submitted is None:
            dispatcher.utter_message(response=_RESEND_REPLIES[status])
        else:
            dispatcher.utter_message(response=_RESEND_REPLIES[status], email=submitted)
        return []


class ValidateEmailChangeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_email_change_form"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        with database() as session:
            submitted = drafts.submitted_email(session, tracker.sender_id)
        return domain_slots if submitted is not None else []  # nothing to correct: form ends

    def validate_new_email(self, value: str, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_email(value or "")
        if not check.ok:
            dispatcher.utter_message(response="utter_email_invalid")
        return {"new_email": check.address}


class ActionChangeEmail(Action):
    def name(self) -> str:
        return "action_change_email"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        new_email = tracker.get_slot("new_email")
        if new_email is None:
            dispatcher.utter_message(response="utter_no_account_in_conversation")
            return []
        with database() as session:
            result = drafts.correct_address(session, tracker.sender_id, new_email)
        if result.status is ResendStatus.NOT_FOUND:
            dispatcher.utter_message(response="utter_no_account_in_conversation")
            return [SlotSet("new_email", None)]
        reply = (
            "utter_email_changed"
            if result.status is ResendStatus.SENT
            else _RESEND_REPLIES[result.status]
        )
        dispatcher.utter_message(response=reply, email=result.email)
        events = [SlotSet("new_email", None)]
        if result.status in (ResendStatus.SENT, ResendStatus.EMAIL_TAKEN):
            events.append(SlotSet("registered_email", new_email))
        return events
