"""What the assistant is asking, read from its reply as a supplier would, in French or English.

Three sources, most precise first:

1. the reply's custom payload (``{"input": "password"}`` masks the widget's field);
2. the names of the responses the assistant uttered this turn (``utter_ask_country``...), which
   Rasa records with each bot event in the tracker store (``metadata.utter_action``): they
   survive rewording. Rasa's form convention ``utter_ask_<slot>`` is read generically;
3. the wording of the reply, by patterns in both languages, searched from the last message
   backwards (the question closes a reply).

When none recognises a question but the registration form is active, its ``requested_slot``
names it. The driver reports which source recognised each turn (a growing share of "wording" or
"unknown" after a change of the assistant says this file needs a look).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bench.conversations.script import folded

# Rasa's slot names of the registration form -> kinds of question.
SLOT_KINDS = {
    "country": "country",
    "company_id": "company_id",
    "invitation_code": "invitation_code",
    "email": "email",
    "new_email": "email",
    "new_email_confirmed": "email_confirm",
    "country_confirmed": "country_confirm",
    "email_confirmed": "email_confirm",
    "email_suggestion": "email_suggestion",
    "password": "password",
    "terms_accepted": "terms",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "job_title": "job_title",
    "confirmed": "summary",
    "handoff_contact": "handoff_contact",
}

# Response names that are questions, besides utter_ask_<slot>.
RESPONSE_KINDS = {
    "utter_confirm_email": "email_confirm",
    "utter_email_suggestion": "email_suggestion",
    "utter_registration_summary": "summary",
    "utter_ask_what_to_correct": "correction_menu",
    "utter_ask_which_is_wrong": "which_is_wrong",
    "utter_answer_without_question": "start",
    "utter_default": "advisor_offer",
    "utter_ask_cancel_registration": "cancel_confirm",
    "utter_activation_options": "activation_help",
    "utter_ask_new_email": "email",
    "utter_greet": "menu",
    "utter_how_can_i_help": "menu",
}
_ASK = re.compile(r"^utter_ask_(?:\w+_form_)?(?P<slot>\w+)$")
# Names a later version may give its questions: matched loosely, but only names that say they
# ask or offer something (utter_handoff_with_contact tells a ticket's reference, asks nothing).
_NAME_HINTS = (
    (re.compile(r"(ask|offer|propose).*language|language.*(offer|ask)"), "language_offer"),
    (re.compile(r"ask.*(handoff|contact)"), "handoff_contact"),
    (re.compile(r"(offer|propose).*(advisor|handoff|human)"), "advisor_offer"),
    (re.compile(r"(ask|confirm).*(summary|recap)|^utter_(registration_)?summary"), "summary"),
    (re.compile(r"what_to_correct|correction_menu"), "correction_menu"),
)

# Wording, in priority order inside one message: a summary mentions the email and the phone, a
# confirmation of the address mentions the address, and so on. Patterns are searched in the
# message folded to lower case without accents.
_WORDING: tuple[tuple[str, str, str], ...] = (
    # kind, French, English
    ("summary", r"recapitulatif", r"\bsummary\b"),
    (
        "which_is_wrong",
        r"lequel des deux ne correspond pas",
        r"which of the two does not match",
    ),
    (
        "correction_menu",
        r"que (souhaitez|voulez)-vous (corriger|modifier)",
        r"what would you like to (correct|change)",
    ),
    (
        "cancel_confirm",
        r"(arreter|abandonner|annuler) (votre|l') ?inscription ?\?",
        r"(stop|cancel) (your|the) registration\?",
    ),
    ("email_suggestion", r"vouliez-vous dire[^?]*@", r"did you mean[^?]*@"),
    (
        "country_confirm",
        r"donc immatriculee [^?]*\?",
        r"so your company is registered [^?]*\?",
    ),
    (
        "email_confirm",
        r"(est-elle|est-ce|c'est bien) (correcte|la bonne( adresse)?) ?\?",
        r"is (it|this|that)( address)? (correct|right)\?",
    ),
    (
        "handoff_contact",
        r"(joindre|recontacter|vous repondre|vous ecrire|vous contacter)[^?]*\?",
        r"(reach|contact|get back to|write to|reply to) you[^?]*\?"
        r"|(advisor|adviser|someone)[^?]*(reply|write|answer)[^?]*\?",
    ),
    (
        "language_offer",
        r"(continuer|poursuivre|passer|preferez-vous)[^?]*(anglais|francais|english)[^?]*\?",
        r"(continue|carry on|switch|prefer)[^?]*(english|french|francais)[^?]*\?",
    ),
    (
        "advisor_offer",
        r"(parler|echanger) (a|avec) (un|une) (conseiller|conseillere|personne)[^?]*\?"
        r"|, ou parler a un conseiller\.$",
        r"(talk|speak) (to|with) (an advisor|a person|someone|a human)[^?]*\?"
        r"|, or talk to an advisor\.$",
    ),
    (
        "start",
        r"(voulez|souhaitez)-vous (commencer|vous inscrire|creer votre compte)"
        r"|on commence ?\?|commencons ?\?",
        r"shall we (start|begin)|would you like to (start|begin|register|create)|ready to start",
    ),
    (
        "activation_help",
        r"que souhaitez-vous faire ?\?|renvoyer l'email",
        r"what would you like to do\?|resend the email",
    ),
    ("terms", r"acceptez-vous[^?]*conditions generales", r"accept the[^?]*terms of use"),
    (
        "password",
        r"mot de passe[^?]*(\?|choisissez)|choisissez un mot de passe",
        r"(choose|enter|give)[^.?]*password|password[^?]*\?",
    ),
    ("invitation_code", r"code d'invitation ?\?", r"invitation code\?"),
    (
        "company_id",
        r"quel est (le|la|l')[^?]{0,60}(de|d') ?votre (societe|entreprise)",
        r"what is (your company's|the [^?]{0,40}of your company)",
    ),
    ("country", r"\bpays\b[^?]*\?", r"\bcountry\b[^?]*\?"),
    ("first_name", r"prenom ?\?", r"first name\?"),
    ("last_name", r"nom de famille ?\?|votre nom ?\?", r"(last name|surname|family name)\?"),
    ("phone", r"telephone ?\?", r"(phone|telephone)( number)?\?"),
    ("job_title", r"fonction ?\?", r"job title\?"),
    (
        "email",
        r"adresse (e-?mail|electronique)[^?]*\?|quelle est (la bonne|votre) adresse",
        r"e-?mail address[^?]*\?",
    ),
)
_COMPILED = tuple(
    (kind, re.compile(french), re.compile(english)) for kind, french, english in _WORDING
)
# A message that asks nothing but says the account exists.
_CREATED = (re.compile(r"votre compte est cree"), re.compile(r"your account has been created"))


@dataclass
class Question:
    kind: str  # one of bench.conversations.script.KINDS
    source: str  # payload, response, wording, requested_slot, none
    language: str | None = None  # the language of the wording, when the wording was read
    buttons: list[dict] = field(default_factory=list)
    text: str = ""


def _kind_of_response(name: str) -> str | None:
    if name in RESPONSE_KINDS:
        return RESPONSE_KINDS[name]
    match = _ASK.match(name)
    if match and match.group("slot") in SLOT_KINDS:
        return SLOT_KINDS[match.group("slot")]
    for pattern, kind in _NAME_HINTS:
        if pattern.search(name):
            return kind
    return None


def wording(text: str) -> tuple[str, str] | None:
    """(kind, language) of the question ``text`` asks, by its wording; None if none."""
    plain = folded(text)
    for kind, french, english in _COMPILED:
        if french.search(plain):
            return kind, "fr"
        if english.search(plain):
            return kind, "en"
    return None


def language_of_reply(replies: list[dict]) -> str | None:
    """The language of the reply's wording as far as the patterns tell (for the report)."""
    for reply in reversed(replies):
        found = wording(reply.get("text") or "")
        if found:
            return found[1]
    return None


