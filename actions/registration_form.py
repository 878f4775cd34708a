"""The registration form: each answer is validated by bot/ as soon as it is given."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    CONFIDENT,
    MAX_INVITATION_FAILURES,
    NOT_AN_ANSWER,
    PASSWORD_SET,
    database,
    invitation_code,
    language_of,
    latest_intent,
    polite_failure,
    reached,
    response_text,
)
from bot.analytics.recorded import (
    ACCOUNT_DETAILS,
    COMPANY_IDENTIFIED,
    CONTACT_DETAILS,
    INVITATION_CHECK,
    INVITATION_VALID,
    LOCKED,
    PASSWORD_RULES_UNMET,
    RECORDED_SLOTS,
)
from bot.checks.contacts import (
    check_job_title,
    check_name,
    check_phone,
    format_phone,
    phone_example,
)
from bot.checks.email_addresses import EmailError, check_email
from bot.checks.identifiers import (
    CompanyId,
    CompanyIdError,
    check_company_id,
    parse_country,
    scheme_for,
    supported_countries,
)
from bot.checks.invitation_codes import extract_code
from bot.checks.passwords import check_password, hash_password
from bot.registration import drafts
from bot.registration.invitations import InvitationStatus
from bot.registration.limits import verify_invitation_limited
from bot.settings import get_settings

Slots = dict[str, Any]

_COMPANY_ID_ERRORS = {
    CompanyIdError.EMPTY: "utter_company_id_empty",
    CompanyIdError.INVALID_LENGTH: "utter_company_id_invalid_length",
    CompanyIdError.INVALID_FORMAT: "utter_company_id_invalid_format",
    CompanyIdError.INVALID_CHECKSUM: "utter_company_id_invalid_checksum",
    CompanyIdError.UNSUPPORTED_COUNTRY: "utter_country_unknown",
}
_EMAIL_ERRORS = {EmailError.AMBIGUOUS: "utter_email_ambiguous"}


# Questions answered by "yes" or "no" (slot mappings from the affirm and deny intents).
YES_NO_SLOTS = ("email_confirmed", "terms_accepted", "confirmed")


def _unclear_answer(tracker: Tracker, requested: str, events: list) -> bool:
    """Neither yes nor no, nor a question or command that the rules answer."""
    intent, _ = latest_intent(tracker)
    answered = any(isinstance(e, dict) and e.get("name") == requested for e in events)
    return not answered and intent not in {"affirm", "deny", *NOT_AN_ANSWER}


def identifier_wording(country: str, language: str) -> dict[str, str]:
    scheme = scheme_for(country)
    return {
        "id_name": scheme.name(language),
        "example": scheme.example,
        "country_name": scheme.country_name(language),
    }


def country_names(language: str) -> str:
    return ", ".join(s.country_name(language) for s in supported_countries())


class ValidateRegistrationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_registration_form"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        requested = tracker.get_slot("requested_slot")
        events = await super().run(dispatcher, tracker, domain)
        if requested in YES_NO_SLOTS and _unclear_answer(tracker, requested, events):
            # Without this, Rasa rejects the form (no value for the requested slot) and the
            # core fallback offers an advisor; an unclear answer deserves the question again.
            dispatcher.utter_message(response="utter_answer_yes_or_no")
            events.append(SlotSet(requested, None))
        return events

    async def get_validation_events(self, dispatcher, tracker: Tracker, domain) -> list:
        # A slot cleared this turn (a correction, a fresh start) has nothing to validate: the
        # form will ask for it again; rasa_sdk would pass None to validate_<slot>. The password
        # is the exception: None is extract_password's refusal, and must reach the form.
        changed = tracker.slots_to_validate()
        # What extract_password recorded for the report: rasa_sdk would drop it (not a slot of
        # the form), so it is passed on as it is.
        recorded = {k: v for k, v in changed.items() if k in RECORDED_SLOTS}
        tracker.slots_to_validate = lambda: {
            k: v
            for k, v in changed.items()
            if k not in recorded and (v is not None or k == "password")
        }
        events = await super().get_validation_events(dispatcher, tracker, domain)
        return [*events, *(SlotSet(k, v) for k, v in recorded.items())]

    # --- 1. Identify the company -------------------------------------------------------

    def validate_country(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = parse_country(value or "")
        if country is None:
            language = language_of(tracker)
            dispatcher.utter_message(
                response="utter_country_unknown", countries=country_names(language)
            )
            return {"country": None}
        return {"country": country}

    def validate_company_id(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = tracker.get_slot("country")
        wording = identifier_wording(country, language_of(tracker))
        check = check_company_id(country, value or "")
        if not check.ok:
            dispatcher.utter_message(response=_COMPANY_ID_ERRORS[check.error], **wording)
            return {"company_id": None}
        if self._already_checked("company_id", check.company_id.value, tracker):
            return {"company_id": check.company_id.value}
        if check.from_siret:
            dispatcher.utter_message(
                response="utter_siret_to_siren", siren=check.company_id.display()
            )
        code = invitation_code(tracker)
        if code:  # known from the invitation link: check the pair now
            return self._check_invitation(
                dispatcher, tracker, check.company_id, code, (COMPANY_IDENTIFIED,)
            )
        return {"company_id": check.company_id.value, **reached(tracker, COMPANY_IDENTIFIED)}

    def validate_invitation_code(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        # A code kept from an earlier turn reaches here masked when the form starts.
        code = extract_code(invitation_code(tracker, value) or "")
        if code is None:
            dispatcher.utter_message(response="utter_invitation_code_unreadable")
            return {"invitation_code": None}
        if self._already_checked("invitation_code", code, tracker):
            return {"invitation_code": code}
        country, company = tracker.get_slot("country"), tracker.get_slot("company_id")
        if not (country and company):
            # Known before the company (invitation link, validated when the form starts):
            # validate_company_id checks the pair once the identifier is given.
            return {"invitation_code": code}
        return self._check_invitation(dispatcher, tracker, CompanyId(country, company), code)

    @staticmethod
    def _already_checked(slot: str, value: str, tracker: Tracker) -> bool:
        """The same value as the one already checked against the invitation (re-validation)."""
        current = invitation_code(tracker) if slot == "invitation_code" else tracker.get_slot(slot)
        return bool(tracker.get_slot("invitation_valid")) and current == value

    def _check_invitation(
        self,
        dispatcher,
        tracker: Tracker,
        company_id: CompanyId,
        code: str,
        steps: tuple[str, ...] = (),
    ) -> Slots:
        """Checks the pair, says the outcome and records it (``steps``: reached on the way)."""

        def told(*outcomes: str) -> Slots:
            return {INVITATION_CHECK: list(outcomes), **reached(tracker, *steps)}

        failures = int(tracker.get_slot("invitation_failures") or 0)
        if failures >= MAX_INVITATION_FAILURES:
            dispatcher.utter_message(response="utter_invitation_locked")
            return {
                "company_id": company_id.value,
                "invitation_code": code,
                "requested_slot": None,
                **told(LOCKED),
            }
        with database() as session:
            limited = verify_invitation_limited(session, company_id, code)
            if not limited.locked and limited.check.status is InvitationStatus.VALID:
                # The tracker store keeps only the code's first symbols: the full code, needed
                # to create the account in a later turn, waits in the registration draft.
                drafts.save_invitation_code(session, tracker.sender_id, code)
        if limited.locked:
            # Too many failures on this code or this company ID, from any conversation: the
            # same answer as the conversation's own lock, which it now becomes.
            dispatcher.utter_message(response="utter_invitation_locked")
            return {
                "company_id": company_id.value,
                "invitation_code": code,
                "invitation_failures": float(max(failures, MAX_INVITATION_FAILURES)),
                "requested_slot": None,
                **told(LOCKED),
            }
        check = limited.check
        if check.status is InvitationStatus.VALID:
            dispatcher.utter_message(response="utter_invitation_valid", customer=check.customer)
            return {
                "company_id": company_id.value,
                "invitation_code": code,
                "invitation_valid": True,
                INVITATION_CHECK: [check.status.value],
                **reached(tracker, *steps, INVITATION_VALID),
            }
        if check.status is InvitationStatus.MISMATCH:
            failures += 1
            dispatcher.utter_message(response="utter_invitation_mismatch")
            if failures >= MAX_INVITATION_FAILURES:
                dispatcher.utter_message(response="utter_invitation_locked")
                return {
                    "company_id": company_id.value,
                    "invitation_code": code,
                    "invitation_failures": float(failures),
                    "requested_slot": None,
                    **told(check.status.value, LOCKED),
                }
            dispatcher.utter_message(response="utter_invitation_retry")
            return {
                "company_id": None,
                "invitation_code": None,
                "invitation_valid": None,
                "code_from_link": False,
                "invitation_failures": float(failures),
                **told(check.status.value),
            }
        response = {
            InvitationStatus.EXPIRED: "utter_invitation_expired",
            InvitationStatus.USED: "utter_invitation_used",
        }[check.status]
        dispatcher.utter_message(response=response, customer=check.customer)
        return {
            "company_id": company_id.value,
            "invitation_code": code,
            "requested_slot": None,
            **told(check.status.value),
        }

    # --- 2. Create the account ---------------------------------------------------------

    def validate_email(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        check = check_email(value or "")
        if not check.ok:
            dispatcher.utter_message(response=_EMAIL_ERRORS.get(check.error, "utter_email_invalid"))
            return {"email": None}
        if check.address == tracker.get_slot("email") and tracker.get_slot("email_confirmed"):
            return {"email": check.address}  # re-validation of the confirmed address
        return {
            "email": check.address,
            "email_suggestion": check.suggestion,
            "email_confirmed": None,
        }

    def validate_email_confirmed(self, value: bool, dispatcher, tracker: Tracker, domain) -> Slots:
        suggestion = tracker.get_slot("email_suggestion")
        if value and suggestion:  # "yes, I meant the suggested address"
            slots = {"email": suggestion, "email_suggestion": None, "email_confirmed": True}
        elif suggestion:  # "no, keep what I typed"
            slots = {"email_suggestion": None, "email_confirmed": True}
        elif value:
            slots = {"email_confirmed": True}
        else:
            return {"email": None, "email_confirmed": None}
        # The widget's password goes to the web app, which refuses one containing this address.
        with database() as session:
            drafts.save_email(
                session, tracker.sender_id, slots.get("email") or tracker.get_slot("email")
            )
        return slots

    async def extract_password(self, dispatcher, tracker: Tracker, domain) -> Slots:
        """The password is read here, not by a slot mapping, so that it never enters a slot.

        A valid password is hashed at once and the hash kept server-side; the slot only
        receives a marker. The text of the user's message is redacted by the tracker store.
        """
        if tracker.get_slot("requested_slot") != "password":
            return {}
        intent, confidence = latest_intent(tracker)
        if intent == "password_given":
            # The widget's path: the web app checked the password and keeps its hash in the
            # draft; only this marker came through Rasa. Without a hash it is no answer.
            with database() as session:
                stored = drafts.password_hash_for(session, tracker.sender_id)
            return {"password": PASSWORD_SET if stored else None}
        if intent in NOT_AN_ANSWER and confidence >= CONFIDENT:
            return {}  # a question or a command, answered by the rules
        password = tracker.latest_message.get("text") or ""
        problems = check_password(password, tracker.get_slot("email"))
        if problems:
            language = language_of(tracker)
            lines = "\n".join(
                response_text(domain, f"utter_password_rule_{rule.value}", language)
                for rule in problems
            )
            dispatcher.utter_message(response="utter_password_not_accepted", problems=lines)
            return {"password": None, PASSWORD_RULES_UNMET: [rule.value for rule in problems]}
        password_hash = await asyncio.to_thread(hash_password, password)
        with database() as session:
            drafts.save_password_hash(session, tracker.sender_id, password_hash)
        return {"password": PASSWORD_SET}

    def validate_password(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        # Only the marker set by extract_password is accepted: anything else is not a
        # password that was checked and hashed.
        return {"password": PASSWORD_SET if value == PASSWORD_SET else None}

    def validate_terms_accepted(self, value: bool, dispatcher, tracker: Tracker, domain) -> Slots:
        if value:
            return {"terms_accepted": True, **reached(tracker, ACCOUNT_DETAILS)}
        dispatcher.utter_message(response="utter_terms_refused")
        return {"terms_accepted": None}

    # --- 3. Contact details ------------------------------------------------------------

    def _name(self, slot: str, value: str, dispatcher) -> Slots:
        check = check_name(value or "")
        if not check.ok:
            dispatcher.utter_message(response="utter_name_invalid")
        return {slot: check.value}

    def validate_first_name(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._name("first_name", value, dispatcher)

    def validate_last_name(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._name("last_name", value, dispatcher)

    def validate_phone(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = tracker.get_slot("country") or "FR"
        check = check_phone(value or "", country)
        if not check.ok:
            wording = identifier_wording(country, language_of(tracker))
            dispatcher.utter_message(
                response="utter_phone_invalid",
                country_name=wording["country_name"],
                example=phone_example(country),
            )
        return {"phone": check.value}

    def validate_job_title(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        if value == "-":  # skipped
            return {"job_title": "-", **reached(tracker, CONTACT_DETAILS)}
        check = check_job_title(value or "")
        if not check.ok:
            dispatcher.utter_message(response="utter_job_title_invalid")
            return {"job_title": None}
        return {"job_title": check.value, **reached(tracker, CONTACT_DETAILS)}

    # --- 4. Confirm ----------------------------------------------------------------------

    def validate_confirmed(self, value: bool, dispatcher, tracker: Tracker, domain) -> Slots:
        if value:
            return {"confirmed": True}
        # On "no", the form asks again and action_ask_confirmed asks what to correct.
        return {"confirmed": None, "correction_requested": True}


class ActionAskCompanyId(Action):
    """Names the identifier as it is called in the company's country."""

    def name(self) -> str:
        return "action_ask_company_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        wording = identifier_wording(tracker.get_slot("country"), language_of(tracker))
        dispatcher.utter_message(response="utter_ask_company_id", **wording)
        return []


