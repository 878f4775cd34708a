"""After registration: activation email not received, resend, correct the address.

In the conversation that submitted the registration, resend and correction act on it
(bot/registration/drafts.py). In any other conversation (a returning supplier), the address is
asked and the answer is the same whatever it is (bot/registration/activation_requests.py).
Neither path says whether an address has an account.
"""

from __future__ import annotations

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    after_an_expired_code,
    database,
    language_of,
    latest_intent,
    polite_failure,
)
from bot.checks.answers import hedges
from bot.checks.email_addresses import (
    EmailCheck,
    EmailError,
    check_supplier_email,
    says_something_else,
)
from bot.registration import drafts
from bot.registration.accounts import ResendStatus
from bot.registration.activation_requests import request_activation_email
from bot.settings import get_settings

_RESEND_REPLIES = {
    ResendStatus.SENT: "utter_activation_resent",
    ResendStatus.RATE_LIMITED: "utter_resend_rate_limited",
    ResendStatus.ALREADY_ACTIVE: "utter_already_active",
    ResendStatus.NOT_FOUND: "utter_no_account_in_conversation",
}
# Said alike: a corrected address that already has an account reads as any correction.
_CHANGE_REPLIES = {
    **_RESEND_REPLIES,
    ResendStatus.SENT: "utter_email_changed",
    ResendStatus.EMAIL_TAKEN: "utter_email_changed",
    # Said plainly: the address was not changed (it read as any refused resend).
    ResendStatus.RATE_LIMITED: "utter_email_change_rate_limited",
    # Not "you can log in": how to change it (an outside tester, m9).
    ResendStatus.ALREADY_ACTIVE: "utter_change_of_an_active_account",
}


def _submitted(tracker: Tracker) -> str | None:
    """The address of the registration this conversation submitted, if any."""
    with database() as session:
        return drafts.submitted_email(session, tracker.sender_id)


def _registering(tracker: Tracker) -> bool:
    return (tracker.active_loop or {}).get("name") == "registration_form"


def _ask_for_the_address(tracker: Tracker) -> list:
    """Whether a rule goes on to ask for the address (activation_request_form): not in the
    middle of a registration, which goes on instead. An address the request already gives ("je
    me suis inscrite avec a.benard@..., l'email n'est jamais arrivé") is taken, not asked."""
    if _registering(tracker):
        return [SlotSet("activation_request", False)]
    events = [SlotSet("activation_request", True)]
    given = check_supplier_email(tracker.latest_message.get("text") or "")
    if given.ok:
        events.append(SlotSet("activation_email", given.address))
    return events


class ActionActivationHelp(Action):
    """The article's checklist, then what can be done from here."""

    def name(self) -> str:
        return "action_activation_help"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return say_activation_help(dispatcher, tracker)


