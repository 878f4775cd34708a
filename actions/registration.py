"""Starting, cancelling and completing a registration; corrections after it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    database,
    invitation_code,
    language_of,
    latest_intent,
    log,
    polite_failure,
    reached,
    reset_registration,
)
from bot.analytics.recorded import ACCOUNT_CREATED, INVITATION_CHECK
from bot.checks.answers import CONTACT_FIELDS, PREVIOUS_CONTACT, SKIPPED
from bot.checks.email_addresses import check_supplier_email
from bot.checks.fields import field_named_in
from bot.checks.identifiers import CompanyId
from bot.registration import drafts
from bot.registration.accounts import Registration, RegistrationStatus, register
from bot.registration.invitations import InvitationStatus
from bot.registration_start import registration_start
from bot.settings import get_settings

# The invitation is checked again at creation: what to say, and the outcome to record.
_FAILED = {
    RegistrationStatus.INVITATION_MISMATCH: (
        "utter_invitation_mismatch",
        InvitationStatus.MISMATCH,
    ),
    RegistrationStatus.INVITATION_EXPIRED: ("utter_invitation_expired", InvitationStatus.EXPIRED),
    RegistrationStatus.INVITATION_USED: ("utter_invitation_used", InvitationStatus.USED),
}


class ActionStartRegistration(Action):
    """Starts a registration, or first asks (bot/registration_start.py). The Rasa server does
    it itself (rasa_ext/registration_start.py); this one runs when rasa_ext is not loaded."""

    def name(self) -> str:
        return "action_start_registration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        intent, _ = latest_intent(tracker)
        text = tracker.latest_message.get("text") or ""
        start = registration_start(intent, text, tracker.get_slot)
        for response, arguments in start.responses:
            dispatcher.utter_message(response=response, **arguments)
        events: list = [SlotSet(name, value) for name, value in start.slots]
        if start.followup:
            events.append(FollowupAction(start.followup))
        return events


class ActionCorrectAfterRegistration(Action):
    """A correction outside the registration: only the address of the account created in this
    conversation can be corrected (a rule starts email_change_form when this action sets
    `address_correction`); any other field is for an advisor."""

    def name(self) -> str:
        return "action_correct_after_registration"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        with database() as session:
            has_account = drafts.submitted_email(session, tracker.sender_id) is not None
        if not has_account:
            dispatcher.utter_message(response="utter_no_registration_in_progress")
            return [SlotSet("address_correction", False)]
        if _named_field(tracker) not in (None, "email"):
            dispatcher.utter_message(response="utter_only_email_after_account")
            return [SlotSet("address_correction", False)]
        # "oops, my email is wrong, it should be X": X is the new address, not asked again
        # (email_change_form validates it at its start).
        given = check_supplier_email(tracker.latest_message.get("text") or "")
        if given.ok and given.address != tracker.get_slot("registered_email"):
            return [SlotSet("address_correction", True), SlotSet("new_email", given.address)]
        return [SlotSet("address_correction", True)]


def _named_field(tracker: Tracker) -> str | None:
    """The field the user names, by its words first (exact), else the NLU's entity (a
    button's payload names no word)."""
    text = tracker.latest_message.get("text") or ""
    named = None if text.startswith("/") else field_named_in(text)
    return named or next(tracker.get_latest_entity_values("field"), None)


class ActionCancelRegistration(Action):
    def name(self) -> str:
        return "action_cancel_registration"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        with database() as session:
            drafts.forget_password(session, tracker.sender_id)
        dispatcher.utter_message(response="utter_registration_cancelled")
        return reset_registration(tracker=tracker)


def create_account(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """The account, once the supplier confirmed the summary: run by the form's validation of
    that "oui" (validate_registration_form), so that the message makes one call to the action
    server. ``tracker`` holds the confirmed answers. Returns the events that end the form (the
    account created, or the invitation refused at creation), or those that ask again (the
    password, when its hash is missing; the confirmation, when the database is down).
    """
    slot = tracker.get_slot
    email = slot("email")
    try:
        with database() as session:
            if drafts.submitted_email(session, tracker.sender_id) == email:
                # already submitted (a repeated confirmation): the same answer, nothing new
                return _created(dispatcher, tracker, email)
            password_hash = drafts.password_hash_for(session, tracker.sender_id)
            if password_hash is None:
                dispatcher.utter_message(response="utter_correcting")
                return [SlotSet("password", None), SlotSet("confirmed", None)]
            registration = Registration(
                company_id=CompanyId(slot("country"), slot("company_id")),
                invitation_code=invitation_code(tracker, session=session),
                email=email,
                password_hash=password_hash,
                first_name=slot("first_name"),
                last_name=slot("last_name"),
                phone=slot("phone"),
                job_title=None if slot("job_title") in (None, SKIPPED) else slot("job_title"),
                language=language_of(tracker),
            )
            result = register(session, registration)
            if result.looks_created:
                # Nothing was created on a taken address: keep the registration so that
                # "correct my address" works as it would for a new account.
                retry = registration if result.account_pk is None else None
                drafts.mark_submitted(
                    session, tracker.sender_id, email, result.account_pk, retry=retry
                )
    except SQLAlchemyError as error:
        log.warning("account creation postponed: database unavailable (%s)", type(error).__name__)
        dispatcher.utter_message(response="utter_try_again_later")
        return [SlotSet("confirmed", None)]
    if result.looks_created:
        return _created(dispatcher, tracker, email)
    response, outcome = _FAILED[result.status]
    dispatcher.utter_message(response=response, customer=result.customer or "")
    # The form ends with the answers kept: the advisor offered with the refusal opens a ticket
    # that says how far the supplier went and what they gave (it said "no step reached"); a
    # new registration forgets them (bot/registration_start.py).
    return [SlotSet(INVITATION_CHECK, [outcome.value]), SlotSet("requested_slot", None)]


def _created(dispatcher: CollectingDispatcher, tracker: Tracker, email: str) -> list:
    dispatcher.utter_message(
        response="utter_account_created", email=email, mail_from=get_settings().mail_from
    )
    contact = {
        slot: tracker.get_slot(slot)
        for slot in CONTACT_FIELDS
        if tracker.get_slot(slot) not in (None, SKIPPED)
    }
    return [
        *reset_registration(keep_link_code=False, tracker=tracker),
        SlotSet(PREVIOUS_CONTACT, contact),
        SlotSet("code_from_link", False),
        SlotSet("registered_email", email),
        *(SlotSet(k, v) for k, v in reached(tracker, ACCOUNT_CREATED).items()),
        SlotSet("requested_slot", None),
    ]