class ActionAskEmailConfirmed(Action):
    """Repeats the address back (a typo is the first cause of a missing activation email)."""

    def name(self) -> str:
        return "action_ask_email_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        email, suggestion = tracker.get_slot("email"), tracker.get_slot("email_suggestion")
        if suggestion:
            dispatcher.utter_message(
                response="utter_email_suggestion", email=email, suggestion=suggestion
            )
        else:
            dispatcher.utter_message(response="utter_confirm_email", email=email)
        return []


class ActionAskTermsAccepted(Action):
    def name(self) -> str:
        return "action_ask_terms_accepted"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(
            response="utter_ask_terms_accepted", terms_url=get_settings().terms_url
        )
        return []


class ActionAskConfirmed(Action):
    """The summary, without the password; after a "no", the question of what to correct."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot("correction_requested"):
            dispatcher.utter_message(response="utter_ask_what_to_correct")
            return [SlotSet("correction_requested", False)]
        language = language_of(tracker)
        country = tracker.get_slot("country")
        wording = identifier_wording(country, language)
        company = CompanyId(country, tracker.get_slot("company_id")).display()
        job_title = tracker.get_slot("job_title")
        dispatcher.utter_message(
            response="utter_registration_summary",
            company=f"{wording['id_name']} {company} ({wording['country_name']})",
            email=tracker.get_slot("email"),
            first_name=tracker.get_slot("first_name"),
            last_name=tracker.get_slot("last_name"),
            phone=format_phone(tracker.get_slot("phone")),
            job_title=job_title
            if job_title and job_title != "-"
            else response_text(domain, "utter_not_given", language),
        )
        return []
