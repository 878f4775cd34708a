"""Invitation codes as text: generation, reading as typed, display, masking, finding one."""

import pytest

from bot.checks.invitation_codes import (
    ALPHABET,
    CODE_LENGTH,
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


def test_a_customer_chosen_code_is_found_alone():
    assert extract_code("ACME2024") == "ACME2024"
    assert extract_code("je ne sais pas") is None