def say_activation_help(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """The article's checklist, then the resend and the address correction when this
    conversation submitted a registration, else the address is asked (a rule runs the form).
    During a registration that has not created the account yet, the mail cannot have come: that
    is said, and the registration goes on (it got the checklist)."""
    checklist = {"response": "utter_activation_checklist", "mail_from": get_settings().mail_from}
    if _registering(tracker):
        submitted = _submitted(tracker)
        if submitted is None:
            dispatcher.utter_message(response="utter_activation_email_after_creation")
            return _ask_for_the_address(tracker)
        dispatcher.utter_message(**checklist)
    else:
        dispatcher.utter_message(**checklist)  # before the lookup: said with the database down
        submitted = _submitted(tracker)
    if submitted is None:
        return _ask_for_the_address(tracker)
    dispatcher.utter_message(response="utter_activation_options")
    return [SlotSet("activation_request", False)]


class ActionResendActivation(Action):
    def name(self) -> str:
        return "action_resend_activation"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        with database() as session:
            result = drafts.resend(session, tracker.sender_id, language_of(tracker))
        if result.status is ResendStatus.NOT_FOUND:
            if _registering(tracker):
                dispatcher.utter_message(response="utter_activation_after_registration")
            elif after_an_expired_code(tracker):
                # "vous pouvez m'en renvoyer un ?": a new code, not an activation email.
                dispatcher.utter_message(response="utter_invitation_expired_no_new_code")
                return [SlotSet("activation_request", False)]
            return _ask_for_the_address(tracker)
        dispatcher.utter_message(response=_RESEND_REPLIES[result.status], email=result.email)
        return [SlotSet("activation_request", False)]


class ValidateActivationRequestForm(FormValidationAction):
    def name(self) -> str:
        return "validate_activation_request_form"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return await super().run(dispatcher, tracker, domain)

    def validate_activation_email(self, value: str, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_supplier_email(value or "")
        if not check.ok and says_something_else(value or ""):
            # "j'ai déjà vérifié les spams", "I don't remember it": no address at all, not a
            # mistyped one (it got "this email address does not look valid").
            dispatcher.utter_message(response="utter_activation_address_needed")
            return {"activation_email": None}
        if not check.ok:
            _say_why_refused(dispatcher, check)
            return {"activation_email": None}
        return {"activation_email": check.address}


def _say_why_refused(dispatcher: CollectingDispatcher, check: EmailCheck) -> None:
    if check.error is EmailError.PLATFORM:  # "noreply@sis-id.com", copied from a mail
        dispatcher.utter_message(response="utter_email_platform", email=check.address)
    else:
        dispatcher.utter_message(response="utter_email_invalid")


class ActionRequestActivation(Action):
    """Queues the request and answers at once, the same for every address (the lookup runs
    later, in the outbox sender)."""

    def name(self) -> str:
        return "action_request_activation"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        email = tracker.get_slot("activation_email")
        done = [SlotSet("activation_email", None), SlotSet("activation_request", False)]
        if email is None:  # the request was stopped
            return done
        with database() as session:
            status = request_activation_email(session, email, language_of(tracker))
        if status is ResendStatus.RATE_LIMITED:
            dispatcher.utter_message(response="utter_activation_request_rate_limited")
        else:
            dispatcher.utter_message(response="utter_activation_requested", email=email)
        return done


class ValidateEmailChangeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_email_change_form"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot("requested_slot") == "new_email_confirmed":
            text = tracker.latest_message.get("text") or ""
            check = check_supplier_email(text)
            if check.ok and check.address != tracker.get_slot("new_email"):
                # "non, c'est X", or X alone: that address, read back in its turn
                return [SlotSet("new_email", check.address), SlotSet("new_email_confirmed", None)]
            intent, _ = latest_intent(tracker)
            if intent not in ("affirm", "deny") or hedges(text):
                # "euh je sais pas", "peut-être": the question again (it got "I cannot
                # understand your request", the address left unconfirmed)
                dispatcher.utter_message(response="utter_answer_yes_or_no")
                return [SlotSet("new_email_confirmed", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        # nothing to correct: the form ends
        return domain_slots if _submitted(tracker) is not None else []

    def validate_new_email(self, value: str, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_supplier_email(value or "")
        if not check.ok:
            _say_why_refused(dispatcher, check)
            return {"new_email": None}
        return {"new_email": check.address, "new_email_confirmed": None}

    def validate_new_email_confirmed(self, value: bool, dispatcher, tracker, domain) -> dict:
        # "non": the address is asked again (the activation email is sent only to a yes).
        return (
            {"new_email_confirmed": True}
            if value
            else {"new_email": None, "new_email_confirmed": None}
        )


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
        events = [SlotSet("new_email", None), SlotSet("new_email_confirmed", None)]
        if result.status is ResendStatus.NOT_FOUND:
            dispatcher.utter_message(response=_CHANGE_REPLIES[result.status])
            return events
        dispatcher.utter_message(response=_CHANGE_REPLIES[result.status], email=result.email)
        if result.status in (ResendStatus.SENT, ResendStatus.EMAIL_TAKEN):
            events.append(SlotSet("registered_email", new_email))
        return events
