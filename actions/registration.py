"""Starting, correcting, cancelling and completing a registration."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    database,
    invitation_code,
    language_of,
    log,
    polite_failure,
    reached,
    reset_registration,
)
from bot.analytics.recorded import ACCOUNT_CREATED, INVITATION_CHECK
from bot.checks.fields import field_named_in
from bot.checks.identifiers import CompanyId
from bot.registration import drafts
from bot.registration.accounts import Registration, RegistrationStatus, register
from bot.registration.invitations import InvitationStatus
from bot.settings import get_settings

# What to forget when the user corrects a field; the form then asks for it again. Changing
# the company (or its country) re-checks the invitation against the new identifier.
_FIELD_SLOTS = {
    "email": ["email", "email_suggestion", "email_confirmed"],
    "password": ["password"],
    "country": ["country", "company_id", "invitation_valid"],
    "company_id": ["company_id", "invitation_valid"],
    "invitation_code": ["invitation_code", "invitation_valid"],
    "first_name": ["first_name"],
    "last_name": ["last_name"],
    "phone": ["phone"],
    "job_title": ["job_title"],
}

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
    """A fresh start: earlier answers are forgotten, an invitation link's code is kept."""

    def name(self) -> str:
        return "action_start_registration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_start_registration")
        if tracker.get_slot("code_from_link"):
            dispatcher.utter_message(response="utter_code_from_link")
        return reset_registration(tracker=tracker)


class ActionCorrectField(Action):
    """A correction during the registration: the answer is forgotten and asked again.

    One intent, correct_field, covers "wrong email", "changer le téléphone", ... during and
    after the registration; rules pick this action during it, ActionCorrectAfterRegistration
    after it."""

    def name(self) -> str:
        return "action_correct_field"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        field = _named_field(tracker)
        if field not in _FIELD_SLOTS:
            if tracker.get_slot("requested_slot") == "confirmed":
                # the form asks again, and action_ask_confirmed asks what to correct
                return [SlotSet("confirmed", None), SlotSet("correction_requested", True)]
            dispatcher.utter_message(response="utter_ask_what_to_correct")
            return [SlotSet("confirmed", None)]
        events = [SlotSet(slot, None) for slot in _FIELD_SLOTS[field]]
        if field == "password":
            with database() as session:
                drafts.forget_password(session, tracker.sender_id)
        if field == "invitation_code":
            events.append(SlotSet("code_from_link", False))
        dispatcher.utter_message(response="utter_correcting")
        return [*events, SlotSet("confirmed", None)]


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


class ActionCreateAccount(Action):
    """Runs when the form ends. Creates the account only after the user confirmed."""

    def name(self) -> str:
        return "action_create_account"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot("confirmed") is not True:
            return []  # the form stopped early (expired or used invitation, too many attempts)
        slot = tracker.get_slot
        email = slot("email")
        try:
            with database() as session:
                if drafts.submitted_email(session, tracker.sender_id) == email:
                    # already submitted (a repeated confirmation): the same answer, nothing new
                    return self._done(dispatcher, tracker, email)
                password_hash = drafts.password_hash_for(session, tracker.sender_id)
                if password_hash is None:
                    dispatcher.utter_message(response="utter_correcting")
                    return [
                        SlotSet("password", None),
                        SlotSet("confirmed", None),
                        FollowupAction("registration_form"),
                    ]
                registration = Registration(
                    company_id=CompanyId(slot("country"), slot("company_id")),
                    invitation_code=invitation_code(tracker, session=session),
                    email=email,
                    password_hash=password_hash,
                    first_name=slot("first_name"),
                    last_name=slot("last_name"),
                    phone=slot("phone"),
                    job_title=None if slot("job_title") in (None, "-") else slot("job_title"),
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
            log.warning(
                "account creation postponed: database unavailable (%s)", type(error).__name__
            )
            dispatcher.utter_message(response="utter_try_again_later")
            return [SlotSet("confirmed", None), FollowupAction("registration_form")]
        if result.looks_created:
            return self._done(dispatcher, tracker, email)
        response, outcome = _FAILED[result.status]
        dispatcher.utter_message(response=response, customer=result.customer or "")
        return [*reset_registration(tracker=tracker), SlotSet(INVITATION_CHECK, [outcome.value])]

    def _done(self, dispatcher: CollectingDispatcher, tracker: Tracker, email: str) -> list:
        dispatcher.utter_message(
            response="utter_account_created", email=email, mail_from=get_settings().mail_from
        )
        return [
            *reset_registration(keep_link_code=False, tracker=tracker),
            SlotSet("code_from_link", False),
            SlotSet("registered_email", email),
            *(SlotSet(k, v) for k, v in reached(tracker, ACCOUNT_CREATED).items()),
        ]
