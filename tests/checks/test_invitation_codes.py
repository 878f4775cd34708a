"""Invitation codes as text: generation, reading as typed, display, masking, finding one."""

import pytest

from bot.checks.invitation_codes import (
    ALPHABET,
    CODE_LENGTH,
    code_span,
    cut_off_in_a_link,
    extract_code,
    format_code,
    generate_code,
    mask_code,
    normalise_code,
)


def test_generated_codes_have_80_bits_from_an_unambiguous_alphabet():
    codes = {generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("ILOU") & set(ALPHABET)
    assert CODE_LENGTH * 5 >= 64  # 32 symbols = 5 bits each


@pytest.mark.parametrize(
    "typed",
    ["K7M4-PQ2X-9RTB-3HWD", "k7m4 pq2x 9rtb 3hwd", "K7M4PQ2X9RTB3HWD", " k7m4.pq2x.9rtb.3hwd "],
)
def test_codes_are_read_whatever_the_case_and_separators(typed):
    assert normalise_code(typed) == "K7M4PQ2X9RTB3HWD"


def test_look_alike_letters_are_read_as_digits():
    assert normalise_code("AOB1-IL00") == normalise_code("A0B1-1100")


def test_format_and_mask():
    assert format_code("K7M4PQ2X9RTB3HWD") == "K7M4-PQ2X-9RTB-3HWD"
    assert mask_code("K7M4-PQ2X-9RTB-3HWD") == "K7M4…"
    assert "PQ2X" not in mask_code("K7M4-PQ2X-9RTB-3HWD")


@pytest.mark.parametrize(
    "text",
    [
        "mon code est K7M4-PQ2X-9RTB-3HWD",
        "voici mon code k7m4 pq2x 9rtb 3hwd merci",
        "My invitation code is K7M4PQ2X9RTB3HWD.",
        "code abcd efgh K7M4 PQ2X 9RTB 3HWD",
    ],
)
def test_a_code_is_found_in_a_sentence(text):
    assert extract_code(text) == "K7M4PQ2X9RTB3HWD"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # the word after the code makes a 16-symbol group with as many digits
        ("j'ai le code HXZZ 0000 0000 0002 pour le siren 732829320", "HXZZ000000000002"),
        ("I got code HXZZ 0000 0000 0002 from ACME", "HXZZ000000000002"),
        ("code ABCD EFGH JKMN PQRS", "ABCDEFGHJKMNPQRS"),
    ],
)
def test_the_words_around_a_code_are_not_taken_for_its_symbols(text, code):
    assert extract_code(text) == code


def test_a_customer_chosen_code_is_found_alone():
    assert extract_code("ACME2024") == "ACME2024"
    assert extract_code("je ne sais pas") is None


@pytest.mark.parametrize(
    "text",
    [
        "France, 732829320",  # the company's number, not a code
        "this will work fine",  # four 4-letter words
        "ABCD",
    ],
)
def test_out_of_turn_only_a_generated_looking_code_is_taken(text):
    assert extract_code(text, shaped_only=True) is None


def test_a_code_typed_among_other_answers_is_found_with_its_place():
    text = "France, siren 732 829 320, code ACME-FR00-0000-0001, email jean@acme.fr"
    code = extract_code(text, shaped_only=True)

    assert code == "ACMEFR0000000001"
    start, end = code_span(text, code)
    assert text[start:end] == "ACME-FR00-0000-0001"


def test_a_label_word_is_never_a_group_of_the_code():
    """ "crn 05478384 code kjpq hc8k f7x7 w24h": the code was "05478384 code kjpq", more digits
    than the real one (an outside tester)."""
    text = "hi need 2 register asap, tesco sent me a code. crn 05478384 code kjpq hc8k f7x7 w24h"
    assert extract_code(text) == "KJPQHC8KF7X7W24H"


def test_only_a_link_s_code_shorter_than_the_platform_s_may_be_cut_off():
    assert cut_off_in_a_link("PPBNQP0T9SH5", from_a_link=True)
    assert not cut_off_in_a_link("PPBNQP0T9SH5", from_a_link=False)  # typed: a custom code
    assert not cut_off_in_a_link("PPBNQP0T9SH5K7M4", from_a_link=True)  # whole


@pytest.mark.parametrize(
    "text",
    ["3EN2-A8ZQ- 9D4W-FDJE", "P1S4 - YEZN - NY9M - 9NZC", "mon code : 3EN2-A8ZQ -9D4W-FDJE merci"],
)
def test_a_code_with_spaces_beside_its_hyphens_is_read(text):
    """From a PDF's line break or typed by hand: "I could not find an invitation code"."""
    assert len(extract_code(text, shaped_only=True)) == CODE_LENGTH


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Registering: Belgium, 0648.447.473, code MBVP-AKAS-WATZ-KVEZ", "MBVPAKASWATZKVEZ"),
        ("this will work fine", None),  # four words of four letters
        ("THIS WILL WORK FINE", None),  # in capitals, without the code's hyphens
    ],
)
def test_an_all_letter_code_with_its_hyphens_is_read_beside_other_answers(text, code):
    assert extract_code(text, shaped_only=True) == code
