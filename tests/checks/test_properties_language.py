"""Property-based tests of bot/checks/language.py: any text, any metadata value, no exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checks.language import (
    ALL_LANGUAGES,
    LANGUAGES,
    asks_for_language,
    normalise_language,
    requested_language,
    written_in,
)

FRENCH = "Bonjour, je voudrais créer le compte de notre société sur la plateforme"
ENGLISH = "Hello, I would like to create an account for our company on the platform"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_any_text_is_read_as_one_of_the_languages_or_none(text):
    assert written_in(text) in (None, *ALL_LANGUAGES)
    assert requested_language(text) in (None, *LANGUAGES)
    assert asks_for_language(text) in (True, False)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["L"]), max_size=60))
def test_noise_around_a_clear_sentence_does_not_change_its_language(noise):
    # Digits, punctuation, emoji: no letters, so no evidence for either language.
    assert written_in(f"{noise} {FRENCH} {noise}") == "fr"
    assert written_in(f"{noise} {ENGLISH} {noise}") == "en"


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=40),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    )
)
def test_normalise_language_accepts_any_metadata_value(value):
    assert normalise_language(value) in (None, *LANGUAGES)


# Words of the seven languages, in any mix and number: long messages far from French and
# English, with a stray English word, once divided by zero.
WORDS = (
    "the you my and le la je vous est ich nicht und das ik niet een het non il che sono el "
    "los que mi não o meu um código convite Einladung uitnodiging invito invitación"
).split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=120))
def test_any_mix_of_words_is_read_as_one_of_the_languages_or_none(words):
    assert written_in(" ".join(words)) in (None, *ALL_LANGUAGES)