def recognise(
    replies: list[dict], response_names: list[str] | None = None, requested_slot: str | None = None
) -> Question:
    """The question the reply asks. ``response_names``: this turn's response names in order."""
    buttons = next((r["buttons"] for r in reversed(replies) if r.get("buttons")), [])
    text = "\n".join(r.get("text") or "" for r in replies)
    language = language_of_reply(replies)
    if any((r.get("custom") or {}).get("input") == "password" for r in replies):
        return Question("password", "payload", language, buttons, text)
    for name in reversed(response_names or []):
        kind = _kind_of_response(name)
        if kind:
            return Question(kind, "response", language, buttons, text)
    for reply in reversed(replies):
        found = wording(reply.get("text") or "")
        if found:
            return Question(found[0], "wording", found[1], buttons, text)
    if requested_slot in SLOT_KINDS:
        return Question(SLOT_KINDS[requested_slot], "requested_slot", language, buttons, text)
    if any(_is_start_button(b) for b in buttons):
        return Question("menu", "wording", language, buttons, text)
    return Question("unknown", "none", language, buttons, text)


def says_account_created(replies: list[dict]) -> bool:
    text = folded("\n".join(r.get("text") or "" for r in replies))
    return any(p.search(text) for p in _CREATED)


def _is_start_button(button: dict) -> bool:
    return "start_registration" in str(button.get("payload") or "")
