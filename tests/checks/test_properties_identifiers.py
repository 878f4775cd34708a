"""Property-based tests of bot/checks/identifiers.py: valid numbers are read whatever their layout,
and no text makes the reader crash."""

from __future__ import annotations

import string

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.ch import uid as ch_uid
from stdnum.es import nif as es_nif
from stdnum.iso7064 import mod_11_10
from stdnum.it import iva as it_iva
from stdnum.nl import btw as nl_btw
from stdnum.pt import nif as pt_nif
from stdnum.us import ein as us_ein

from bot.checks.identifiers import (
    CompanyIdCheck,
    CompanyIdError,
    check_company_id,
    parse_country,
    supported_countries,
)
from bot.checks.language import LANGUAGES

COUNTRIES = [scheme.country for scheme in supported_countries()]


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


# Valid identifiers built with their check digits, as (country, compact value).
french = digits(8).map(lambda d: ("FR", d + luhn.calc_check_digit(d)))
belgian = st.tuples(st.sampled_from("01"), digits(7)).map(
    lambda t: ("BE", t[0] + t[1] + f"{97 - int(t[0] + t[1]) % 97:02d}")
)
luxembourgish = digits(6).map(lambda d: ("LU", d + f"{int(d) % 89:02d}"))
german = (
    digits(8).filter(lambda d: d[0] != "0").map(lambda d: ("DE", d + mod_11_10.calc_check_digit(d)))
)
swiss = digits(8).map(lambda d: ("CH", "CHE" + d + ch_uid.calc_check_digit(d)))
portuguese = (
    digits(8)
    .filter(lambda d: d[0] in "125689")
    .map(lambda d: ("PT", d + pt_nif.calc_check_digit(d)))
)
italian = st.tuples(digits(7), st.sampled_from(["001", "015", "100", "120", "888"])).map(
    lambda t: ("IT", t[0] + t[1] + luhn.calc_check_digit(t[0] + t[1]))
)
spanish = digits(8).map(lambda d: ("ES", d + "TRWAGMYFPDXBNJZSQVHLCKE"[int(d) % 23]))
dutch = digits(9).map(lambda d: ("NL", d + "B01"))
american = st.tuples(st.sampled_from(["04", "10", "20", "46", "84", "91"]), digits(7)).map(
    lambda t: ("US", t[0] + t[1])
)
british = st.one_of(
    digits(8).filter(lambda d: int(d) > 0),
    st.tuples(st.sampled_from(["SC", "NI", "OC", "SO", "LP"]), digits(6)).map("".join),
).map(lambda v: ("GB", v))

VALID = st.one_of(
    french,
    belgian,
    luxembourgish,
    german,
    swiss,
    portuguese,
    italian,
    spanish,
    dutch,
    american,
    british,
)

ORACLES = {
    "CH": ch_uid.is_valid,
    "IT": it_iva.is_valid,
    "NL": nl_btw.is_valid,
    "ES": es_nif.is_valid,
    "US": us_ein.is_valid,
    "PT": pt_nif.is_valid,
}

# What people put between digits: spaces (also the no-break ones of French typography),
# dots, dashes (also typographic ones), slashes, or nothing.
SEPARATORS = st.sampled_from(["", "", "", " ", ".", "-", "\u00a0", "\u202f", "\u2013", "/"])


@st.composite
def spaced(draw, value: str) -> str:
    """``value`` with a separator drawn between each pair of characters."""
    out = [value[0]]
    for char in value[1:]:
        out.append(draw(SEPARATORS))
        out.append(char)
    return "".join(out)


@st.composite
def valid_ids(draw):
    country, value = draw(VALID)
    if country in ORACLES:
        # Built with the check digit, but some digit patterns are reserved (a NL or US range
        # with no companies, a Swiss check digit of 10): those are not valid identifiers.
        assume(ORACLES[country](value))
    return country, value


@settings(max_examples=300, deadline=None)
@given(valid_ids(), st.data())
def test_a_valid_identifier_is_accepted_in_any_layout(valid, data):
    country, value = valid
    typed = data.draw(spaced(value))
    typed = data.draw(st.sampled_from([typed, typed.lower(), f"  {typed}  "]))

    check = check_company_id(country, typed)

    assert check.ok, (country, typed, check.error)
    assert check.company_id.value == value
    assert check.company_id.country == country


@settings(max_examples=200, deadline=None)
@given(valid_ids(), st.sampled_from(["", " ", ".", "-", "\u00a0"]), st.data())
def test_a_valid_identifier_is_found_in_a_sentence(valid, separator, data):
    country, value = valid
    groups = [value[i : i + 3] for i in range(0, len(value), 3)]
    lead = data.draw(st.sampled_from(["notre numéro est le", "our number is", "c'est", ""]))
    tail = data.draw(st.sampled_from(["", " merci", ", thanks", "."]))

    check = check_company_id(country, f"{lead} {separator.join(groups)}{tail}")

    assert check.ok, (country, value, check.error)
    assert check.company_id.value == value


@example(country="FR", text="732 829 321")
@example(country="FR", text="\x00")
@example(country="GB", text="SC" + "1" * 10_000)
@example(country="xx", text="732829320")
@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.sampled_from(COUNTRIES), st.text(max_size=4)),
    st.one_of(st.text(max_size=200), st.text(string.digits + " .-/FRBESCHE", max_size=40)),
)
def test_any_text_gets_an_answer_never_an_exception(country, text):
    check = check_company_id(country, text)

    assert isinstance(check, CompanyIdCheck)
    if check.ok:
        # What is stored reads back as itself: the normalised value is stable.
        again = check_company_id(check.company_id.country, check.company_id.value)
        assert again.company_id == check.company_id
        assert again.company_id.display()
    else:
        assert isinstance(check.error, CompanyIdError)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_country_never_crashes_and_names_a_supported_country(text):
    assert parse_country(text) in (None, *COUNTRIES)


@given(st.sampled_from(supported_countries()), st.sampled_from(LANGUAGES))
def test_each_country_is_recognised_by_its_name_in_both_languages(scheme, language):
    name = scheme.country_name(language)
    assert parse_country(name) == scheme.country
    assert parse_country(f"c'est en {name.upper()}") == scheme.country
