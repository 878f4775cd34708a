"""Tests of the password policy (help-centre rule + zxcvbn + e-mail) and of Argon2id hashing."""

from __future__ import annotations

import pytest

from bot.checks.passwords import (
    MIN_LENGTH,
    SPECIAL_CHARACTER_EXAMPLES,
    PasswordRule,
    check_password,
    hash_password,
    password_in,
    verify_password,
)

# A random-looking password that meets every rule; the variants below each break exactly one.
STRONG = "vT7#qLm2!xRw"


def test_strong_password_is_accepted() -> None:
    assert check_password(STRONG) == []
    assert check_password(STRONG, "jean.dupont@acme.fr") == []


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("vt7#qlm2!xrw", PasswordRule.UPPERCASE),
        ("VT7#QLM2!XRW", PasswordRule.LOWERCASE),
        ("vTq#qLmz!xRw", PasswordRule.DIGIT),
        ("vT7qLm2xRwZk", PasswordRule.SPECIAL),
        ("vT7#qL2", PasswordRule.MIN_LENGTH),
    ],
)
def test_each_missing_requirement_is_reported_alone(password: str, rule: PasswordRule) -> None:
    assert check_password(password) == [rule]


def test_seven_characters_too_short_eight_enough() -> None:
    assert MIN_LENGTH == 8
    assert check_password("vT7#qL2") == [PasswordRule.MIN_LENGTH]
    assert check_password("vT7#qL2x") == []


def test_all_unmet_rules_are_reported_in_order() -> None:
    assert check_password("abc") == [
        PasswordRule.MIN_LENGTH,
        PasswordRule.UPPERCASE,
        PasswordRule.DIGIT,
        PasswordRule.SPECIAL,
    ]
    assert check_password("") == [
        PasswordRule.MIN_LENGTH,
        PasswordRule.UPPERCASE,
        PasswordRule.LOWERCASE,
        PasswordRule.DIGIT,
        PasswordRule.SPECIAL,
    ]


def test_period_is_not_a_special_character() -> None:
    assert check_password("vT7qLm2xRw.") == [PasswordRule.SPECIAL]
    assert check_password("vT7qLm2xRw.!") == []
    # The help centre's own example pattern: the "." does not count...
    assert check_password("Abcdefg1.")[0] == PasswordRule.SPECIAL
    # ...and with a real special character only zxcvbn objects ("abcdefg" is a sequence).
    assert check_password("Abcdefg1.!") == [PasswordRule.NOT_COMMON]


@pytest.mark.parametrize("special", list("!#$%&*+-_=?@/\\,;:'\"()[]{}<>|~^`€£§°"))
def test_punctuation_and_symbols_are_special(special: str) -> None:
    assert PasswordRule.SPECIAL not in check_password(f"vT7qLm2xRw{special}")


@pytest.mark.parametrize("not_special", [" ", "\t", "\u200d", "\u0301"])
def test_whitespace_and_invisible_characters_are_not_special(not_special: str) -> None:
    assert PasswordRule.SPECIAL in check_password(f"vT7qLm2xRw{not_special}")


def test_accented_letters_count_as_upper_and_lower_case() -> None:
    # "é"/"É" are the only lower-/upper-case letters of these passwords.
    assert check_password("É7#QLM2!XRW") == [PasswordRule.LOWERCASE]
    assert check_password("é7#QLM2!XRW") == []
    assert check_password("É7#qlm2!xrw") == []
    # Case-less scripts are letters but neither upper nor lower case, and not special.
    assert check_password("漢字仮名交じり文") == [
        PasswordRule.UPPERCASE,
        PasswordRule.LOWERCASE,
        PasswordRule.DIGIT,
        PasswordRule.SPECIAL,
    ]


def test_decomposed_accent_is_one_character() -> None:
    # "e" + combining acute is normalised to "é": 7 characters, not 8.
    assert check_password("e\u0301T7#qL2") == [PasswordRule.MIN_LENGTH]


