"""The registration form: each answer is validated by bot/ as soon as it is given.

A message is read once (bot/checks/answers.py) whatever the question it follows: it may hold
several answers, correct an earlier one, or say "je ne sais pas"; the extract_<slot> methods
hand each answer to its validate_<slot> method, and the form asks only what is still missing.
"""

from __future__ import annotations

import asyncio
import math
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import say_answer
from actions.common import (
    MAX_INVITATION_FAILURES,
    PASSWORD_SET,
    database,
    invitation_code,
    language_of,
    latest_intent,
    polite_failure,
    reached,
    response_text,
)
from actions.fallback import say_not_sure
from actions.registration import create_account
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
from bot.checks.answers import (
    CONFIDENT,
    FOR_THE_RULES,
    MENU,
    NOT_AN_ANSWER,
    OPTIONAL,
    PREVIOUS_CONTACT,
    SKIPPED,
    TEXT_FIELDS,
    YES_NO_SLOTS,
    YES_OR_NO,
    Reading,
    Stance,
    also_asks,
    begins_with_yes,
    disagrees,
    for_the_rules,
    hedges,
    holds_a_number,
    is_a_sentence,
    read_turn,
    stance_of,
)
from bot.checks.contacts import (
    ContactError,
    check_job_title,
    check_name,
    check_phone,
    format_phone,
    phone_country,
    phone_elsewhere,
    phone_example,
    phone_extension,
    phone_numbers,
)
from bot.checks.email_addresses import EmailError, check_supplier_email
from bot.checks.identifiers import (
    CompanyId,
    CompanyIdError,
    check_company_id,
    parse_country,
    recognise_company_id,
    scheme_for,
    supported_countries,
    unsupported_country,
)
from bot.checks.invitation_codes import cut_off_in_a_link, extract_code, mask_code
from bot.checks.passwords import (
    SPECIAL_CHARACTER_EXAMPLES,
    check_password,
    hash_password,
    password_in,
)
from bot.db import utcnow
from bot.registration import drafts
from bot.registration.invitations import InvitationCheck, InvitationStatus, verify_invitation
from bot.registration.limits import retry_after, verify_invitation_limited
from bot.responses import field_labels
from bot.settings import get_settings
from bot.understanding import FALLBACK_INTENT, selected_answer

Slots = dict[str, Any]

_COMPANY_ID_ERRORS = {
    CompanyIdError.EMPTY: "utter_company_id_empty",
    CompanyIdError.INVALID_LENGTH: "utter_company_id_invalid_length",
    CompanyIdError.INVALID_FORMAT: "utter_company_id_invalid_format",
    CompanyIdError.INVALID_CHECKSUM: "utter_company_id_invalid_checksum",
    CompanyIdError.VAT_NUMBER: "utter_company_id_vat_number",
    CompanyIdError.UNSUPPORTED_COUNTRY: "utter_country_unknown",
}
_EMAIL_ERRORS = {
    EmailError.AMBIGUOUS: "utter_email_ambiguous",
    EmailError.PLATFORM: "utter_email_platform",
}

# What else to forget when an answer is corrected, and the invitation to check again.
DEPENDENT_SLOTS = {
    "country": ("company_id", "invitation_valid", "country_inferred", "country_confirmed"),
    "company_id": ("invitation_valid",),
    "invitation_code": ("invitation_valid",),
    "email": ("email_suggestion", "email_confirmed", "email_suggestion_declined"),
    "phone": ("phone_suggestion",),
}
# What is said, question by question, for "why?", "I don't know" and "I'd rather not" (the job
# title is optional: "I don't know" skips it).
_WHY, _DONT_KNOW, _RATHER_NOT = Stance.WHY, Stance.DONT_KNOW, Stance.RATHER_NOT
# Stances that say nothing about an optional answer (the job title): the question again.
_NO_ANSWER_STANCES = (Stance.WHY, Stance.WAIT, Stance.GO_ON)
_NEEDED = "utter_needed_advisor"
_HELP: dict[str, dict[Stance, tuple[str, ...]]] = {
    "country": {
        _WHY: ("utter_why_country",),
        _DONT_KNOW: ("utter_help_country",),
        _RATHER_NOT: ("utter_why_country", _NEEDED),
    },
    "company_id": {
        _WHY: ("utter_why_company_id",),
        _DONT_KNOW: ("utter_help_company_id",),
        _RATHER_NOT: ("utter_why_company_id", _NEEDED),
    },
    "invitation_code": {
        _WHY: ("utter_why_invitation_code",),
        _DONT_KNOW: ("utter_help_invitation_code",),
        _RATHER_NOT: ("utter_why_invitation_code", _NEEDED),
    },
    "email": {
        _WHY: ("utter_why_email",),
        _DONT_KNOW: ("utter_help_email",),
        _RATHER_NOT: ("utter_why_email", _NEEDED),
    },
    "email_confirmed": {stance: ("utter_why_email_confirmed",) for stance in Stance},
    "password": {
        _WHY: ("utter_why_password",),
        _DONT_KNOW: ("utter_help_password",),
        _RATHER_NOT: ("utter_why_password", _NEEDED),
    },
    "terms_accepted": {
        _WHY: ("utter_help_terms_accepted",),
        _DONT_KNOW: ("utter_help_terms_accepted",),
        _RATHER_NOT: ("utter_terms_refused",),
    },
    "first_name": {
        _WHY: ("utter_why_name",),
        _DONT_KNOW: ("utter_why_name",),
        _RATHER_NOT: ("utter_why_name", _NEEDED),
    },
    "last_name": {
        _WHY: ("utter_why_name",),
        _DONT_KNOW: ("utter_why_name",),
        _RATHER_NOT: ("utter_why_name", _NEEDED),
    },
    "phone": {
        _WHY: ("utter_why_phone",),
        _DONT_KNOW: ("utter_help_phone",),
        _RATHER_NOT: ("utter_why_phone", _NEEDED),
    },
    "job_title": {
        _WHY: ("utter_why_job_title",),
        _DONT_KNOW: ("utter_job_title_skipped",),
        _RATHER_NOT: ("utter_job_title_skipped",),
    },
}
# The second refusal of an answer explains what is expected (the first says what is wrong).
_EXPLAIN = {
    "country": "utter_explain_country",
    "company_id": "utter_explain_company_id",
    "invitation_code": "utter_explain_invitation_code",
    "email": "utter_explain_email",
    "password": "utter_explain_password",
    "first_name": "utter_explain_name",
    "last_name": "utter_explain_name",
    "phone": "utter_explain_phone",
    "job_title": "utter_explain_job_title",
}


