"""Property-based tests of bot/checks/contacts.py: phone numbers valid for each supported
country are accepted in any usual layout; names and any other text never raise."""

from __future__ import annotations

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.checks.contacts import FieldCheck, check_job_title, check_name, check_phone, format_phone
from bot.checks.identifiers import supported_countries

COUNTRIES = [scheme.country for scheme in supported_countries()]
TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
EXAMPLES = [
    (country, number)
    for country in COUNTRIES
    for kind in TYPES
    if (number := phonenumbers.example_number_for_type(country, kind)) is not None
]
LAYOUTS = [
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
]


@st.composite
def respaced(draw, text: str) -> str:
    """The digit groups of ``text`` joined by spaces, dots or dashes, as people type them."""
    separator = draw(st.sampled_from([" ", ".", "-", "", "\u00a0"]))
    return separator.join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(LAYOUTS), st.data())
def test_a_valid_number_is_accepted_in_any_layout(example_number, layout, data):
    country, number = example_number
    typed = data.draw(respaced(phonenumbers.format_number(number, layout)))
    lead = data.draw(st.sampled_from(["", "mon numéro : ", "my phone is "]))

    check = check_phone(lead + typed, country)

    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert check.ok, (country, typed, check.error)
    assert check.value == expected
    # What the summary shows reads back as the same number.
    assert check_phone(format_phone(check.value), country).value == expected


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(COUNTRIES))
def test_an_international_number_is_accepted_for_any_company_country(example_number, country):
    _, number = example_number
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert check_phone(international, country).value == international


@example(text="\x00", country="FR")
@example(text="+" + "9" * 5000, country="GB")
@example(text="06 12 34 56 78", country="ZZ")
@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200), st.one_of(st.sampled_from(COUNTRIES), st.text(max_size=3)))
def test_any_text_gets_a_number_or_a_reason(text, country):
    check = check_phone(text, country)
    assert isinstance(check, FieldCheck)
    assert check.ok == (check.value is not None)
    if check.ok:
        assert phonenumbers.is_valid_number(phonenumbers.parse(check.value))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_names_and_job_titles_never_raise(text):
    for check in (check_name(text), check_job_title(text)):
        assert check.ok == (check.value is not None)
        if check.ok:
            assert check.value.strip() == check.value and len(check.value) <= 100


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(whitelist_categories=["Lu", "Ll"]), min_size=1, max_size=20),
    st.sampled_from(["", "-", " ", "'"]),
    st.text(st.characters(whitelist_categories=["Lu", "Ll"]), min_size=1, max_size=20),
)
def test_names_in_any_script_are_accepted(first, joiner, second):
    name = first + joiner + second if joiner else first
    check = check_name(name)
    assert check.ok, (name, check.error)