@pytest.mark.parametrize(
    "password",
    ["Password1!", "Azerty123!", "Motdepasse1!", "Bonjour2024!", "P@ssw0rd!", "Azertyuiop1!"],
)
def test_common_passwords_are_refused(password: str) -> None:
    assert check_password(password) == [PasswordRule.NOT_COMMON]


@pytest.mark.parametrize(
    "password",
    [
        "Cheval-Correct-Batterie-7",
        "Ma maison est bleue 2024!",
        "Tartine-Confiture-42",
        "xK9#mP2q",  # random, minimum length
    ],
)
def test_reasonable_passwords_are_accepted(password: str) -> None:
    assert check_password(password) == []


def test_very_long_password_is_checked_quickly_and_accepted() -> None:
    long_password = ("Tartine-Confiture-42 " * 30).strip()
    assert len(long_password) > 600
    assert check_password(long_password) == []


def test_email_local_part_is_refused_case_insensitively() -> None:
    email = "jean.dupont@acme.fr"
    assert PasswordRule.NOT_EMAIL in check_password("JEAN.DUPONT#7x", email)
    assert check_password("Dupont2024!", email)[-1] == PasswordRule.NOT_EMAIL
    assert PasswordRule.NOT_EMAIL in check_password("x!Jean9kQwZ", email)
    assert PasswordRule.NOT_EMAIL not in check_password("Dupont2024!", "marie@acme.fr")
    assert check_password(STRONG, email) == []


def test_email_pieces_and_short_local_parts() -> None:
    # Pieces shorter than 4 characters are not refused ("al" appears in many words)...
    assert check_password("vT7#Al2!xRw", "al.bo@acme.fr") == []
    # ...but a local part of 3+ characters is, whole.
    assert PasswordRule.NOT_EMAIL in check_password("vT7#Al.bo2!xRw", "al.bo@acme.fr")
    assert PasswordRule.NOT_EMAIL not in check_password("vT7#Jd2!xRw", "jd@acme.fr")
    # Every separator splits: . _ - +
    for email in ("marie_curie@acme.fr", "marie-curie@acme.fr", "marie+curie@acme.fr"):
        assert PasswordRule.NOT_EMAIL in check_password("Curie#7xQw!", email)


def test_a_piece_of_the_address_s_domain_is_refused_too() -> None:
    """ "Marchal!Groupe1" with achats@groupe-marchal.fr was accepted (sixth outside tester)."""
    assert PasswordRule.NOT_EMAIL in check_password("Marchal!Groupe1", "achats@groupe-marchal.fr")
    assert PasswordRule.NOT_EMAIL not in check_password("Velo!Rouge42x", "achats@groupe-marchal.fr")
    # the top-level domain and short labels are no part that counts
    assert check_password("Velo!Rouge42x.fr", "jean@ab.fr") == []


def test_email_words_make_zxcvbn_stricter() -> None:
    # Random-looking on its own; guessable once the company name is known.
    assert check_password("Zorglubix2024!") == []
    assert PasswordRule.NOT_COMMON in check_password("Zorglubix2024!", "contact@zorglubix.fr")


def test_hash_round_trip() -> None:
    password_hash = hash_password(STRONG)
    assert password_hash != STRONG
    assert STRONG not in password_hash
    assert password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in password_hash  # OWASP minimum parameters
    assert verify_password(password_hash, STRONG) is True
    assert verify_password(password_hash, STRONG + "x") is False
    assert verify_password(password_hash, STRONG.lower()) is False


def test_hashes_are_salted() -> None:
    assert hash_password(STRONG) != hash_password(STRONG)


def test_hash_is_unicode_normalised() -> None:
    composed, decomposed = "Café#2024xyz", "Cafe\u0301#2024xyz"
    assert verify_password(hash_password(composed), decomposed) is True


