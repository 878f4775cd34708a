"""Property-based tests of bot/checks/passwords.py: each rule is reported exactly when it fails,
and each reported rule has its explanation in French and in English."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from actions.common import response_text
from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.checks.passwords import (
    MIN_LENGTH,
    PasswordRule,
    check_password,
    hash_password,
    verify_password,
)
from bot.checks.sentences import reads_as_a_question
from bot.responses import load_domain

COMPOSITION = {
    PasswordRule.MIN_LENGTH,
    PasswordRule.UPPERCASE,
    PasswordRule.LOWERCASE,
    PasswordRule.DIGIT,
    PasswordRule.SPECIAL,
}

# Letters, digits, punctuation, symbols, spaces, the full stop, accents, other scripts.
passwords = st.one_of(
    st.text(max_size=30),
    st.text("aZ9!.é É-_ ?€" + "漢字" + "٣", max_size=20),
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=8, max_size=24),
)


def expected_composition(password: str) -> set[PasswordRule]:
    """The article's rule, written from its text: 8 characters, one upper-case letter, one
    lower-case letter, one digit, one special character (the full stop does not count)."""
    pw = unicodedata.normalize("NFKC", password)
    unmet = set()
    if len(pw) < MIN_LENGTH:
        unmet.add(PasswordRule.MIN_LENGTH)
    if not any(unicodedata.category(c) == "Lu" or c.isupper() for c in pw):
        unmet.add(PasswordRule.UPPERCASE)
    if not any(unicodedata.category(c) == "Ll" or c.islower() for c in pw):
        unmet.add(PasswordRule.LOWERCASE)
    if not any(unicodedata.category(c) == "Nd" for c in pw):
        unmet.add(PasswordRule.DIGIT)
    if not any(c != "." and unicodedata.category(c)[0] in "PS" for c in pw):
        unmet.add(PasswordRule.SPECIAL)
    return unmet


@example("Abcdef1.")  # the full stop is not the special character
@example("Abcdef1!")
@example("ABCDEFG1!")
@example("")
@example("0 0 0 ?")  # no sentence: the rules
@settings(max_examples=400, deadline=None)
@given(passwords)
def test_each_composition_rule_is_reported_exactly_when_it_fails(password):
    problems = check_password(password)

    if reads_as_a_question(unicodedata.normalize("NFKC", password)):
        assert problems == [PasswordRule.A_QUESTION]  # no rule said: it is no try at one
        return
    assert set(problems) & COMPOSITION == expected_composition(password)
    assert len(problems) == len(set(problems))
    assert problems == sorted(problems, key=list(PasswordRule).index)  # always the same order


@settings(max_examples=100, deadline=None)
@given(
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=10),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8),
)
def test_a_password_containing_the_email_local_part_is_refused(local, domain):
    email = f"{local}@{domain}.fr"
    password = f"Xq7!{local.capitalize()}#9z"

    assert PasswordRule.NOT_EMAIL in check_password(password, email)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=2000), st.one_of(st.none(), st.text(max_size=100)))
def test_any_password_and_email_give_a_list_of_rules_never_an_exception(password, email):
    problems = check_password(password, email)
    assert all(isinstance(rule, PasswordRule) for rule in problems)


@settings(max_examples=10, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"]), min_size=8, max_size=40))
def test_hash_then_verify(password):
    password_hash = hash_password(password)
    assert password not in password_hash
    assert verify_password(password_hash, password)
    assert not verify_password(password_hash, password + "x")
    # The same password in another Unicode form (é composed or not) is the same secret.
    assert verify_password(password_hash, unicodedata.normalize("NFD", password))


@pytest.mark.parametrize("rule", list(PasswordRule))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_has_its_explanation_in_both_languages(rule, language):
    domain = load_domain()
    text = response_text(domain, f"utter_password_rule_{rule.value}", language)
    french = response_text(domain, f"utter_password_rule_{rule.value}", "fr")

    assert text.strip()
    if language != DEFAULT_LANGUAGE:
        assert text != french
