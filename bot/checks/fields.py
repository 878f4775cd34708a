"""Which registration answer a correction names: "wrong phone number", "changer l'email".

The NLU's `field` entity (rasa_ext/entity_extractor.py, from the synonyms in
data/nlu/registration.yml; cross-validated F1 0.95) is only looked for in messages classified as
a correction. The vocabulary is closed and short, so matching it is both simpler and exact:
`field_named_in` is what action_correct_field reads first, the entity comes second (a button's
payload, `/correct_field{"field": "email"}`, names no word). Written by hand: a
word-boundary search over a dozen phrases per field is not worth a dependency.
`tests/checks/test_fields.py` checks that every synonym of the NLU data is known here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "email": (
        "adresse électronique",
        "adresse e-mail",
        "adresse email",
        "adresse mail",
        "e-mail address",
        "email address",
        "courriel",
        "e-mail",
        "email",
        "mail",
        "adresse",
        "address",
    ),
    "password": ("mot de passe", "password", "mdp", "pwd"),
    "phone": (
        "numéro de téléphone",
        "numéro de portable",
        "telephone number",
        "phone number",
        "mobile number",
        "téléphone",
        "portable",
        "mobile",
        "phone",
        "tél",
        "tel",
    ),
    "first_name": ("prénom", "first name", "given name", "forename"),
    "last_name": ("nom de famille", "family name", "last name", "surname", "nom"),
    "job_title": ("intitulé de poste", "job title", "fonction", "poste", "position", "role"),
    "country": ("pays", "country"),
    "company_id": (
        "numéro d'identification",
        "identifiant de société",
        "numéro d'entreprise",
        "enterprise number",
        "company number",
        "numéro siren",
        "company id",
        "identifiant",
        "siren",
        "siret",
        "crn",
    ),
    "invitation_code": ("code d'invitation", "invitation code", "code"),
}


def fold(text: str) -> str:
    """Lower case, without accents, one kind of apostrophe: how users type varies.

    One character for one, so that a position in the folded text is the same position in the
    text as typed (the value after a field's name keeps its capitals and accents).
    """
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char in "’‘`´":
        return "'"
    base = unicodedata.normalize("NFKD", char.lower())
    kept = "".join(c for c in base if not unicodedata.combining(c))
    return kept if len(kept) == 1 else char.lower()[:1] or char


# One pattern, longest phrases first so that "nom de famille" wins over "nom" at one position.
_PHRASES = sorted(
    ((fold(phrase), field) for field, phrases in FIELD_WORDS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
_FIELD_OF = dict(_PHRASES)
# Not inside an address or a host name: "compta@exemple-mail.fr" names no field.
_PATTERN = re.compile(
    r"(?<![\w@.-])(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?![\w@-]|\.\w)"
)


class Mention(NamedTuple):
    """Where a message names a field: the field, and the span of its name in the message."""

    field: str
    start: int
    end: int


def field_mentioned(text: str) -> Mention | None:
    """The field named first in ``text``, with where its name is, or None."""
    return next(fields_mentioned(text), None)


def fields_mentioned(text: str) -> Iterator[Mention]:
    """Every field named in ``text``, in order, with where its name is."""
    for match in _PATTERN.finditer(fold(text)):
        yield Mention(_FIELD_OF[match.group(1)], match.start(), match.end())


# At "what would you like to correct?" the menu's own labels name the company too: its button
# says "Société" / "Company". Elsewhere "la société" is not a field's name ("la société est en
# Belgique" names a country).
MENU_WORDS: dict[str, tuple[str, ...]] = {
    "company_id": (
        "nom de la société",
        "nom de l'entreprise",
        "raison sociale",
        "company name",
        "société",
        "entreprise",
        "company",
        "business",
        "firm",
    ),
}
_MENU_PHRASES = sorted(
    ((fold(phrase), field) for field, phrases in MENU_WORDS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
_MENU_FIELD_OF = dict(_MENU_PHRASES)
_MENU_PATTERN = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(p) for p, _ in _MENU_PHRASES) + r")(?!\w)"
)


def field_chosen(text: str) -> Mention | None:
    """The field a message names at the correction menu, a field's name or a menu label ("la
    société"), whichever comes first ("le nom de la société" is the company's)."""
    match = _MENU_PATTERN.search(fold(text))
    label = Mention(_MENU_FIELD_OF[match.group(1)], match.start(), match.end()) if match else None
    mention = field_mentioned(text)
    found = [m for m in (label, mention) if m is not None]
    return min(found, key=lambda m: (m.start, m.start - m.end)) if found else None


def field_named_in(text: str) -> str | None:
    """The field named first in ``text`` ("email", "phone", ...), or None."""
    mention = field_mentioned(text)
    return mention.field if mention else None
