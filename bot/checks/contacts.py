"""Contact details: the supplier's own first and last name, phone number and job title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import phonenumbers

from bot.checks.fields import fold
from bot.checks.identifiers import supported_countries
from bot.checks.language import function_words

NAME_MAX_LENGTH = 100
JOB_TITLE_MAX_LENGTH = 100

# Letters (any script), with the spaces, hyphens and apostrophes of compound names.
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’\-][^\W\d_]+)*\.?$")
# Lead-ins people type before the answer itself ("je m'appelle Jean", "my name is Jean").
NAME_LEAD_INS = re.compile(
    r"^(?:(?:mon|my)\s+(?:pr[ée]nom|nom(?:\s+de\s+famille)?|first\s+name|last\s+name|surname|"
    r"family\s+name|name)\s+(?:est|c'est|is)\s*:?|je\s+m'appelle|je\s+suis|c'est|it's|it\s+is|"
    r"i'm|i\s+am|call\s+me)\s+",
    re.IGNORECASE,
)
# How a name is said to be written, after it: "Yannick en entier", "Robert in full" (stored as
# typed, and the activation mail said "Bonjour Yannick en entier,").
NAME_TAILS = re.compile(
    r"\s*[,(]?\s*(?:en entier|en toutes lettres|au complet|in full|spel(?:t|led) out|"
    r"written out)\s*\)?$",
    re.IGNORECASE,
)


class ContactError(str, Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_NAME = "invalid_name"  # digits or symbols in a name
    INVALID_PHONE = "invalid_phone"  # not a number at all
    PHONE_NOT_VALID_FOR_COUNTRY = "phone_not_valid_for_country"
    MARKUP = "markup"  # a link, an address or formatting in a job title
    NOT_A_NAME = "not_a_name"  # a sentence: "pareil que pour les deux autres"
    NOTICE = "notice"  # a warning dressed as a name: "Action Requise Compte Suspendu ..."


@dataclass(frozen=True)
class FieldCheck:
    value: str | None
    error: ContactError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_name(text: str) -> FieldCheck:
    """A first or last name as typed, with lead-ins removed and capitalisation kept, except a
    name typed all in lower case, which gets its capitals ("jean-pierre" -> "Jean-Pierre": the
    activation mail said "Bonjour jean,")."""
    value = NAME_TAILS.sub("", NAME_LEAD_INS.sub("", _clean(text))).strip(' .,!;:"')
    if not value:
        return FieldCheck(None, ContactError.EMPTY)
    if len(value) > NAME_MAX_LENGTH:
        return FieldCheck(None, ContactError.TOO_LONG)
    if not _NAME.match(value):
        return FieldCheck(None, ContactError.INVALID_NAME)
    if _reads_as_a_sentence(value):
        return FieldCheck(None, ContactError.NOT_A_NAME)
    if _reads_as_a_notice(value):
        return FieldCheck(None, ContactError.NOTICE)
    return FieldCheck(_capitalised(value) if value == value.lower() else value)


# Function words that are also given names: "Will", "May", "Don", "Bill", "Else".
_GIVEN_NAMES = frozenset({"will", "may", "don", "bill", "else"})


@lru_cache(maxsize=1)
def _sentence_words() -> frozenset[str]:
    """French and English function words that no name uses (once, not per name)."""
    return (function_words("fr") | function_words("en")) - NAME_PARTICLES - _GIVEN_NAMES


def _reads_as_a_sentence(name: str) -> bool:
    """Three words or more, two of them French or English function words of three letters or
    more that no name uses
    (the particles of NAME_PARTICLES are names' own): "pareil que pour les deux autres" and
    "comme indiqué dans le mail" became first names (the activation mail said "Bonjour Pareil
    Que Pour Les Deux Autres,"); "Marie des Neiges", "Jean de la Fontaine" stay names."""
    words = [word.lower() for word in _NAME_WORD.findall(name)]
    if len(words) < 3:
        return False
    others = _sentence_words()
    # Short words are left out: "An", "Le", "Ho", "Do" are names in Vietnamese or Korean.
    found = [w for w in words if len(w) > 2 and w in others]
    return len(found) >= 2


# Words of a warning, not of a name: two of them, and a name is a notice.
_ALARM_WORDS = frozenset(
    "compte account suspendu suspendue suspended bloque bloquee blocked urgent urgence urgente "
    "action requise required securite security fraude fraud verifiez verify verification "
    "contactez contact immediatement immediately notice avis alerte alert password iban rib "
    "banque bank cliquez click support service desk team equipe".split()
)
# The platform's name as a word of its own ("Sis ID", "Sis-ID", "SisID", "MySisID"), not
# letters across words: "Francis Isidore" is a name.
_THE_PLATFORM = re.compile(r"\b(?:my[\W_]*)?sis[\W_]*id\b")
# More words than a name has (the particles "de", "la", "van"... left out).
_MAX_NAME_WORDS = 5


def _reads_as_a_notice(name: str) -> bool:
    """A warning dressed as a name, which the activation mail would open with ("Bonjour Action
    Requise Compte Suspendu Contactez Service Fraude Sis-ID Immediatement,", sent from our
    address to whatever address the registration gives: sixth outside tester): the platform's
    name, more than five words, or two words of a warning. "Jean Service", "Marie Action"
    stay names."""
    folded = fold(name)
    words = [w for w in _NAME_WORD.findall(folded) if w not in NAME_PARTICLES]
    if _THE_PLATFORM.search(folded):
        return True
    return len(words) > _MAX_NAME_WORDS or len(_ALARM_WORDS.intersection(words)) >= 2


# Lower-case words inside a name: "van der Berg", "de la Fontaine", "d'Artagnan".
NAME_PARTICLES = frozenset("de du des d le la van von der den di da del".split())
_NAME_WORD = re.compile(r"[^\W\d_]+")


def _capitalised(name: str) -> str:
    """Each word of an all-lower-case name with its capital; the particles stay lower case."""

    def capital(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if word in NAME_PARTICLES else word[:1].upper() + word[1:]

    return _NAME_WORD.sub(capital, name)


# A link or formatting: the summary and the mails show the job title, and the widget renders
# links in the assistant's messages ("[Vérifier](http://...)" became a link the assistant gave).
# An address in it ("envoyez votre RIB à support@sis-id-verif.com") would reach support and the
# summary as if the platform had said it.
_MARKUP = re.compile(r"https?://|www\.|[<>\[\]`]|\]\(|@\S*\.\w", re.IGNORECASE)


def check_job_title(text: str) -> FieldCheck:
    value = _clean(text).strip()
    if not value:
        return FieldCheck(None, ContactError.EMPTY)
    if len(value) > JOB_TITLE_MAX_LENGTH:
        return FieldCheck(None, ContactError.TOO_LONG)
    if _MARKUP.search(value) or _IN_A_JOB_TITLE_NEVER.search(value):
        return FieldCheck(None, ContactError.MARKUP)
    if _THE_PLATFORM.search(fold(value)):
        return FieldCheck(None, ContactError.MARKUP)  # "Service Fraude Sis ID": the platform's
    return FieldCheck(value)


# Besides links and addresses (_MARKUP): emphasis, a bare domain, a phone number. "**Compte
# suspendu** : validez votre RIB sur sisid-validation.fr", "Sis ID verification desk - call +44
# 20 3808 0000 before paying any invoice" reached the summary in the assistant's voice, the
# account and support (sixth outside tester).
_IN_A_JOB_TITLE_NEVER = re.compile(
    r"\*\*|__|~~|\b[\w-]{2,}\.(?:com|fr|net|org|io|co|uk|be|eu|info|biz|de|ru|cn|app|online)\b"
    r"|(?:\+|\b)\d(?:[\s.()-]{0,2}\d){7,}",
    re.IGNORECASE,
)


# National numbers dialled as in France but with a country code of their own: Guadeloupe,
# Saint-Barthélemy and Saint-Martin (+590), French Guiana (+594), Martinique (+596), La Réunion
# and Mayotte (+262), Saint-Pierre-et-Miquelon (+508). Their companies have a SIREN, so their
# "0696 12 34 56" is a French company's number ("not valid for France; did you mean +41 69 612
# 34 56 in Switzerland?": sixth outside tester).
_DIALLED_AS_IN = {"FR": ("FR", "GP", "GF", "MQ", "RE", "YT", "PM", "BL", "MF")}


def _regions(country: str) -> tuple[str, ...]:
    """The regions whose national numbers a company of ``country`` may give, its own first."""
    code = country.upper()
    return _DIALLED_AS_IN.get(code, (code,))


def check_phone(text: str, country: str) -> FieldCheck:
    """A phone number valid for ``country`` (or in international form), stored as E.164.

    ``country`` is the company's country: "06 12 34 56 78" is read as French for a French
    company; a number with a + prefix is accepted for any country.
    """
    raw = _clean(text)
    if not raw:
        return FieldCheck(None, ContactError.EMPTY)
    numbers = phone_numbers(raw, country)
    if numbers:
        return FieldCheck(numbers[0])
    try:
        candidate = phonenumbers.parse(raw, country.upper())
    except phonenumbers.NumberParseException:
        return FieldCheck(None, ContactError.INVALID_PHONE)
    if not phonenumbers.is_valid_number(candidate):
        return FieldCheck(None, ContactError.PHONE_NOT_VALID_FOR_COUNTRY)
    return FieldCheck(phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164))


def phone_numbers(text: str, country: str) -> list[str]:
    """Every number in ``text`` valid for ``country`` (or international), E.164, in order:
    check_phone keeps the first. A number valid in several of the country's regions is read
    in the first (France before its overseas departments)."""
    found: list[tuple[int, str]] = []
    cleaned = _clean(text)
    taken: set[int] = set()
    for region in _regions(country):
        for match in phonenumbers.PhoneNumberMatcher(cleaned, region):
            if match.start in taken or not phonenumbers.is_valid_number(match.number):
                continue
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            taken.add(match.start)
            if number not in (value for _, value in found):
                found.append((match.start, number))
    return [number for _, number in sorted(found)]


# "01 23 45 67 89 poste 204": libphonenumber reads "ext", "x", "ext." but not the French word.
_POSTE = re.compile(r"\bposte\s*:?\s*(\d{1,6})\b", re.IGNORECASE)


def phone_extension(text: str, country: str) -> str | None:
    """The extension typed with the number ("+44 161 496 0731 ext 204", "poste 204"), which the
    account does not keep (E.164 has none): the supplier is told so rather than losing it
    silently (sixth outside tester)."""
    cleaned = _clean(text)
    for region in _regions(country):
        for match in phonenumbers.PhoneNumberMatcher(cleaned, region):
            if match.number.extension:
                return match.number.extension
    poste = _POSTE.search(cleaned)
    return poste.group(1) if poste else None


@dataclass(frozen=True)
class PhoneElsewhere:
    """A number refused for the company's country that is valid for another one."""

    country: str  # ISO code of the country the number belongs to
    value: str  # E.164, with that country's prefix


def phone_elsewhere(text: str, country: str) -> PhoneElsewhere | None:
    """The reading of ``text`` as a number of another supported country, or None.

    "06 12 34 56 78" is not a Belgian number but a French mobile: for a Belgian company the
    assistant proposes +33 6 12 34 56 78 instead of refusing the same way again. A number
    typed with its "+" prefix already names its country: nothing else to propose. Only a
    mobile is proposed: almost any mistyped number is some country's landline ("07700 900123",
    not a valid UK number, is a German landline), while a supplier's own number from another
    country is a mobile.
    """
    raw = _clean(text)
    if not raw or raw.lstrip().startswith(("+", "00")):
        return None
    for scheme in supported_countries():
        if scheme.country == country.upper():
            continue
        check = check_phone(raw, scheme.country)
        if check.ok and _is_mobile(check.value):
            return PhoneElsewhere(scheme.country, check.value)
    return None


def _is_mobile(e164: str) -> bool:
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def phone_country(e164: str) -> str | None:
    """The ISO code of the country an E.164 number belongs to ("+32..." -> "BE"; a number of
    France's overseas departments, "+596...", -> "FR")."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
    return next((c for c, regions in _DIALLED_AS_IN.items() if region in regions), region)


def format_phone(e164: str) -> str:
    """E.164 to the international display form, e.g. ``+33 6 12 34 56 78``."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_example(country: str, *, international: bool = False) -> str:
    """A valid mobile number for ``country``, to show what is expected: in national form
    ("0470 12 34 56") or in international form ("+32 470 12 34 56")."""
    example = phonenumbers.example_number_for_type(
        country.upper(), phonenumbers.PhoneNumberType.MOBILE
    )
    if example is None:
        return "+33 6 12 34 56 78"
    layout = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        example, layout.INTERNATIONAL if international else layout.NATIONAL
    )
