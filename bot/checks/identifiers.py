"""Company identifiers of the countries our suppliers register from.

A supplier is registered on the platform with its country and its company
identifier, and the people typing that identifier are accountants chatting with
the assistant: they paste it with spaces, dots or dashes, add the country code,
type in lower case, or write a whole sentence around it ("notre siren est le
732 829 320"). This module turns such text into the single compact value the
platform stores, or into a precise reason for refusing it, so that the assistant
can tell the user *what* is wrong (too short, mistyped digit...) rather than
just "invalid".

The rules of each country live in one table (``_SCHEMES``) so that adding a
country is adding one entry. Check digits are verified with python-stdnum
whenever it knows the identifier: a wrong digit caught here is a supplier that
does not end up registered under somebody else's company.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from babel import Locale
from rapidfuzz import process
from rapidfuzz.distance import OSA
from stdnum.be import vat as be_vat
from stdnum.ch import uid as ch_uid
from stdnum.de import vat as de_vat
from stdnum.es import nif as es_nif
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva
from stdnum.gb import vat as gb_vat
from stdnum.it import iva as it_iva
from stdnum.lu import tva as lu_tva
from stdnum.nl import btw as nl_btw
from stdnum.pt import nif as pt_nif
from stdnum.us import ein as us_ein

from bot.checks.fields import fold
from bot.checks.language import DEFAULT_LANGUAGE

__all__ = [
    "CompanyId",
    "CompanyIdCheck",
    "CompanyIdError",
    "IdentifierScheme",
    "NumberKind",
    "check_company_id",
    "parse_country",
    "recognise_company_id",
    "scheme_for",
    "supported_countries",
]


# --------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------


class NumberKind(str, Enum):
    """What the number a user typed is, for the company identifier it gives."""

    IDENTIFIER = "identifier"  # the identifier itself (SIREN, CRN, ...)
    SIRET = "siret"  # a French establishment number: its first 9 digits are the SIREN
    VAT = "vat"  # an intra-community VAT number that contains the identifier (FR)


class _Normalised(NamedTuple):
    """What a country's normaliser found in a candidate text."""

    value: str
    kind: NumberKind = NumberKind.IDENTIFIER


class _VatNumberGiven(InvalidFormat):
    """A VAT number that does not contain the identifier asked for (the UK's)."""


