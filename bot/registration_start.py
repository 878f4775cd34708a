"""Whether a message starts the registration, and what the assistant says when it does not.

One reading for the Rasa server, which starts registrations itself (rasa_ext/
registration_start.py: the registration's first message then makes one call to the action
server, the form's, instead of two), and for the custom ``action_start_registration``
(actions/registration.py), which the Rasa server still calls when it runs without rasa_ext.
It needs the message, its intent and the conversation's slots, nothing the action server alone
has (no database): every branch is here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.checks.answers import (
    corrected_address,
    holds_registration_data,
    read_message,
    says_already_registered,
    says_coming_back,
)
from bot.checks.email_addresses import check_supplier_email
from bot.checks.fields import fold

# Every slot of the registration, in the order of the form, with those the validation sets
# beside an answer (the invitation check, a suggested correction, the menu, refusal counts): a
# fresh start forgets them.
REGISTRATION_SLOTS = (
    "country",
    "country_inferred",
    "country_confirmed",
    "company_id",
    "invitation_code",
    "invitation_valid",
    "email",
    "email_suggestion",
    "email_suggestion_declined",
    "email_confirmed",
    "password",
    "terms_accepted",
    "first_name",
    "last_name",
    "phone",
    "phone_suggestion",
    "job_title",
    "confirmed",
    "correction_menu",
    "field_to_correct",
    "refusals",
)


@dataclass(frozen=True)
class Start:
    """What ``action_start_registration`` does: the responses it says (name, arguments), the
    slots it sets, in order, and the action that follows it, if any."""

    responses: tuple[tuple[str, dict[str, Any]], ...] = ()
    slots: tuple[tuple[str, Any], ...] = ()
    followup: str | None = None


def forgotten_slots(get_slot: Callable[[str], Any], *, keep_link_code: bool = True) -> list[str]:
    """The registration slots that hold a value, to be forgotten (the invitation link's code
    may stay). ``invitation_failures`` is not one: restarting must not lift the lock."""
    keep = {"invitation_code"} if keep_link_code and get_slot("code_from_link") else set()
    return [slot for slot in REGISTRATION_SLOTS if slot not in keep and get_slot(slot) is not None]


def _not_started(offer: str | None, *extra: tuple[str, Any]) -> tuple[tuple[str, Any], ...]:
    return (("registration_offer", offer), ("registration_starting", False), *extra)


def _an_address_alone(text: str) -> str | None:
    """The supplier's address, when the message gives nothing else a registration needs."""
    if set(read_message(text, None, {}).values) != {"email"}:
        return None
    checked = check_supplier_email(text)
    return checked.address if checked.ok else None


# "client suivant", "next client", "une autre société", "the next company": an accountant's
# next registration.
_NEXT_COMPANY = re.compile(
    r"\b(?:(?:client|societe|entreprise|dossier)s? suivante?s?"
    r"|(?:une |l')autre (?:societe|entreprise|client)"
    r"|next (?:client|company|one)|another (?:client|company))\b"
)


def _another_company(text: str) -> bool:
    """The next company's answers in the message: its invitation code (a code serves only to
    register), or its identifier said to be the next company's ("Next client: Fenwick Labs,
    03193610, code P88E-..."). That one is registered: they were lost after "another
    company?"."""
    values = read_message(text, None, {}).values
    if "invitation_code" in values:
        return True
    return bool(values) and bool(_NEXT_COMPANY.search(fold(text)))


def registration_start(intent: str | None, text: str, get_slot: Callable[[str], Any]) -> Start:
    """Starts a registration, or first asks: the supplier's answer comes back here (rules).

    A fresh start forgets earlier answers (an invitation link's code is kept) and the form then
    reads the message that started it: "Bonjour, France, siren ..., code ..." is kept. Not
    started at once: after an account was created in this conversation (said, with "another
    company?"), and on an answer that holds no registration data ("voulez-vous commencer ?").
    ``registration_starting`` tells the rules which way it went.
    """
    text = text or ""
    offer = get_slot("registration_offer")
    registered = get_slot("registered_email")
    if intent == "deny":
        return Start((("utter_not_starting", {}),), _not_started(None))
    if says_already_registered(text):
        # "I registered last week with ...": not invited to register again
        return Start((("utter_account_may_exist", {}),), _not_started(None))
    corrected = registered and corrected_address(text)
    if corrected and corrected != registered:
        # "je me suis trompée d'adresse, c'est X" after the account was created: the address
        # correction, with X (it got "another company?", and X was lost).
        slots = _not_started(None, ("address_correction", True), ("new_email", corrected))
        return Start((), slots, followup="email_change_form")
    address = _an_address_alone(text) if intent == "inform" and not registered else None
    if address is not None and offer is None:
        # "jean@acme.fr" and nothing else (after "I can send the activation email again"): to
        # register, or to get the activation email? It started a registration. Kept for the
        # resend (activation_request_form reads it).
        return Start(
            (("utter_address_what_for", {"email": address}),),
            _not_started(None, ("activation_email", address)),
        )
    if registered and offer != "another" and intent != "affirm" and not _another_company(text):
        exists = ("utter_registration_exists", {"email": registered})
        return Start((exists,), _not_started("another"))
    if intent in ("inform", "skip") and offer is None and not holds_registration_data(text):
        return Start((("utter_answer_without_question", {}),), _not_started("start"))
    forgotten = forgotten_slots(get_slot)
    # "je reviens pour finir mon inscription" with nothing of it here: begun in an earlier
    # conversation, whose answers are gone (said, rather than starting as if it were new).
    again = not forgotten and says_coming_back(text)
    start = "utter_start_registration_again" if again else "utter_start_registration"
    responses: list[tuple[str, dict[str, Any]]] = [(start, {})]
    if get_slot("code_from_link"):
        responses.append(("utter_code_from_link", {}))
    slots = [(slot, None) for slot in forgotten]
    slots += [("registration_offer", None), ("requested_slot", None)]
    slots.append(("registration_starting", True))
    return Start(tuple(responses), tuple(slots))