@dataclass(frozen=True)
class _Turn:
    """This message, read once for every extract_<slot> method of this run."""

    asked: str | None
    intent: str | None
    confidence: float
    reading: Reading
    checked: dict[str, Any]  # the answers before this message (the identifier, the code...)


# One value per request: the action server serves several conversations at once.
_TURN: ContextVar[_Turn | None] = ContextVar("registration_turn", default=None)
_STOPPED: ContextVar[bool] = ContextVar("registration_stopped", default=False)
# The identifier and the code are checked together once per message, whichever came last.
_CHECKED: ContextVar[bool] = ContextVar("invitation_checked", default=False)


def identifier_wording(country: str, language: str) -> dict[str, str]:
    scheme = scheme_for(country)
    return {
        "id_name": scheme.name(language),
        "example": scheme.example,
        "country_name": scheme.country_name(language),
    }


def country_names(language: str) -> str:
    return ", ".join(s.country_name(language) for s in supported_countries())


# The actions after which this turn's message is still the form's to read: the form's own, and
# the start of the registration (a first message that carries answers).
_READ_AFTER = {None, "action_listen", "registration_form", "action_start_registration"}


def _answered_elsewhere(tracker: Tracker) -> bool:
    """Whether another action took this turn's message before the form (the current turn's
    events only, which the action call always carries)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in _READ_AFTER:
            return True
    return False


def _minutes_until(moment: float | None) -> int:
    """Whole minutes from now until ``moment`` (seconds since the epoch), at least 1."""
    now = utcnow().replace(tzinfo=timezone.utc).timestamp()
    return max(1, math.ceil(((moment or now) - now) / 60))


def _timestamp(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _shown(name: str, value: Any) -> str:
    """An answer as the supplier sees it said back (a phone in its international form)."""
    return format_phone(value) if name == "phone" else str(value)


def _say_noted(dispatcher, tracker: Tracker, domain: dict, noted: list[tuple[str, str]]) -> None:
    """ "C'est noté : téléphone **+33 6 ...**, fonction **...**." for answers as shown."""
    labels = field_labels(domain.get("responses", {}), language_of(tracker))
    said = ", ".join(f"{labels[n][:1].lower()}{labels[n][1:]} **{value}**" for n, value in noted)
    dispatcher.utter_message(response="utter_noted", noted=said)


class ValidateRegistrationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_registration_form"

    @polite_failure
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if _answered_elsewhere(tracker):
            # The form comes back after another action took this turn's message (a ticket's
            # contact address, a question answered): nothing in it is an answer to the form,
            # which only asks its pending question.
            return await self._extract_validation_events(dispatcher, tracker, domain)
        asked = tracker.get_slot("requested_slot")
        intent, confidence = latest_intent(tracker)
        checked = {slot: tracker.get_slot(slot) for slot in TEXT_FIELDS}
        turn = _Turn(asked, intent, confidence, self._read(tracker, asked, intent), checked)
        if self._for_the_rules(turn):
            return []  # the form is rejected: a rule answers, then the form asks again
        if _an_unsure_question(turn, tracker.latest_message.get("text") or ""):
            # "is this a scam?" at the email question: the closest topics and the advisor,
            # then the question again (it got "this email address does not look valid").
            say_not_sure(dispatcher, tracker, domain, something_else=False)
            return [SlotSet(asked, None)]
        if asked in YES_NO_SLOTS and hedges(tracker.latest_message.get("text") or ""):
            # "peut-être", "I think so": not a yes (to the terms, to the summary that creates
            # the account), whatever the NLU read; the question again.
            dispatcher.utter_message(response="utter_answer_yes_or_no")
            refusals = self._count_refusal(asked, tracker, dispatcher)
            return [SlotSet(asked, None), *(SlotSet(k, v) for k, v in refusals.items())]
        answered = []
        answer = selected_answer(tracker.latest_message)
        text = tracker.latest_message.get("text") or ""
        if also_asks(intent, text, turn.reading, answer.confidence if answer else 0.0):
            # The question answered first, the answers kept ("C'est noté"), the next question.
            answered = say_answer(dispatcher, tracker, domain, feedback=False)
        tokens = _TURN.set(turn), _STOPPED.set(False), _CHECKED.set(False)
        try:
            helped = self._help(dispatcher, tracker, turn, domain)
            self._clear(tracker, turn)
            events = await super().run(dispatcher, tracker, domain)
        finally:
            for var, token in zip((_TURN, _STOPPED, _CHECKED), tokens, strict=True):
                var.reset(token)
        if asked in YES_NO_SLOTS and not helped and _unanswered(events, asked, intent):
            # Neither yes nor no: without this, Rasa rejects the form (no value for the
            # requested slot) and the core fallback offers an advisor; an unclear answer
            # deserves the question again.
            dispatcher.utter_message(response="utter_answer_yes_or_no")
            refusals = self._count_refusal(asked, tracker, dispatcher)
            events += [SlotSet(asked, None), *(SlotSet(k, v) for k, v in refusals.items())]
        elif (
            asked and not _filled(events) and (helped or _changes_the_question(intent, dispatcher))
        ):
            # Help given ("c'est quoi un caractère spécial ?") or the question being asked
            # corrected ("je veux modifier mon mot de passe"): the question again. Without a
            # slot event Rasa rejects the form, and a rule or the fallback answers instead.
            events.append(SlotSet(asked, None))
        elif asked and not _filled(events) and turn.reading.recognised:
            # Another answer already given, typed again or differently (a second address at
            # the country question): kept as it was, changed only by a correction; said so,
            # and the question again (it got "je ne parviens pas à comprendre").
            dispatcher.utter_message(response="utter_answer_already_given")
            events.append(SlotSet(asked, None))
        self._acknowledge(dispatcher, tracker, turn, events, domain)
        events = [*answered, *events]
        if _confirmed_now(events):
            # The summary confirmed: the account is created in this call (no second action
            # after the form); the form then ends, or asks again what creating it needs.
            tracker.add_slots(events)
            events = [e for e in events if e.get("name") != "requested_slot"]
            events += create_account(dispatcher, tracker)
        return events

    # --- reading the message --------------------------------------------------------------

    @staticmethod
    def _read(tracker: Tracker, asked: str | None, intent: str | None) -> Reading:
        return read_turn(
            tracker.latest_message.get("text") or "",
            asked,
            tracker.slots,
            named_field=next(tracker.get_latest_entity_values("field"), None),
            intent=intent,
        )

    @staticmethod
    def _for_the_rules(turn: _Turn) -> bool:
        """A question or a command that a rule answers (the form asks its question again).
        The Rasa server takes the same decision first, without calling (rasa_ext/forms.py)."""
        return for_the_rules(turn.asked, turn.intent, turn.confidence, lambda: turn.reading)

    # --- what the message says instead of an answer -----------------------------------------

    def _help(self, dispatcher, tracker: Tracker, turn: _Turn, domain: dict) -> bool:
        """Answers "why?", "I don't know", "I'd rather not" for the question asked."""
        asked, reading = turn.asked, turn.reading
        if reading.special_characters:
            dispatcher.utter_message(
                response="utter_password_special_characters", examples=SPECIAL_CHARACTER_EXAMPLES
            )
            return True
        if reading.elsewhere:
            # "je vous l'ai déjà donné au dessus" (the password had been typed in the address's
            # message, and is not used): it got the answer for an account that exists
            dispatcher.utter_message(response="utter_password_only_here")
            return True
        if asked == MENU and reading.back_to_summary:
            # "rien finalement, c'est bon": back to the summary (it looped on the menu)
            if tracker.get_slot("correction_menu") == "invitation":
                utter_about_the_pair(dispatcher, tracker, "utter_help_which_is_wrong")
                return True  # the identifier or the code has to change: the menu stays
            dispatcher.utter_message(response="utter_registration_continues")
            return False
        if asked == MENU and (reading.which or reading.stance or reading.question):
            if tracker.get_slot("correction_menu") == "invitation":
                utter_about_the_pair(dispatcher, tracker, "utter_help_which_is_wrong")
            else:
                dispatcher.utter_message(response="utter_help_what_to_correct")
            return True
        stance = reading.stance or (Stance.WHY if reading.question else None)
        if stance is None or asked is None:
            return False
        if stance is Stance.WAIT:  # "un instant, je cherche": the question again, unhurried
            dispatcher.utter_message(response="utter_take_your_time")
            return True
        if stance is Stance.GO_ON:  # "non en fait je continue": the question again
            dispatcher.utter_message(response="utter_registration_continues")
            return True
        typed = tracker.latest_message.get("text") or ""
        if asked in OPTIONAL and stance is not Stance.WHY and stance_of(typed) is None:
            return True  # "passer", "non merci": nothing to say, the next question comes
        for response in _HELP.get(asked, {}).get(stance, ("utter_answer_yes_or_no",)):
            self._utter_help(dispatcher, tracker, response)
        return True

    def _utter_help(self, dispatcher, tracker: Tracker, response: str) -> None:
        language = language_of(tracker)
        country = tracker.get_slot("country")
        scheme = scheme_for(country) if country else scheme_for("FR")
        values: dict[str, Any] = {}
        if response == "utter_why_company_id":
            values = {"id_name": scheme.name(language)}
        elif response == "utter_help_company_id":
            values = {
                "id_name": scheme.name(language),
                "example": scheme.example,
                "layout": scheme.number_layout(language),
            }
        elif response == "utter_help_country":
            values = {"countries": country_names(language)}
        elif response == "utter_help_password":
            values = {"examples": SPECIAL_CHARACTER_EXAMPLES}
        elif response == "utter_help_terms_accepted":
            values = {"terms_url": get_settings().terms_url}
        elif response == "utter_help_phone":
            values = {"example": phone_example(country or "FR")}
        dispatcher.utter_message(response=response, **values)

    # --- corrections without their value ----------------------------------------------------

    def _clear(self, tracker: Tracker, turn: _Turn) -> None:
        """Forgets the answers to ask again, before the extract and validate methods run (the
        events reach the form through get_validation_events, with this turn's other slots)."""
        reading, events = turn.reading, []
        for field in reading.cleared:
            events += [SlotSet(field, None), *_dependents(field, tracker)]
            if field == "password":
                with database() as session:
                    drafts.forget_password(session, tracker.sender_id)
            if field == "invitation_code":
                events.append(SlotSet("code_from_link", False))
        if reading.corrected and reading.corrected in reading.values:
            events += _dependents(reading.corrected, tracker)
        if reading.cleared or reading.corrected:
            events.append(SlotSet("confirmed", None))
        if turn.asked == MENU and (reading.cleared or reading.values):
            events.append(SlotSet("correction_menu", None))
        elif turn.asked == MENU and reading.back_to_summary:
            if tracker.get_slot("correction_menu") != "invitation":
                events += [SlotSet("correction_menu", None), SlotSet(MENU, None)]
        elif reading.which:  # asked which answer to correct (the menu already open stays)
            events += [
                SlotSet("correction_menu", tracker.get_slot("correction_menu") or "all"),
                SlotSet(MENU, None),
            ]
        tracker.add_slots(events)

    def _acknowledge(self, dispatcher, tracker: Tracker, turn: _Turn, events: list, domain) -> None:
        """ "C'est corrigé." once a corrected value passed its check (an address is read back);
        a full name typed at the first name question is said back as it was split; answers to
        other questions taken from the message are said back ("C'est noté : téléphone ...")."""
        final = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        noted = self._noted(tracker, turn, final)
        first, last = final.get("first_name"), final.get("last_name")
        labelled = turn.reading.names_labelled and first and last
        if labelled:  # "X c'est mon nom, mon prénom c'est Y": both said back, whatever was asked
            others = [(name, value) for name, value in noted if name not in _NAMES]
            noted = [("first_name", str(first)), ("last_name", str(last)), *others]
        elif turn.asked == "first_name" and {"first_name", "last_name"} <= set(turn.reading.values):
            noted = [(name, value) for name, value in noted if name != "last_name"]
            if first and last and not noted:  # the name alone: said with how to correct it
                dispatcher.utter_message(
                    response="utter_full_name_read", first_name=first, last_name=last
                )
            elif first and last:  # with the phone or the job title: one message for all
                noted = [("first_name", str(first)), ("last_name", str(last)), *noted]
        if noted:
            _say_noted(dispatcher, tracker, domain, noted)
        field = turn.reading.corrected
        if labelled or not field or field not in turn.reading.values:
            return
        if field not in ("email", "company_id") and final.get(field) is not None:
            if turn.checked.get(field) is None:
                # Never given before ("Tél : 02 41 00 11 22" in a signature at the first name
                # question): noted, not "corrected"
                _say_noted(dispatcher, tracker, domain, [(field, _shown(field, final[field]))])
                return
            dispatcher.utter_message(response="utter_corrected")

    @staticmethod
    def _noted(tracker: Tracker, turn: _Turn, final: dict) -> list[tuple[str, str]]:
        """The answers to other questions that this message gave and that passed their checks,
        as the supplier will see them, when nothing else says them back (the address is read
        back by its own confirmation, next once the company is identified)."""
        identified = final.get("invitation_valid", tracker.get_slot("invitation_valid"))
        noted = []
        for name in _NOTED:
            value = final.get(name)
            if name not in turn.reading.values or name in (turn.asked, turn.reading.corrected):
                continue
            if value in (None, "", SKIPPED):
                continue
            if name == "email" and identified:
                continue
            noted.append((name, _shown(name, value)))
        return noted

    # --- which questions, in which order --------------------------------------------------

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        slots = list(domain_slots)
        if tracker.get_slot("country_inferred"):
            slots.insert(slots.index("country") + 1, "country_confirmed")
        if tracker.get_slot("correction_menu"):
            slots.insert(0, MENU)
        return slots

    async def next_requested_slot(self, dispatcher, tracker, domain):
        if _STOPPED.get():
            return None  # expired, used or locked: the validation ended the form
        return await super().next_requested_slot(dispatcher, tracker, domain)

    async def get_validation_events(self, dispatcher, tracker: Tracker, domain) -> list:
        # Answers cleared this turn (a correction, a fresh start) have nothing to validate: the
        # form asks for them again; rasa_sdk would pass None to validate_<slot>. The password is
        # the exception: None is extract_password's refusal, and must reach the form.
        # The other slots set this turn (figures for the report, the menu, the counts of
        # refusals) are passed on as they are: rasa_sdk drops what is not a slot of the form.
        changed = tracker.slots_to_validate()
        form_slots = await self.required_slots(
            self.domain_slots(domain), dispatcher, tracker, domain
        )
        order = {name: i for i, name in enumerate(form_slots)}
        cleared = {k: v for k, v in changed.items() if k in form_slots and v is None}
        kept = {k: v for k, v in changed.items() if k not in form_slots or k in RECORDED_SLOTS}
        tracker.slots_to_validate = lambda: dict(
            sorted(
                (
                    (k, v)
                    for k, v in changed.items()
                    if k in form_slots and (v is not None or k == "password")
                ),
                key=lambda item: order[item[0]],
            )
        )
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {e["name"] for e in events}
        return [
            *(SlotSet(k, None) for k in cleared if k not in validated),
            *events,
            *(SlotSet(k, v) for k, v in kept.items() if k not in validated),
        ]

    # --- refusals: the second explains, the third offers a way out ----------------------------

    def _count_refusal(self, slot: str, tracker: Tracker, dispatcher) -> Slots:
        refusals = dict(tracker.get_slot("refusals") or {})
        refusals[slot] = refusals.get(slot, 0) + 1
        if refusals[slot] == 2:
            self._explain(slot, tracker, dispatcher)
        elif refusals[slot] >= 3:
            offer = "utter_offer_skip" if slot in OPTIONAL else "utter_offer_advisor"
            dispatcher.utter_message(response=offer)
        tracker.slots["refusals"] = refusals
        return {"refusals": refusals}

    def _refused(self, slot: str, tracker: Tracker, dispatcher, response: str, **values) -> Slots:
        """Says why the answer to ``slot`` is refused, then, when refused before, how to answer."""
        dispatcher.utter_message(response=response, **values)
        return {slot: None, **self._count_refusal(slot, tracker, dispatcher)}

    @staticmethod
    def _accepted(slot: str, tracker: Tracker) -> Slots:
        refusals = dict(tracker.get_slot("refusals") or {})
        if refusals.pop(slot, None) is None:
            return {}
        tracker.slots["refusals"] = refusals
        return {"refusals": refusals}

    def _explain(self, slot: str, tracker: Tracker, dispatcher) -> None:
        language = language_of(tracker)
        country = tracker.get_slot("country") or "FR"
        if slot in YES_NO_SLOTS or slot == MENU:
            dispatcher.utter_message(response="utter_explain_yes_no")
        elif slot == "company_id" and scheme_for(country):
            scheme = scheme_for(country)
            dispatcher.utter_message(
                response=_EXPLAIN[slot],
                id_name=scheme.name(language),
                layout=scheme.number_layout(language),
                example=scheme.example,
            )
        elif slot == "phone":
            dispatcher.utter_message(
                response=_EXPLAIN[slot],
                country=scheme_for(country).the_country(language),
                example=phone_example(country),
                international=phone_example(country, international=True),
            )
        elif slot == "password":
            dispatcher.utter_message(
                response="utter_explain_password", examples=SPECIAL_CHARACTER_EXAMPLES
            )
        elif slot in _EXPLAIN:
            dispatcher.utter_message(response=_EXPLAIN[slot])

    # --- extraction: what this message gives each question -------------------------------------

    def _extracted(self, slot: str) -> Slots:
        turn = _TURN.get()
        if turn is None:
            return {}
        reading = turn.reading
        if slot in reading.values:
            return {slot: reading.values[slot]}
        if slot == turn.asked and (
            reading.stance or reading.question or reading.which or reading.special_characters
        ):
            if slot in OPTIONAL and reading.stance not in (None, *_NO_ANSWER_STANCES):
                return {slot: SKIPPED}  # "je ne sais pas", "passer": no job title
            return {slot: None}  # answered by _help; the question is asked again
        return {}

    def extract_country(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("country")

    def extract_company_id(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("company_id")

    def extract_invitation_code(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("invitation_code")

    def extract_email(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("email")

    def extract_first_name(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("first_name")

    def extract_last_name(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("last_name")

    def extract_phone(self, dispatcher, tracker: Tracker, domain) -> Slots:
        turn, suggestion = _TURN.get(), tracker.get_slot("phone_suggestion")
        if turn and turn.asked == "phone" and suggestion and turn.intent in YES_OR_NO:
            # "Did you mean +33 6 12 34 56 78?": yes keeps it, no asks the number again
            phone = suggestion if turn.intent == "affirm" else None
            return {"phone": phone, "phone_suggestion": None}
        return self._extracted("phone")

    def extract_job_title(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._extracted("job_title")

    def extract_country_confirmed(self, dispatcher, tracker: Tracker, domain) -> Slots:
        turn = _TURN.get()
        if turn is None or turn.asked != "country_confirmed":
            return {}
        if "country" in turn.reading.values:
            return {"country_confirmed": False}  # "non, c'est la Belgique"
        if "country" in turn.reading.recognised and turn.intent != "deny":
            return {"country_confirmed": True}  # "France", "yes it's in France": the same one
        if turn.intent in YES_OR_NO:
            return {"country_confirmed": turn.intent == "affirm"}
        if {"invitation_code", "email"} & turn.reading.values.keys():
            # The next answer typed instead of "oui" (the invitation code): going on is a yes,
            # and the invitation check refuses a code that is not this country's company's.
            return {"country_confirmed": True}
        return self._unsure_answer("country_confirmed", tracker, plain_yes=True)

    def extract_email_confirmed(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._unsure_answer("email_confirmed", tracker, plain_yes=True)

    def extract_terms_accepted(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._unsure_answer("terms_accepted", tracker)

    def extract_confirmed(self, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._unsure_answer("confirmed", tracker)

    @staticmethod
    def _unsure_answer(slot: str, tracker: Tracker, *, plain_yes: bool = False) -> Slots:
        """ "I don't agree with them": the NLU is not sure, and its best guess is "no". A no
        is never a consent nor an account created, so an unsure one counts (an unsure yes
        does not: Rasa's mapping reads only a sure one); it got "reply yes or no".

        With ``plain_yes`` (a confirmation that neither consents nor creates: the country,
        the address), a message that begins with a yes and takes nothing back is a yes: "ah
        oui pardon on est a bruxelles" got "reply yes or no"."""
        turn = _TURN.get()
        if turn is None or turn.asked != slot or turn.intent != FALLBACK_INTENT:
            return {}
        text = tracker.latest_message.get("text") or ""
        if disagrees(text):
            return {slot: False}  # "bof, pas vraiment d'accord": a no, whatever the guess
        if plain_yes and begins_with_yes(text):
            return {slot: True}
        ranking = tracker.latest_message.get("intent_ranking") or []
        guess = next((i.get("name") for i in ranking if i.get("name") != FALLBACK_INTENT), None)
        return {slot: False} if guess == "deny" else {}

    def extract_field_to_correct(self, dispatcher, tracker: Tracker, domain) -> Slots:
        turn = _TURN.get()
        if turn is None or turn.asked != MENU:
            return {}
        return {MENU: None}  # the menu's answer is the answer it names (_clear, the values)

    # --- 1. Identify the company -------------------------------------------------------

    def validate_country(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = parse_country(value or "", fuzzy=True)
        if country is None:
            language = language_of(tracker)
            if holds_a_number(value or ""):
                return self._refused("country", tracker, dispatcher, "utter_country_first")
            name = unsupported_country(value or "", language)
            if name is not None:  # "Ireland": not "I do not recognise this country"
                return self._refused(
                    "country",
                    tracker,
                    dispatcher,
                    "utter_country_not_supported",
                    country=name,
                    countries=country_names(language),
                )
            return self._refused(
                "country",
                tracker,
                dispatcher,
                "utter_country_unknown",
                countries=country_names(language),
            )
        turn = _TURN.get()
        inferred = turn is not None and turn.reading.inferred_country == country
        if inferred:
            # Read from the identifier alone: asked to confirm before the invitation check.
            return {"country": country, "country_inferred": True, "country_confirmed": None}
        accepted = self._accepted("country", tracker)
        if turn is not None and turn.asked == "company_id":
            # The country changed at the identifier question: another identifier, asked afresh
            # (the refusals of the other country's are forgotten).
            accepted.update(self._accepted("company_id", tracker))
        return {"country": country, **accepted}

    def validate_country_confirmed(self, value: bool, dispatcher, tracker, domain) -> Slots:
        if not value:  # "no, another country": asked again (or given: "non, la Belgique")
            turn = _TURN.get()
            other = turn is not None and "country" in turn.reading.values
            return {
                **({} if other else {"country": None}),
                "company_id": None,
                "country_confirmed": None,
                "country_inferred": False,
            }
        slots: Slots = {"country_confirmed": True, "country_inferred": False}
        code = invitation_code(tracker)
        country, company = tracker.get_slot("country"), tracker.get_slot("company_id")
        if code and country and company and not tracker.get_slot("invitation_valid"):
            tracker.slots.update(slots)
            slots.update(
                self._check_invitation(dispatcher, tracker, CompanyId(country, company), code)
            )
        return slots

    def validate_company_id(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = tracker.get_slot("country")
        if not country:
            return {"company_id": None}  # asked once the country is known
        language = language_of(tracker)
        scheme = scheme_for(country)
        check = check_company_id(country, value or "")
        if not check.ok:
            elsewhere = recognise_company_id(value or "")
            if elsewhere is not None and elsewhere.company_id.country != country:
                # A SIREN for a Belgian company: "is your company in France, then?"
                return {
                    "country": elsewhere.company_id.country,
                    "company_id": elsewhere.company_id.value,
                    "country_inferred": True,
                    "country_confirmed": None,
                    "invitation_valid": None,
                }
            wording = identifier_wording(country, language)
            if check.error is CompanyIdError.VAT_NUMBER:
                wording["layout"] = scheme.number_layout(language)
            if check.error is CompanyIdError.UNSUPPORTED_COUNTRY:
                wording = {"countries": country_names(language)}
            return self._refused(
                "company_id", tracker, dispatcher, _COMPANY_ID_ERRORS[check.error], **wording
            )
        accepted = self._accepted("company_id", tracker)
        if self._already_checked("company_id", check.company_id.value, tracker):
            return {"company_id": check.company_id.value, **accepted}
        if check.from_siret:
            dispatcher.utter_message(
                response="utter_siret_to_siren", siren=check.company_id.display()
            )
        elif check.from_vat:
            dispatcher.utter_message(
                response="utter_vat_to_siren", siren=check.company_id.display()
            )
        code = invitation_code(tracker)
        if code is None and tracker.get_slot("invitation_code"):
            # A code held only as its mask, with no full code kept: asked again, never taken
            # as checked.
            return {
                "company_id": check.company_id.value,
                "invitation_code": None,
                "invitation_valid": None,
                **accepted,
            }
        if code and not tracker.get_slot("country_inferred"):  # known: check the pair now
            return {
                **accepted,
                **self._check_invitation(
                    dispatcher, tracker, check.company_id, code, (COMPANY_IDENTIFIED,)
                ),
            }
        return {
            "company_id": check.company_id.value,
            **accepted,
            **reached(tracker, COMPANY_IDENTIFIED),
        }

    def validate_invitation_code(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        # A code kept from an earlier turn reaches here masked when the form starts.
        code = extract_code(invitation_code(tracker, value) or "")
        if code is None:
            return self._refused(
                "invitation_code", tracker, dispatcher, "utter_invitation_code_unreadable"
            )
        accepted = self._accepted("invitation_code", tracker)
        if self._already_checked("invitation_code", code, tracker) or _CHECKED.get():
            return {"invitation_code": code, **accepted}
        country, company = tracker.get_slot("country"), tracker.get_slot("company_id")
        if not (country and company) or tracker.get_slot("country_inferred"):
            # Known before the company (invitation link, or typed first): kept in full
            # server-side (the tracker store masks it) until the identifier is known.
            with database() as session:
                drafts.save_invitation_code(session, tracker.sender_id, code)
            turn = _TURN.get()
            if turn is not None and turn.asked in ("country", "company_id"):
                # Typed where the country or the identifier is asked: said, or the question
                # asked again looks as if the code was not read.
                dispatcher.utter_message(response="utter_invitation_code_kept")
            return {"invitation_code": code, **accepted}
        return {
            **accepted,
            **self._check_invitation(dispatcher, tracker, CompanyId(country, company), code),
        }

    @staticmethod
    def _already_checked(slot: str, value: str, tracker: Tracker) -> bool:
        """The same value as the one already checked against the invitation (re-validation)."""
        # Before this message's answers were extracted (a kept code is masked: the draft has it).
        turn = _TURN.get()
        current = turn.checked[slot] if turn is not None else tracker.get_slot(slot)
        if slot == "invitation_code" and current:
            current = invitation_code(tracker, current)
        return bool(tracker.get_slot("invitation_valid")) and current == value

    def _locked(self, dispatcher, until: float, *outcomes: str, **slots) -> Slots:
        """Checks are suspended until ``until``: said with the wait, an advisor offered."""
        dispatcher.utter_message(response="utter_invitation_locked", minutes=_minutes_until(until))
        _STOPPED.set(True)
        return {
            **slots,
            "requested_slot": None,
            "invitation_locked_until": until,
            INVITATION_CHECK: list(outcomes),
        }

    def _check_invitation(
        self,
        dispatcher,
        tracker: Tracker,
        company_id: CompanyId,
        code: str,
        steps: tuple[str, ...] = (),
    ) -> Slots:
        """Checks the pair, says the outcome and records it (``steps``: reached on the way)."""
        _CHECKED.set(True)
        answers = {"company_id": company_id.value, "invitation_code": code}
        failures = int(tracker.get_slot("invitation_failures") or 0)
        locked_until = tracker.get_slot("invitation_locked_until")
        window = 60 * get_settings().invitation_check_window_minutes
        now = _timestamp(utcnow())
        lifted: Slots = {}
        if failures >= MAX_INVITATION_FAILURES:
            if locked_until is not None and now >= locked_until:
                # The wait is over, in this conversation as in any other.
                failures = 0
                lifted = {"invitation_failures": 0.0, "invitation_locked_until": None}
            else:
                return self._locked(
                    dispatcher,
                    locked_until or now + window,
                    LOCKED,
                    **answers,
                    **reached(tracker, *steps),
                )
        with database() as session:
            limited = verify_invitation_limited(session, company_id, code)
            if limited.locked:
                free_at = retry_after(session, company_id, code)
            else:
                # The tracker store keeps only the code's first symbols: the full code waits in
                # the registration draft, to create the account in a later turn, and to check it
                # again with another identifier after a refusal (the identifier corrected after
                # a mismatch was taken unchecked, and the account's creation failed).
                drafts.save_invitation_code(session, tracker.sender_id, code)
        if limited.locked:
            # Too many failures on this code or this company ID, from any conversation: the
            # same answer as the conversation's own lock, which it now becomes.
            until = _timestamp(free_at) if free_at else now + window
            return self._locked(
                dispatcher,
                until,
                LOCKED,
                **answers,
                invitation_failures=float(max(failures, MAX_INVITATION_FAILURES)),
                **reached(tracker, *steps),
            )
        check = limited.check
        if check.status is InvitationStatus.VALID:
            dispatcher.utter_message(response="utter_invitation_valid", customer=check.customer)
            return {
                **answers,
                "invitation_valid": True,
                **lifted,
                **({"correction_menu": None} if tracker.get_slot("correction_menu") else {}),
                INVITATION_CHECK: [check.status.value],
                **reached(tracker, *steps, INVITATION_VALID),
            }
        if check.status is InvitationStatus.MISMATCH:
            failures += 1
            if cut_off_in_a_link(code, bool(tracker.get_slot("code_from_link"))):
                # "/?invitation=PPBNQP0T9SH5", a link a mail client wrapped: not the customer's
                # doing; the code asked, copied from the email (sixth outside tester, M12)
                dispatcher.utter_message(response="utter_link_code_incomplete")
                if failures < MAX_INVITATION_FAILURES:
                    return {
                        "company_id": company_id.value,
                        "invitation_code": None,
                        "code_from_link": False,
                        "invitation_valid": None,
                        "invitation_failures": float(failures),
                        INVITATION_CHECK: [check.status.value],
                        **reached(tracker, *steps),
                    }
            else:
                dispatcher.utter_message(response="utter_invitation_mismatch")
            if failures >= MAX_INVITATION_FAILURES:
                return self._locked(
                    dispatcher,
                    now + window,
                    check.status.value,
                    LOCKED,
                    **answers,
                    invitation_failures=float(failures),
                    **reached(tracker, *steps),
                )
            # Both are kept: the supplier says which of the two is wrong (the menu).
            return {
                **answers,
                "invitation_valid": None,
                "invitation_failures": float(failures),
                "correction_menu": "invitation",
                MENU: None,
                INVITATION_CHECK: [check.status.value],
                **reached(tracker, *steps),
            }
        response = {
            InvitationStatus.EXPIRED: "utter_invitation_expired",
            InvitationStatus.USED: "utter_invitation_used",
        }[check.status]
        dispatcher.utter_message(response=response, customer=check.customer)
        _STOPPED.set(True)
        return {
            **answers,
            "requested_slot": None,
            INVITATION_CHECK: [check.status.value],
            **reached(tracker, *steps),
        }

    # --- 2. Create the account ---------------------------------------------------------

    def validate_email(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        check = check_supplier_email(value or "")
        if not check.ok:
            response = _EMAIL_ERRORS.get(check.error, "utter_email_invalid")
            return self._refused("email", tracker, dispatcher, response, email=check.address)
        if check.address == tracker.get_slot("registered_email"):
            # Another company after the account this conversation created: an address is one
            # account's (said as it was told here, whether that address was new or not).
            response = "utter_email_has_the_account_created"
            return self._refused("email", tracker, dispatcher, response, email=check.address)
        accepted = self._accepted("email", tracker)
        turn = _TURN.get()
        # The address before this message (rasa_sdk has already put the extracted one in the
        # slot): a new address at the summary or the password question is confirmed again.
        before = turn.checked["email"] if turn is not None else tracker.get_slot("email")
        if check.address == before and tracker.get_slot("email_confirmed"):
            return {"email": check.address, **accepted}  # re-validation of the confirmed address
        declined = check.address == tracker.get_slot("email_suggestion_declined")
        if check.accents_removed:  # "élodie.brûlé@...": the address read back is without them
            dispatcher.utter_message(response="utter_email_accents_removed")
        return {
            "email": check.address,
            "email_suggestion": None if declined else check.suggestion,
            "email_confirmed": None,
            **accepted,
        }

    def validate_email_confirmed(self, value: bool, dispatcher, tracker: Tracker, domain) -> Slots:
        turn = _TURN.get()
        if turn is not None and "email" in turn.reading.values:
            return {"email_confirmed": None}  # "non, c'est jean@acme.com": the new one is asked
        suggestion = tracker.get_slot("email_suggestion")
        if value and suggestion:  # "yes, I meant the suggested address"
            slots = {"email": suggestion, "email_suggestion": None, "email_confirmed": True}
        elif suggestion:  # "no": neither, the address is asked again (and kept if typed again)
            dispatcher.utter_message(response="utter_correcting")
            return {
                "email": None,
                "email_suggestion": None,
                "email_confirmed": None,
                "email_suggestion_declined": tracker.get_slot("email"),
            }
        elif value:
            slots = {"email_confirmed": True}
        else:
            return {"email": None, "email_confirmed": None}
        # The widget's password goes to the web app, which refuses one containing this address.
        with database() as session:
            drafts.save_email(
                session, tracker.sender_id, slots.get("email") or tracker.get_slot("email")
            )
            used = self._used_meanwhile(session, tracker)
        if used is not None:
            # Another conversation (a colleague) created the account with this invitation since
            # it was checked: said now, not after the password, the terms and the contact
            # details (it was found at the summary's "yes").
            dispatcher.utter_message(response="utter_invitation_used", customer=used.customer)
            _STOPPED.set(True)
            return {**slots, "requested_slot": None, INVITATION_CHECK: [used.status.value]}
        return slots

    @staticmethod
    def _used_meanwhile(session, tracker: Tracker) -> InvitationCheck | None:
        """The invitation checked earlier in this conversation, if it has been used since."""
        country, company = tracker.get_slot("country"), tracker.get_slot("company_id")
        code = drafts.invitation_code_for(session, tracker.sender_id)
        if not (country and company and code and tracker.get_slot("invitation_valid")):
            return None
        check = verify_invitation(session, CompanyId(country, company), code)
        return check if check.status is InvitationStatus.USED else None

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
        turn = _TURN.get()
        if turn is not None and turn.reading.gives_something:
            return {}  # "en fait mon email c'est ...", "pourquoi ?": not a password
        password = password_in(tracker.latest_message.get("text") or "")
        names = (tracker.get_slot("first_name"), tracker.get_slot("last_name"))
        problems = check_password(password, tracker.get_slot("email"), names)
        if problems:
            language = language_of(tracker)
            lines = "\n".join(
                response_text(domain, f"utter_password_rule_{rule.value}", language)
                for rule in problems
            )
            dispatcher.utter_message(response="utter_password_not_accepted", problems=lines)
            return {
                "password": None,
                PASSWORD_RULES_UNMET: [rule.value for rule in problems],
                **self._count_refusal("password", tracker, dispatcher),
            }
        password_hash = await asyncio.to_thread(hash_password, password)
        with database() as session:
            drafts.save_password_hash(session, tracker.sender_id, password_hash)
        return {"password": PASSWORD_SET, **self._accepted("password", tracker)}

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

    def _name(self, slot: str, value: str, dispatcher, tracker: Tracker) -> Slots:
        check = check_name(value or "")
        if not check.ok:
            response = {
                ContactError.NOT_A_NAME: "utter_name_not_a_name",
                ContactError.NOTICE: "utter_name_notice",
            }.get(check.error, "utter_name_invalid")
            return self._refused(slot, tracker, dispatcher, response)
        return {slot: check.value, **self._accepted(slot, tracker)}

    def validate_first_name(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._name("first_name", value, dispatcher, tracker)

    def validate_last_name(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        return self._name("last_name", value, dispatcher, tracker)

    def validate_phone(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        country = tracker.get_slot("country") or "FR"
        check = check_phone(value or "", country)
        pending = {"phone_suggestion": None} if tracker.get_slot("phone_suggestion") else {}
        if check.ok:
            if len(phone_numbers(value or "", country)) > 1:
                # "mob 07700 900 461, landline 0161 496 0123 - which one do you want?"
                dispatcher.utter_message(
                    response="utter_phone_first_kept", phone=format_phone(check.value)
                )
            extension = phone_extension(value or "", country)
            if extension:  # "+44 161 496 0731 ext 204": the number is kept, not the extension
                dispatcher.utter_message(
                    response="utter_phone_extension_not_kept",
                    phone=format_phone(check.value),
                    extension=extension,
                )
            return {"phone": check.value, **pending, **self._accepted("phone", tracker)}
        language = language_of(tracker)
        refused = self._refused(
            "phone",
            tracker,
            dispatcher,
            "utter_phone_invalid",
            country=scheme_for(country).the_country(language),
            example=phone_example(country),
        )
        elsewhere = phone_elsewhere(value or "", country)
        if elsewhere is not None:  # "did you mean +33 6 12 34 56 78?" (action_ask_phone)
            return {**refused, "phone_suggestion": elsewhere.value}
        return {**refused, **pending}

    def validate_job_title(self, value: str, dispatcher, tracker: Tracker, domain) -> Slots:
        if value == SKIPPED:
            return {"job_title": SKIPPED, **reached(tracker, CONTACT_DETAILS)}
        check = check_job_title(value or "")
        if not check.ok:
            response = (
                "utter_job_title_markup"
                if check.error is ContactError.MARKUP
                else "utter_job_title_invalid"
            )
            return self._refused("job_title", tracker, dispatcher, response)
        return {
            "job_title": check.value,
            **self._accepted("job_title", tracker),
            **reached(tracker, CONTACT_DETAILS),
        }

    # --- 4. Confirm ----------------------------------------------------------------------

    def validate_confirmed(self, value: bool, dispatcher, tracker: Tracker, domain) -> Slots:
        turn = _TURN.get()
        if turn is not None and (turn.reading.values or turn.reading.cleared):
            return {"confirmed": None}  # "non, le prénom c'est Sophie": corrected, summary again
        if value:
            return {"confirmed": True}
        # On "no", the form asks what to correct (field_to_correct, action_ask_field_to_correct).
        return {"confirmed": None, "correction_menu": "all", MENU: None}


def utter_about_the_pair(dispatcher, tracker: Tracker, response: str) -> None:
    """A response about the identifier and the code that do not match (the code masked)."""
    language = language_of(tracker)
    country = tracker.get_slot("country")
    scheme = scheme_for(country) if country else None
    company = tracker.get_slot("company_id") or ""
    dispatcher.utter_message(
        response=response,
        id_name=scheme.name(language) if scheme else "",
        company=CompanyId(country, company).display() if scheme else company,
        code=mask_code(invitation_code(tracker) or ""),
    )


def _dependents(field: str, tracker: Tracker) -> list:
    return [SlotSet(name, None) for name in DEPENDENT_SLOTS.get(field, ())]


def _filled(events: list) -> bool:
    """Whether the validation set an answer (not only the question or the report's records)."""
    return any(
        e.get("event") == "slot" and e["name"] not in ("requested_slot", *RECORDED_SLOTS)
        for e in events
    )


# The answers said back when a message gives them before their question (in this order).
_NOTED = ("email", "first_name", "last_name", "phone", "job_title")
_NAMES = ("first_name", "last_name")


def _an_unsure_question(turn: _Turn, text: str) -> bool:
    """A question the NLU is not sure about, which answers nothing at a typed or a yes/no
    question (at the password, only what cannot be one: "Velo!Rouge42?" is a password); or a
    sentence where an identifier, a code or an address is asked ("wait, Northwind is not my
    customer": it got "not a CRN"), or the country ("I don't know which email to use, I have
    two": it got "I do not recognise this country")."""
    reading = turn.reading
    typed_value = turn.asked in ("country", "company_id", "invitation_code", "email")
    # A sentence read as a correction in which no correction was found is as unsure.
    unsure = turn.intent == FALLBACK_INTENT or (
        turn.intent == "correct_field" and typed_value and is_a_sentence(text)
    )
    return (
        unsure
        # at a yes/no question too: "why can't I just skip it?" at the terms got "reply yes
        # or no"
        and (turn.asked in TEXT_FIELDS or turn.asked in YES_NO_SLOTS)
        # the password: only a question that cannot be one ("combien de temps ça prend ?")
        and (turn.asked != "password" or reading.question)
        and (
            text.rstrip().endswith("?")
            or (typed_value and is_a_sentence(text))
            # "Is there a fee for this? We have 2 portals already"
            or (turn.asked == "password" and reading.question)
        )
        and len(text.split()) > 1
        # nothing recognised in it (at the email question the text itself is the value read)
        and not (reading.recognised or reading.stance or reading.corrected or reading.which)
    )


def _confirmed_now(events: list) -> bool:
    """Whether this turn's validation set ``confirmed`` to yes (its last value)."""
    values = [e["value"] for e in events if e.get("event") == "slot" and e["name"] == "confirmed"]
    return bool(values) and values[-1] is True


def _changes_the_question(intent: str | None, dispatcher: CollectingDispatcher) -> bool:
    return intent == "correct_field" and not dispatcher.messages


def _unanswered(events: list, asked: str, intent: str | None) -> bool:
    """No answer to the yes/no question, nor anything else read from the message."""
    if intent in (*YES_OR_NO, *FOR_THE_RULES):
        return False
    return not _filled(events)


class ActionAskCompanyId(Action):
    """Names the identifier as it is called in the company's country."""

    def name(self) -> str:
        return "action_ask_company_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        wording = identifier_wording(tracker.get_slot("country"), language_of(tracker))
        dispatcher.utter_message(response="utter_ask_company_id", **wording)
        return []


class ActionAskCountryConfirmed(Action):
    """ "This number is a SIREN, so your company is registered in France: is that right?" """

    def name(self) -> str:
        return "action_ask_country_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        language = language_of(tracker)
        scheme = scheme_for(tracker.get_slot("country"))
        dispatcher.utter_message(
            response="utter_ask_country_confirmed",
            id_name=scheme.name(language),
            country=scheme.in_country(language),
        )
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


class ActionAskFirstName(Action):
    """The first name question; for a next company, with a button that takes the contact
    details of the account created before in this conversation."""

    def name(self) -> str:
        return "action_ask_first_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        previous = tracker.get_slot(PREVIOUS_CONTACT) or {}
        if not previous.get("first_name"):
            dispatcher.utter_message(response="utter_ask_first_name")
            return []
        language = language_of(tracker)
        shown = " ".join(previous.get(k) or "" for k in ("first_name", "last_name")).strip()
        title = response_text(domain, "utter_same_contact_button", language).format(name=shown)
        payload = response_text(domain, "utter_same_contact_said", language)
        dispatcher.utter_message(
            response="utter_ask_first_name", buttons=[{"title": title, "payload": payload}]
        )
        return []


class ActionAskPhone(Action):
    """The phone question, or the number of another country it proposes instead."""

    def name(self) -> str:
        return "action_ask_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        suggestion = tracker.get_slot("phone_suggestion")
        country = phone_country(suggestion) if suggestion else None
        scheme = scheme_for(country) if country else None
        if scheme is None:
            dispatcher.utter_message(response="utter_ask_phone")
            return []
        dispatcher.utter_message(
            response="utter_phone_suggestion",
            country=scheme.the_country(language_of(tracker)),
            phone=format_phone(suggestion),
        )
        return []


class ActionAskFieldToCorrect(Action):
    """ "What would you like to correct?", or after a failed check: the code or the identifier?"""

    def name(self) -> str:
        return "action_ask_field_to_correct"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot("correction_menu") == "invitation":
            utter_about_the_pair(dispatcher, tracker, "utter_ask_which_is_wrong")
        else:
            dispatcher.utter_message(response="utter_ask_what_to_correct")
        return []


class ActionAskConfirmed(Action):
    """The summary, without the password."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
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
            if job_title and job_title != SKIPPED
            else response_text(domain, "utter_not_given", language),
        )
        return []
