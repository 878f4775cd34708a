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


def _fold(text: str) -> str:
    """Lower case, without accents, one kind of apostrophe: how users type varies."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


# One pattern, longest phrases first so that "nom de famille" wins over "nom" at one position.
_PHRASES = sorted(
    ((_fold(phrase), field) for field, phrases in FIELD_WORDS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
_FIELD_OF = dict(_PHRASES)
_PATTERN = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?!\w)")


def field_named_in(text: str) -> str | None:
    """The field named first in ``text`` ("email", "phone", ...), or None."""
    match = _PATTERN.search(_fold(text))
    return _FIELD_OF[match.group(1)] if match else None
