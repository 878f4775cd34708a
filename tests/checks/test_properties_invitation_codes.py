"""Property-based tests of invitation code reading (bot/checks/invitation_codes.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checks.invitation_codes import (
    ALPHABET,
    CODE_LENGTH,
    extract_code,
    format_code,
    generate_code,
    mask_code,
    normalise_code,
)

codes = st.text(ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
LOOKALIKES = {"0": ["0", "O", "o"], "1": ["1", "I", "i", "L", "l"]}


@st.composite
def typed(draw, code: str) -> str:
    """``code`` as a person types it: any case, look-alike letters, groups of four or not."""
    chars = [draw(st.sampled_from(LOOKALIKES.get(c, [c.upper(), c.lower()]))) for c in code]
    groups = ["".join(chars[i : i + 4]) for i in range(0, CODE_LENGTH, 4)]
    separator = draw(st.sampled_from(["-", " ", ""]))
    return separator.join(groups)


@settings(max_examples=300)
@given(codes, st.data())
def test_a_code_is_read_in_any_case_spacing_and_lookalike(code, data):
    text = data.draw(typed(code))
    lead = data.draw(st.sampled_from(["", "mon code est ", "the code: ", "code d'invitation "]))
    tail = data.draw(st.sampled_from(["", " merci", ".", " !"]))

    assert normalise_code(text) == code
    assert extract_code(f"{lead}{text}{tail}") == code


@given(codes)
def test_format_then_read_gives_the_code_back(code):
    shown = format_code(code)
    assert len(shown) == CODE_LENGTH + 3
    assert extract_code(shown) == code
    assert normalise_code(normalise_code(shown)) == normalise_code(shown)


@settings(max_examples=500)
@given(st.text(max_size=300))
def test_any_text_gives_a_code_or_none_never_an_exception(text):
    code = extract_code(text)
    if code is not None:
        assert code == normalise_code(code)  # already in its stored form
        assert 6 <= len(code) <= 32 and code.isalnum() and code.isascii()


@given(st.text(max_size=100))
def test_a_masked_code_shows_at_most_four_symbols(text):
    masked = mask_code(text)
    assert len(masked.rstrip("…")) <= 4


def test_generated_codes_use_the_alphabet_and_differ():
    generated = {generate_code() for _ in range(1000)}
    assert len(generated) == 1000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in generated)