@pytest.mark.parametrize(
    "bad_hash",
    [
        "",
        "garbage",
        "$argon2id$v=19$m=19456,t=2,p=1$xxx$yyy",
        "$2b$12$abcdefghijklmnopqrstuv",
        None,
    ],
)
def test_verify_never_raises_on_invalid_hash(bad_hash: str | None) -> None:
    assert verify_password(bad_hash, STRONG) is False  # type: ignore[arg-type]


def test_verify_never_raises_on_odd_passwords() -> None:
    password_hash = hash_password(STRONG)
    assert verify_password(password_hash, None) is False  # type: ignore[arg-type]
    assert verify_password(password_hash, "\ud800") is False


def test_the_users_names_are_refused_in_the_password_like_the_words_of_the_address() -> None:
    names = ["Sophie", "Morel-Vasseur"]
    assert PasswordRule.NOT_EMAIL in check_password("Vasseur#2031Zk", None, names)
    assert PasswordRule.NOT_EMAIL in check_password("x9!SOPHIEqwTz", "compta@acme.fr", names)
    # Names too short to mean anything in a password are not refused ("Li", "Eva").
    assert check_password("Eva!Kx92mQwz", None, ["Eva", "Li"]) == []
    assert check_password(STRONG, "jean.dupont@acme.fr", names) == []


def test_the_special_characters_shown_as_examples_all_count() -> None:
    for char in SPECIAL_CHARACTER_EXAMPLES.split():
        assert PasswordRule.SPECIAL not in check_password(f"Abcdefg1{char}xyz")
    assert "." not in SPECIAL_CHARACTER_EXAMPLES.split()


@pytest.mark.parametrize(
    ("typed", "password"),
    [
        ("mon mot de passe sera Velo!Rouge42", "Velo!Rouge42"),
        ("Mon mot de passe est : Velo!Rouge42", "Velo!Rouge42"),
        ("le mot de passe est « Ab!12345 »", "Ab!12345"),
        ("mdp : Abc!1234", "Abc!1234"),
        ("my password is Blue!Sky2024", "Blue!Sky2024"),
        ("Password: Xy7!abcd", "Xy7!abcd"),
        ("Velo!Rouge42", "Velo!Rouge42"),
        ("Password1!", "Password1!"),  # a password that starts with the word
        # a passphrase is a password as typed, spaces included
        ("Mon chat aime les souris 42!", "Mon chat aime les souris 42!"),
        ("mon mot de passe est trop long à écrire", "mon mot de passe est trop long à écrire"),
    ],
)
def test_the_password_in_an_answer(typed: str, password: str) -> None:
    assert password_in(typed) == password


@pytest.mark.parametrize("typed", ["d.gauthier@gauthier-sa.fr", "Jean.Dupont1@gmail.com"])
def test_an_email_address_is_no_password_and_only_that_is_said(typed: str) -> None:
    """Typed at the password question to correct the address: not "il manque une majuscule"."""
    assert check_password(typed, "jean@acme.fr") == [PasswordRule.AN_ADDRESS]


@pytest.mark.parametrize(
    "typed",
    [
        "Is there a fee for this? We have 2 suppliers portals already",
        "Sorry, how long must it be? Is 1 special character like £ enough?",
        "Attendez, je vais devoir faire ça pour mes 15 clients, je peux utiliser la même "
        "adresse email pour tous ?",
    ],
)
def test_a_question_is_no_password_and_only_that_is_said(typed: str) -> None:
    """Typed in the masked field, each met every rule and became the account's password (an
    outside tester): the first login would have failed."""
    assert check_password(typed, "jean@acme.fr") == [PasswordRule.A_QUESTION]


@pytest.mark.parametrize(
    "typed", ["Velo!Rouge42?", "Où? Ici 42!", "Jardin bleu 2026 !", "Velo ? Rouge42!"]
)
def test_a_password_or_passphrase_with_a_question_mark_is_a_password(typed: str) -> None:
    assert PasswordRule.A_QUESTION not in check_password(typed, "jean@acme.fr")


def test_a_password_with_an_at_sign_is_a_password() -> None:
    assert check_password("Email:jean@acme.fr!2", "marie@zeta-conseil.fr") == []