@dataclass(frozen=True)
class IdentifierScheme:
    """How companies of one country are identified.

    The names, one per language, are what the assistant says when it asks for
    the identifier, and ``example`` is shown when the user does not know which
    number we mean, so it must be a real, valid number in its usual layout.
    The private callables hold the country's rules; they are not part of the
    public API because callers should go through :func:`check_company_id`,
    which also copes with sentences around the identifier.
    """

    country: str
    # By language (every one of LANGUAGES): what the assistant calls the country and the number.
    country_names: Mapping[str, str] = field(compare=False)
    names: Mapping[str, str] = field(compare=False)
    example: str
    # By language: the country inside a sentence, "pour la France" / "for the United Kingdom"
    # (``the``) and "en France" / "au Royaume-Uni" (``located``), and what the number looks like.
    the: Mapping[str, str] = field(compare=False)
    located: Mapping[str, str] = field(compare=False)
    layout: Mapping[str, str] = field(compare=False)
    # Raises a stdnum ValidationError when the text is not a valid identifier.
    _normalise: Callable[[str], _Normalised] = field(repr=False, compare=False)
    _format: Callable[[str], str] = field(repr=False, compare=False)
    # Letter groups that users write as a separate word in front of the digits
    # ("FR 732829320", "SC 123456") and that belong to the identifier.
    _prefixes: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def name(self, language: str) -> str:
        """The identifier's name in ``language`` (the default language's for any other)."""
        return self.names.get(language) or self.names[DEFAULT_LANGUAGE]

    def country_name(self, language: str) -> str:
        """The country's name in ``language`` (the default language's for any other)."""
        return self.country_names.get(language) or self.country_names[DEFAULT_LANGUAGE]

    def the_country(self, language: str) -> str:
        """The country with its article, after "pour" or "for": "la France", "the Netherlands"."""
        return self.the.get(language) or self.the[DEFAULT_LANGUAGE]

    def in_country(self, language: str) -> str:
        """Where a company is registered: "en France", "au Royaume-Uni", "in the Netherlands"."""
        return self.located.get(language) or self.located[DEFAULT_LANGUAGE]

    def number_layout(self, language: str) -> str:
        """What the identifier looks like: "9 chiffres", "10 digits starting with 0 or 1"."""
        return self.layout.get(language) or self.layout[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class CompanyId:
    """A validated identifier, in the compact form the platform stores.

    Only the compact ``value`` is stored so that the same company typed as
    "732 829 320" and "732829320" is recognised as one supplier.
    """

    country: str
    value: str

    def display(self) -> str:
        """The layout people are used to reading, e.g. ``0403.170.701``.

        Shown back to the user so that they can recognise their own number
        when the assistant asks them to confirm it.
        """
        scheme = scheme_for(self.country)
        return scheme._format(self.value) if scheme else self.value


class CompanyIdError(str, Enum):
    """Why a text was refused, so the assistant can explain precisely.

    A ``str`` enum so the reason can be stored in a Rasa slot as is.
    """

    EMPTY = "empty"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    INVALID_CHECKSUM = "invalid_checksum"
    # A VAT number where the company number is asked and cannot be taken from it (the UK's).
    VAT_NUMBER = "vat_number"
    UNSUPPORTED_COUNTRY = "unsupported_country"


@dataclass(frozen=True)
class CompanyIdCheck:
    """The outcome of :func:`check_company_id`: an identifier or a reason.

    ``kind`` lets the assistant explain why the stored number is shorter than
    what the user typed: a French SIRET identifies one establishment, the
    platform wants the company (SIREN), which is its first 9 digits; a French
    VAT number is "FR", a 2-digit key, then the SIREN.
    """

    company_id: CompanyId | None
    error: CompanyIdError | None
    kind: NumberKind = NumberKind.IDENTIFIER

    @property
    def ok(self) -> bool:
        """True when the text was accepted."""
        return self.company_id is not None

    @property
    def from_siret(self) -> bool:
        return self.kind is NumberKind.SIRET

    @property
    def from_vat(self) -> bool:
        return self.kind is NumberKind.VAT


def _refused(error: CompanyIdError) -> CompanyIdCheck:
    return CompanyIdCheck(company_id=None, error=error)


# --------------------------------------------------------------------------
# Text clean-up shared by the identifier rules
# --------------------------------------------------------------------------

# Chat clients and word processors turn "-" into typographic dashes, and
# French typography puts (narrow) no-break spaces between digit groups.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_SEPARATORS = re.compile(r"[\s.\-/,:()]+")
_ASCII_DIGITS = frozenset(string.digits)


def _clean_text(text: str) -> str:
    """Fold look-alike characters (full-width digits, no-break spaces...)."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def _compact(text: str) -> str:
    """Drop every separator users put between digit groups, and upper-case.

    Done here rather than left to stdnum because stdnum's ``compact`` only
    removes the separators official layouts use (``siren`` keeps dashes, for
    instance), while users type whatever separator they like.
    """
    return _SEPARATORS.sub("", text).upper()


def _is_digits(text: str) -> bool:
    # str.isdigit() also accepts e.g. Arabic-Indic digits, which no register uses.
    return bool(text) and all(char in _ASCII_DIGITS for char in text)


def _stdnum_error(error: ValidationError) -> CompanyIdError:
    """Map stdnum's exceptions onto the reasons the assistant can explain.

    InvalidLength is a subclass of InvalidFormat, so it is tested first.
    InvalidComponent (a Belgian number starting with 2, an unknown Italian
    province or US campus...) means "digits that this kind of number cannot
    have": for the user that is a wrong format, not a typo in a check digit.
    """
    if isinstance(error, _VatNumberGiven):
        return CompanyIdError.VAT_NUMBER
    if isinstance(error, InvalidLength):
        return CompanyIdError.INVALID_LENGTH
    if isinstance(error, InvalidChecksum):
        return CompanyIdError.INVALID_CHECKSUM
    return CompanyIdError.INVALID_FORMAT  # InvalidFormat, InvalidComponent


# --------------------------------------------------------------------------
# Country rules
# --------------------------------------------------------------------------


def _normalise_fr(text: str) -> _Normalised:
    """SIREN, also recovered from a SIRET or an intra-community VAT number.

    Accountants often have the SIRET (on invoices) or the VAT number (FR + two
    check characters + SIREN) at hand rather than the SIREN itself; both
    contain the SIREN, so we take it from them once they are proven valid.
    """
    number = _compact(text)
    has_country_code = number.startswith("FR")
    if has_country_code:
        number = number[2:]
    if len(number) == 14:
        if not fr_siret.is_valid(number) and fr_siren.is_valid(number[:9]):
            # A slip in the last five digits (the establishment's): the SIREN, which is what
            # is asked, is whole (Luhn catches any one wrong digit in it). "602 535 908 00014"
            # got "this SIREN is not valid" (sixth outside tester).
            return _Normalised(fr_siren.validate(number[:9]), NumberKind.SIRET)
        return _Normalised(fr_siret.to_siren(fr_siret.validate(number)), NumberKind.SIRET)
    if len(number) == 11 and (has_country_code or fr_tva.is_valid(number)):
        # Without "FR" an 11-digit text is more likely a SIREN with two extra
        # digits than a VAT number, so it is only read as VAT when it is one;
        # otherwise the user is told that a SIREN has 9 digits.
        return _Normalised(fr_tva.to_siren(fr_tva.validate(number)), NumberKind.VAT)
    return _Normalised(fr_siren.validate(number))


# Companies House numbers have no check digit and no library covers them,
# so this rule is written by hand from the published list of prefixes
# (https://www.doorda.com/glossary/company-number-prefixes/ and the Companies
# House URI customer guide). England & Wales companies have no prefix.
_CRN_PREFIXES = frozenset(
    {
        "AC", "CE", "CS", "EN", "ES", "FC", "GE", "GN", "GS", "IC", "IP",
        "LP", "NA", "NC", "NF", "NI", "NL", "NO", "NP", "NR", "NV", "NZ",
        "OC", "OE", "R0", "RC", "RS", "SA", "SC", "SE", "SF", "SG", "SI",
        "SL", "SO", "SP", "SR", "SZ", "ZC",
    }
)  # fmt: skip


def _normalise_gb(text: str) -> _Normalised:
    """Companies House number (CRN): 8 digits, or a 2-character prefix + 6 digits.

    Leading zeros are significant for Companies House (00123456) but people
    drop them when they read the number as an integer, so 6 or 7 digits are
    padded back to 8 instead of being refused.
    """
    number = _compact(text)
    if _is_uk_vat_number(number):
        # Printed on every British invoice, so often typed instead: it has no link to the
        # Companies House number, which must be asked for.
        raise _VatNumberGiven()
    if _is_digits(number):
        if not 6 <= len(number) <= 8:
            raise InvalidLength()
        if int(number) == 0:
            raise InvalidFormat()
        return _Normalised(number.zfill(8))
    prefix, serial = number[:2], number[2:]
    if prefix not in _CRN_PREFIXES or not _is_digits(serial):
        raise InvalidFormat()
    if len(serial) != 6:
        raise InvalidLength()
    return _Normalised(number)


def _is_uk_vat_number(number: str) -> bool:
    """A UK VAT number: "GB" and 9 or 12 digits, or 9 digits that pass its check."""
    if number.startswith("GB"):
        return _is_digits(number[2:]) and gb_vat.is_valid(number)
    return _is_digits(number) and len(number) == 9 and gb_vat.is_valid(number)


def _normalise_us(text: str) -> _Normalised:
    """EIN; stdnum reports a wrong digit count as a format error, we want length."""
    number = _compact(text)
    if _is_digits(number) and len(number) != 9:
        raise InvalidLength()
    return _Normalised(us_ein.validate(number))


def _with_stdnum(validate: Callable[[str], str]) -> Callable[[str], _Normalised]:
    """Adapt a stdnum ``validate`` function: it returns the compact value."""

    def normalise(text: str) -> _Normalised:
        return _Normalised(validate(_compact(text)))

    return normalise


def _grouped(*sizes: int, separator: str = " ", prefix: str = "") -> Callable[[str], str]:
    """Build a display function cutting the value into groups of ``sizes``."""

    def format_value(value: str) -> str:
        groups, start = [], 0
        for size in sizes:
            groups.append(value[start : start + size])
            start += size
        return prefix + separator.join(groups)

    return format_value


def _prefixed(prefix: str) -> Callable[[str], str]:
    """Display VAT numbers the way they are printed on invoices: DE136695976."""
    return lambda value: prefix + value


def _unchanged(value: str) -> str:
    return value


# The order is the one of supported_countries(): France first, then the
# United Kingdom and Belgium where most other suppliers come from.
_SCHEMES: tuple[IdentifierScheme, ...] = (
    IdentifierScheme(
        country="FR",
        country_names={"fr": "France", "en": "France"},
        names={"fr": "SIREN", "en": "SIREN"},
        example="732 829 320",
        the={"fr": "la France", "en": "France"},
        located={"fr": "en France", "en": "in France"},
        layout={"fr": "9 chiffres", "en": "9 digits"},
        _normalise=_normalise_fr,
        _format=fr_siren.format,
        _prefixes=frozenset({"FR"}),
    ),
    IdentifierScheme(
        country="GB",
        country_names={"fr": "Royaume-Uni", "en": "United Kingdom"},
        names={"fr": "numéro CRN (Companies House)", "en": "Companies House number (CRN)"},
        example="00445790",
        the={"fr": "le Royaume-Uni", "en": "the United Kingdom"},
        located={"fr": "au Royaume-Uni", "en": "in the United Kingdom"},
        layout={
            "fr": "8 caractères : 8 chiffres, ou 2 lettres suivies de 6 chiffres",
            "en": "8 characters: 8 digits, or 2 letters followed by 6 digits",
        },
        _normalise=_normalise_gb,
        _format=_unchanged,
        _prefixes=_CRN_PREFIXES,
    ),
    IdentifierScheme(
        country="BE",
        country_names={"fr": "Belgique", "en": "Belgium"},
        names={"fr": "numéro d'entreprise (BCE)", "en": "enterprise number (CBE)"},
        example="0403.170.701",
        the={"fr": "la Belgique", "en": "Belgium"},
        located={"fr": "en Belgique", "en": "in Belgium"},
        layout={"fr": "10 chiffres commençant par 0 ou 1", "en": "10 digits starting with 0 or 1"},
        # The enterprise number is also the VAT number, so stdnum's be.vat is it.
        _normalise=_with_stdnum(be_vat.validate),
        _format=_grouped(4, 3, 3, separator="."),
        _prefixes=frozenset({"BE"}),
    ),
    IdentifierScheme(
        country="CH",
        country_names={"fr": "Suisse", "en": "Switzerland"},
        names={"fr": "numéro IDE", "en": "UID (business identification number)"},
        example="CHE-100.155.212",
        the={"fr": "la Suisse", "en": "Switzerland"},
        located={"fr": "en Suisse", "en": "in Switzerland"},
        layout={"fr": "CHE suivi de 9 chiffres", "en": "CHE followed by 9 digits"},
        _normalise=_with_stdnum(ch_uid.validate),
        _format=ch_uid.format,
        _prefixes=frozenset({"CHE"}),
    ),
    IdentifierScheme(
        country="LU",
        country_names={"fr": "Luxembourg", "en": "Luxembourg"},
        names={"fr": "numéro de TVA", "en": "VAT number"},
        example="LU15027442",
        the={"fr": "le Luxembourg", "en": "Luxembourg"},
        located={"fr": "au Luxembourg", "en": "in Luxembourg"},
        layout={"fr": "LU suivi de 8 chiffres", "en": "LU followed by 8 digits"},
        # The TVA number is the only Luxembourg company number stdnum knows;
        # the RCS number (B123456) has no check digit to verify.
        _normalise=_with_stdnum(lu_tva.validate),
        _format=_prefixed("LU"),
        _prefixes=frozenset({"LU"}),
    ),
    IdentifierScheme(
        country="DE",
        country_names={"fr": "Allemagne", "en": "Germany"},
        names={"fr": "numéro de TVA intracommunautaire (USt-IdNr.)", "en": "VAT ID (USt-IdNr.)"},
        example="DE136695976",
        the={"fr": "l'Allemagne", "en": "Germany"},
        located={"fr": "en Allemagne", "en": "in Germany"},
        layout={"fr": "DE suivi de 9 chiffres", "en": "DE followed by 9 digits"},
        # The USt-IdNr. is what German companies print on every invoice to a
        # foreign customer and it has a check digit. The Handelsregister number
        # needs the court's name, many suppliers (sole traders) have none, and
        # the Steuernummer is for the German tax office only.
        _normalise=_with_stdnum(de_vat.validate),
        _format=_prefixed("DE"),
        _prefixes=frozenset({"DE"}),
    ),
    IdentifierScheme(
        country="NL",
        country_names={"fr": "Pays-Bas", "en": "Netherlands"},
        names={"fr": "numéro de TVA (btw-id)", "en": "VAT number (btw-id)"},
        example="NL004495445B01",
        the={"fr": "les Pays-Bas", "en": "the Netherlands"},
        located={"fr": "aux Pays-Bas", "en": "in the Netherlands"},
        layout={"fr": "NL, 9 chiffres, B et 2 chiffres", "en": "NL, 9 digits, B and 2 digits"},
        # stdnum has no module for the KvK number (8 digits, no check digit, so
        # a typo cannot be caught); the btw-id has one and is on every invoice.
        _normalise=_with_stdnum(nl_btw.validate),
        _format=_prefixed("NL"),
        _prefixes=frozenset({"NL"}),
    ),
    IdentifierScheme(
        country="ES",
        country_names={"fr": "Espagne", "en": "Spain"},
        names={"fr": "NIF (ex-CIF)", "en": "NIF (tax identification number, formerly CIF)"},
        example="B64717838",
        the={"fr": "l'Espagne", "en": "Spain"},
        located={"fr": "en Espagne", "en": "in Spain"},
        layout={
            "fr": "9 caractères : une lettre ou un chiffre, 7 chiffres, un caractère de contrôle",
            "en": "9 characters: a letter or digit, 7 digits, a check character",
        },
        # es.nif rather than es.cif: companies' CIF is now called NIF, and
        # self-employed suppliers (autónomos) only have a personal NIF/NIE.
        _normalise=_with_stdnum(es_nif.validate),
        _format=_unchanged,
        # Users split the entity letter off ("B 64717838", "54362315 K").
        _prefixes=frozenset({"ES", *string.ascii_uppercase}),
    ),
    IdentifierScheme(
        country="IT",
        country_names={"fr": "Italie", "en": "Italy"},
        names={"fr": "numéro de partita IVA", "en": "partita IVA (VAT number)"},
        example="00743110157",
        the={"fr": "l'Italie", "en": "Italy"},
        located={"fr": "en Italie", "en": "in Italy"},
        layout={"fr": "11 chiffres", "en": "11 digits"},
        _normalise=_with_stdnum(it_iva.validate),
        _format=_unchanged,
        _prefixes=frozenset({"IT"}),
    ),
    IdentifierScheme(
        country="PT",
        country_names={"fr": "Portugal", "en": "Portugal"},
        names={"fr": "NIPC (numéro fiscal)", "en": "NIPC (tax number)"},
        example="501 964 843",
        the={"fr": "le Portugal", "en": "Portugal"},
        located={"fr": "au Portugal", "en": "in Portugal"},
        layout={"fr": "9 chiffres", "en": "9 digits"},
        # pt.nif covers the NIPC of companies and the NIF of sole traders.
        _normalise=_with_stdnum(pt_nif.validate),
        _format=_grouped(3, 3, 3),
        _prefixes=frozenset({"PT"}),
    ),
    IdentifierScheme(
        country="US",
        country_names={"fr": "États-Unis", "en": "United States"},
        names={"fr": "numéro EIN", "en": "Employer Identification Number (EIN)"},
        example="04-2103594",
        the={"fr": "les États-Unis", "en": "the United States"},
        located={"fr": "aux États-Unis", "en": "in the United States"},
        layout={"fr": "9 chiffres (XX-XXXXXXX)", "en": "9 digits (XX-XXXXXXX)"},
        _normalise=_normalise_us,
        _format=us_ein.format,
    ),
)

_SCHEMES_BY_COUNTRY = {scheme.country: scheme for scheme in _SCHEMES}
# "UK" is not the ISO code but it is reserved for the UK and what people use.
_COUNTRY_CODE_ALIASES = {"UK": "GB"}


def supported_countries() -> list[IdentifierScheme]:
    """Countries whose identifiers we can check, France first.

    The order is stable because the assistant lists them as choices.
    """
    return list(_SCHEMES)


def scheme_for(country: str) -> IdentifierScheme | None:
    """The scheme of an ISO 3166-1 alpha-2 code, whatever its case."""
    code = country.strip().upper()
    return _SCHEMES_BY_COUNTRY.get(_COUNTRY_CODE_ALIASES.get(code, code))


# --------------------------------------------------------------------------
# Finding the identifier in free text
# --------------------------------------------------------------------------

# A word, or digit groups joined by the separators people put inside a number
# ("0403.170.701", "CHE-100.155.212", "B-58378431", "136,695").
_TOKEN = re.compile(r"[^\W_]+(?:[.\-/,][^\W_]+)*")

# Prefixes that are also everyday French or English words: written in lower
# case in a sentence they are read as words ("company no 123456" is company
# 00123456, not the Northern Ireland society NO123456).
_EVERYDAY_WORDS = frozenset(
    {"be", "ce", "de", "en", "es", "it", "lu", "na", "ni", "no", "sa", "se", "so"}
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def has_digit(self) -> bool:
        return any(char in _ASCII_DIGITS for char in self.text)


def _may_belong_to_id(token: _Token, scheme: IdentifierScheme) -> bool:
    """Digits, or a prefix of this country that is not just a sentence word.

    Other words never join the digits: "est le 732 829 320" must not become
    "LE732829320". Single letters (Spanish entity letters) must be upper case
    because "a", "y", "e" are words.
    """
    if token.has_digit:
        return True
    word = token.text
    if word.upper() not in scheme._prefixes:
        return False
    return word.isupper() or (len(word) > 1 and word.lower() not in _EVERYDAY_WORDS)


def _runs(text: str, scheme: IdentifierScheme) -> list[list[_Token]]:
    """Groups of neighbouring tokens that may form an identifier together.

    Only a plain space keeps two tokens in one group: a colon, a comma or a
    "n°" between them means they are separate things.
    """
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for match in _TOKEN.finditer(text):
        token = _Token(match.group(), match.start(), match.end())
        if current and not text[current[-1].end : token.start].isspace():
            runs.append(current)
            current = []
        if _may_belong_to_id(token, scheme):
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [run for run in runs if any(token.has_digit for token in run)]


def _candidates(text: str, run: list[_Token]) -> Iterator[str]:
    """Readings of a run, longest first, that keep all of its digits.

    Digit groups are never split apart: taking "1234 5678" out of "1234 5678 9"
    would accept a number the user did not type. Only the surrounding prefix
    letters are optional, in case they belong to the sentence.
    """
    digit_positions = [i for i, token in enumerate(run) if token.has_digit]
    first, last = digit_positions[0], digit_positions[-1]
    spans = [(start, end) for start in range(first + 1) for end in range(last, len(run))]
    spans.sort(key=lambda span: (span[0] - span[1], span[0]))
    for start, end in spans:
        yield text[run[start].start : run[end].end]


def _digit_count(run: list[_Token]) -> int:
    return sum(char in _ASCII_DIGITS for token in run for char in token.text)


# Longer than any identifier, with its country letters (a SIRET with "FR" is 16): no check runs
# on a 10,000-digit paste (some stdnum validators convert the digits to an int).
_MAX_LENGTH = 24


def _check_candidate(scheme: IdentifierScheme, text: str) -> CompanyIdCheck:
    if len(_compact(text)) > _MAX_LENGTH:
        return _refused(CompanyIdError.INVALID_LENGTH)
    try:
        normalised = scheme._normalise(text)
    except ValidationError as error:
        return _refused(_stdnum_error(error))
    return CompanyIdCheck(
        company_id=CompanyId(country=scheme.country, value=normalised.value),
        error=None,
        kind=normalised.kind,
    )


def check_company_id(country: str, text: str) -> CompanyIdCheck:
    """Find and validate the company identifier of ``country`` in ``text``.

    The whole message is tried first, since most users just paste the number.
    Otherwise every group of digits (with its prefix letters) is tried and the
    first valid one wins. When none is valid, the reason given is the one of
    the group with the most digits: that is the number the user meant, so
    "732 829 321" is reported as a wrong check digit and "12345" as too short.
    """
    scheme = scheme_for(country)
    if scheme is None:
        return _refused(CompanyIdError.UNSUPPORTED_COUNTRY)
    cleaned = _clean_text(text)
    if not cleaned:
        return _refused(CompanyIdError.EMPTY)
    whole = _check_candidate(scheme, cleaned)
    if whole.ok:
        return whole
    runs = _runs(cleaned, scheme)
    if not runs:
        return _refused(CompanyIdError.INVALID_FORMAT)
    for run in runs:
        for candidate in _candidates(cleaned, run):
            check = _check_candidate(scheme, candidate)
            if check.ok:
                return check
    most_plausible = max(runs, key=_digit_count)
    return _check_candidate(scheme, next(_candidates(cleaned, most_plausible)))


# --------------------------------------------------------------------------
# Countries in free text
# --------------------------------------------------------------------------

# Names as they are typed, folded: lower case, no accents, punctuation as
# spaces ("États-Unis" is "etats unis"). Adjectives ("français", "belge") are
# left out on purpose: they also name languages ("je parle anglais").
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    # Overseas departments and collectivities whose companies have a SIREN (INSEE's register)
    # are France: "Guadeloupe" was "not a supported country" (sixth outside tester). French
    # Polynesia and New Caledonia have registers of their own (numéro Tahiti, RIDET): not here.
    "FR": (
        "france", "fr", "republique francaise", "guadeloupe", "martinique", "guyane",
        "guyane francaise", "french guiana", "la reunion", "ile de la reunion", "reunion island",
        "reunion", "mayotte", "saint pierre et miquelon", "st pierre et miquelon",
        "saint barthelemy", "st barthelemy", "saint barth", "st barth", "saint martin",
    ),
    "GB": (
        "royaume uni", "uk", "gb", "united kingdom", "angleterre", "england",
        "grande bretagne", "great britain", "britain", "ecosse", "scotland",
        "pays de galles", "wales", "irlande du nord", "northern ireland",
    ),
    "BE": ("belgique", "belgium", "belgie", "belgien", "be"),
    "CH": ("suisse", "switzerland", "schweiz", "svizzera", "ch"),
    "LU": ("luxembourg", "luxemburg", "lu"),
    "DE": ("allemagne", "germany", "deutschland", "de"),
    "NL": ("pays bas", "netherlands", "nederland", "hollande", "holland", "nl"),
    "ES": ("espagne", "spain", "espana", "es"),
    "IT": ("italie", "italy", "italia", "it"),
    "PT": ("portugal", "pt"),
    "US": ("etats unis", "united states", "usa", "us"),
}  # fmt: skip

# Adjectives name a country only next to a word for the company ("société française", "a
# British company", "entreprise de droit belge"): alone they may name a language.
_COUNTRY_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "FR": ("francais", "francaise", "french"),
    "GB": ("britannique", "anglais", "anglaise", "british", "english", "uk"),
    "BE": ("belge", "belgian"),
    "CH": ("suisse", "swiss"),
    "LU": ("luxembourgeois", "luxembourgeoise", "luxembourgish"),
    "DE": ("allemand", "allemande", "german"),
    "NL": ("neerlandais", "neerlandaise", "hollandais", "hollandaise", "dutch"),
    "ES": ("espagnol", "espagnole", "spanish"),
    "IT": ("italien", "italienne", "italian"),
    "PT": ("portugais", "portugaise", "portuguese"),
    "US": ("americain", "americaine", "american", "us"),
}  # fmt: skip
_ADJECTIVE_COUNTRY = {
    form: code
    for code, adjectives in _COUNTRY_ADJECTIVES.items()
    for adjective in adjectives
    for form in (adjective, adjective + "s")
}
_COMPANY_NOUNS = frozenset(
    "societe societes entreprise entreprises boite structure compagnie filiale sarl sas sa "
    "eurl sasu company companies firm business limited ltd plc llc inc subsidiary".split()
)
# Words between a French company noun and its adjective: "société de droit belge".
_BETWEEN = frozenset({"de", "droit", "est", "une", "un"})

# Codes that are also everyday words: "de" (French), "es" ("tu es"), "lu"
# ("j'ai lu"), "be", "it", "us" (English). They mean a country only when
# written in upper case, or when they are the whole answer: a user asked for
# their country who answers "de" means Germany.
_WORD_LIKE_CODES = frozenset({"be", "de", "es", "it", "lu", "us"})
# Names that are also everyday words ("une réunion", a meeting): a place only with its capital
# ("La Réunion", "on est à la Réunion") or as the whole answer.
_WORD_LIKE_NAMES = frozenset({"reunion"})

# Longest names first, so that "pays de galles" is read before "de" could be.
_ALIASES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(name.split()), code) for code, names in _COUNTRY_NAMES.items() for name in names),
    key=lambda alias: -len(alias[0]),
)

# "U.K.", "U.S.A." -> "UK", "USA" before the dots are turned into spaces.
_DOTTED_ABBREVIATION = re.compile(r"\b((?:[A-Za-z]\.)+[A-Za-z])\b\.?")


def _words(text: str) -> list[str]:
    """Words of the text with accents removed and their case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    undotted = _DOTTED_ABBREVIATION.sub(lambda match: match.group(1).replace(".", ""), unaccented)
    return re.findall(r"[^\W_]+", undotted)


def _means_the_code(words: list[str], index: int) -> bool:
    return len(words) == 1 or words[index].isupper()


def _means_the_place(words: list[str], start: int, size: int) -> bool:
    """Whether the alias at ``start`` names the place rather than an everyday word."""
    if len(words) == size:
        return True
    span = words[start : start + size]
    return all(word[:1].isupper() for word in span if word.lower() in _WORD_LIKE_NAMES)


def parse_country(text: str, *, fuzzy: bool = False) -> str | None:
    """The supported country named in ``text``, as an ISO code, or None.

    Returns None when several different countries are named: asking again is
    better than registering a supplier under the wrong country's rules. With
    ``fuzzy`` (the answer to "which country?"), a name with a typo is read too:
    "Frnace", "Belgiqe", "Royaume Unis".
    """
    words = _words(text)
    folded = [word.lower() for word in words]
    taken = [False] * len(words)
    found: set[str] = set()
    for alias, code in _ALIASES:
        size = len(alias)
        for start in range(len(words) - size + 1):
            if any(taken[start : start + size]) or tuple(folded[start : start + size]) != alias:
                continue
            if size == 1 and alias[0] in _WORD_LIKE_CODES and not _means_the_code(words, start):
                continue
            if not _means_the_place(words, start, size):
                continue
            taken[start : start + size] = [True] * size
            found.add(code)
    if not found:
        found = _countries_of_company_adjectives(words)
    if not found and fuzzy and len(folded) <= _MAX_FUZZY_WORDS:
        return _country_with_a_typo(folded)
    return found.pop() if len(found) == 1 else None


# Every country's name in French and English (Babel's CLDR data), for a country that exists but
# whose companies the registry cannot check ("Ireland" was "I do not recognise this country").
_NAME_LANGUAGES = ("fr", "en")


def _country_names() -> dict[tuple[str, ...], str]:
    names: dict[tuple[str, ...], str] = {}
    for language in _NAME_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():  # countries, not regions ("150": Europe)
                names.setdefault(tuple(w.lower() for w in _words(name)), code)
    return names


_COUNTRY_NAMES: dict[tuple[str, ...], str] = {}


def unsupported_country(text: str, language: str) -> str | None:
    """The name, in ``language``, of a country that ``text`` names and the registry does not
    hold ("Ireland", "nous sommes en Irlande"); None when it names none, or a supported one."""
    if not _COUNTRY_NAMES:
        _COUNTRY_NAMES.update(_country_names())
    folded = [word.lower() for word in _words(text)]
    supported = {scheme.country for scheme in supported_countries()}
    for size in (4, 3, 2, 1):
        for start in range(len(folded) - size + 1):
            code = _COUNTRY_NAMES.get(tuple(folded[start : start + size]))
            if code is not None and code not in supported:
                return Locale(language).territories[code]
    return None


# An identifier's own name, which says its country: "mon SIREN est ...", "our CRN is ...".
_IDENTIFIER_NAMES = {
    "siren": "FR",
    "siret": "FR",
    "crn": "GB",
    "companies house": "GB",
    "bce": "BE",
    "kbo": "BE",
    "cbe": "BE",
    "numero d'entreprise": "BE",
    "enterprise number": "BE",
    # "EIN 04-2103594": the United States' identifier (sixth outside tester)
    "ein": "US",
    "employer identification number": "US",
}
_IDENTIFIER_NAME = re.compile(
    r"(?<!\w)(" + "|".join(map(re.escape, _IDENTIFIER_NAMES)) + r")(?!\w)"
)


# Names that are also everyday words: "ein" is German for "a"; the EIN is written in capitals.
_CAPITALS_ONLY = frozenset({"ein"})


def country_of_identifier_named(text: str) -> str | None:
    """The country whose identifier ``text`` names first ("notre SIREN", "our CRN"), or None."""
    for match in _IDENTIFIER_NAME.finditer(fold(text)):
        name = match.group(1)
        if name not in _CAPITALS_ONLY or re.search(rf"\b{name.upper()}\b", text):
            return _IDENTIFIER_NAMES[name]
    return None


def country_adjective_alone(text: str) -> str | None:
    """ "français", "belge", "British": a country's adjective and nothing else, the answer to
    "in which country is your company registered?" (the caller decides whether a language's
    adjective names the language instead)."""
    folded = [word.lower() for word in _words(text)]
    return _ADJECTIVE_COUNTRY.get(folded[0]) if len(folded) == 1 else None


def _countries_of_company_adjectives(words: list[str]) -> set[str]:
    """ "société française", "entreprise de droit belge", "a British company": the countries
    of adjectives that qualify a word for the company (after it in French, before in
    English). "US" in capitals only: "Sainsbury's invited us. Company number ..." was read as
    an American company (sixth outside tester)."""
    folded = [word.lower() for word in words]
    found = set()
    for index, word in enumerate(folded):
        code = _ADJECTIVE_COUNTRY.get(word)
        if code is None or (word in _WORD_LIKE_CODES and not words[index].isupper()):
            continue
        before = index - 1
        while before >= 0 and folded[before] in _BETWEEN and index - before <= 3:
            before -= 1
        after = folded[index + 1] if index + 1 < len(folded) else None
        if (before >= 0 and folded[before] in _COMPANY_NOUNS) or after in _COMPANY_NOUNS:
            found.add(code)
    return found


# Names long enough to be recognised with a typo: a 2-letter code with one letter changed is
# another code, or a word.
_MIN_FUZZY_LENGTH = 4
# An answer naming a country is a few words; a long text is not searched for close names.
_MAX_FUZZY_WORDS = 12
_FUZZY_NAMES: dict[str, str] = {
    " ".join(alias): code for alias, code in _ALIASES if len(" ".join(alias)) >= _MIN_FUZZY_LENGTH
}


def _allowed_typos(name: str) -> int:
    """One slip in a short name ("Frnace"), two from 8 letters on ("Angeltere")."""
    return 1 if len(name) < 8 else 2


def _country_with_a_typo(folded: list[str]) -> str | None:
    """The country whose name is closest to a group of 1 to 3 words of the text, or None.

    rapidfuzz's optimal string alignment distance counts a swap of two neighbouring letters
    ("Frnace") as one slip, as people make them. None when two countries are equally close.
    """
    best: dict[str, int] = {}
    for size in (1, 2, 3):
        for start in range(len(folded) - size + 1):
            candidate = " ".join(folded[start : start + size])
            if len(candidate) < _MIN_FUZZY_LENGTH:
                continue
            match = process.extractOne(
                candidate,
                _FUZZY_NAMES.keys(),
                scorer=OSA.distance,
                score_cutoff=_allowed_typos(candidate),
            )
            if match is not None:
                name, distance, _ = match
                code = _FUZZY_NAMES[name]
                best[code] = min(distance, best.get(code, distance))
    if not best:
        return None
    closest = min(best.values())
    codes = [code for code, distance in best.items() if distance == closest]
    return codes[0] if len(codes) == 1 else None


# Identifiers that name their country: a French or Belgian number (both have check digits and
# are what most suppliers have), or one written with its country's letters ("SC123456",
# "CHE-100.155.212", "DE136695976"). Nine plain digits that are not a SIREN may pass Portugal's
# check by chance (1 in 11): that says nothing about the company's country.
_NAMED_BY_DIGITS = frozenset({"FR", "BE"})


def _names_its_country(check: CompanyIdCheck, text: str) -> bool:
    company_id = check.company_id
    if company_id.country in _NAMED_BY_DIGITS or not _is_digits(company_id.value):
        return True
    scheme = scheme_for(company_id.country)
    letters = [prefix for prefix in scheme._prefixes if len(prefix) > 1]
    # In capitals, as printed: "de 136695976" is French for "of", "DE136695976" a German number.
    return any(re.search(rf"(?<![A-Za-z]){p}[\s.\-]*\d", text) for p in letters)


def recognise_company_id(text: str) -> CompanyIdCheck | None:
    """A valid identifier of any supported country in ``text``, or None.

    What an identifier typed without its country tells: "898 894 399" is a SIREN, so the
    company is in France. When a number is valid in several countries (a SIREN can also pass
    Portugal's check), the first in the order of :func:`supported_countries` wins.
    """
    for scheme in _SCHEMES:
        check = check_company_id(scheme.country, text)
        if check.ok and _names_its_country(check, _clean_text(text)):
            return check
    return None
