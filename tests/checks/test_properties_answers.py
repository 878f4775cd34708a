"""Property-based tests of bot/checks/answers.py: any text at any question gets a reading, never
an exception; a password is never read as anything else; values are kept as typed."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from bot.checks.answers import (
    QUESTION_WORDS,
    TEXT_FIELDS,
    Correction,
    Reading,
    correction_in,
    read_message,
)
from bot.checks.identifiers import CompanyId

QUESTIONS = [None, *TEXT_FIELDS, "email_confirmed", "terms_accepted", "confirmed",
             "country_confirmed", "field_to_correct"]  # fmt: skip
KNOWN = {
    "country": "FR",
    "company_id": "732829320",
    "email": "jean.dupont@acme.fr",
    "first_name": "Jean",
    "last_name": "Dupont",
    "phone": "+33612345678",
}
SPECIALS = "!#$%&*+-/:;=?^_~()[]{}<>|,'\"€£§"


@settings(max_examples=400, deadline=None)
@given(
    st.text(max_size=300),
    st.sampled_from(QUESTIONS),
    st.sampled_from([{}, KNOWN]),
    st.sampled_from([None, "phone", "email", "bogus"]),
    st.sampled_from([None, "inform", "correct_field", "skip", "deny", "affirm", "faq"]),
)
def test_any_text_at_any_question_gets_a_reading(text, asked, known, named, intent):
    reading = read_message(text, asked, known, named_field=named, intent=intent)

    assert isinstance(reading, Reading)
    assert set(reading.values) <= set(TEXT_FIELDS)
    assert set(reading.cleared) <= set(TEXT_FIELDS)
    assert "password" not in reading.values


@st.composite
def passwords(draw) -> str:
    body = draw(st.text(string.ascii_letters + string.digits + SPECIALS, min_size=6, max_size=30))
    return body + draw(st.sampled_from(string.digits)) + draw(st.sampled_from(SPECIALS))


@settings(max_examples=500, deadline=None)
@given(passwords())
def test_a_password_at_the_password_question_is_read_as_nothing(password):
    assert read_message(password, "password", KNOWN) == Reading()


names = st.text(string.ascii_letters + "éèçàÉ-", min_size=2, max_size=20).filter(
    lambda n: n.strip("-") == n and "--" not in n
)


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_the_new_first_name_of_a_correction_is_kept_as_typed(new, old):
    assume(new.lower() not in ("pas", "not", "non", "mais", "but", *QUESTION_WORDS))
    text = f"mon prénom c'est {new} pas {old}"

    assert correction_in(text, "confirmed", {"first_name": old}) == Correction("first_name", new)


sirens = st.text(string.digits, min_size=8, max_size=8).map(lambda d: d + luhn.calc_check_digit(d))


@settings(max_examples=300, deadline=None)
@given(sirens, st.sampled_from(["", "notre siren est le ", "c'est ", "SIREN : "]), st.booleans())
def test_a_siren_at_the_country_question_is_kept_and_names_france(siren, lead, spaced):
    typed = " ".join((siren[:3], siren[3:6], siren[6:])) if spaced else siren
    reading = read_message(lead + typed, "country", {})

    assert reading.values == {"country": "FR", "company_id": CompanyId("FR", siren).value}
    # A number alone is asked to be confirmed; one called a SIREN says its country itself.
    assert reading.inferred_country == (None if "siren" in lead.lower() else "FR")
