"""Addresses, links and identifiers are read by the NLU as placeholders, never changed in the
message (rasa_ext/placeholders.py, rasa_ext/tokenizer.py)."""

from __future__ import annotations

import time

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.placeholders import EMAIL, IDENTIFIER, LINK, placeholder_spans, with_placeholders
from rasa_ext.tokenizer import PlaceholderWhitespaceTokenizer


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "inscrite avec claire.martin@acme-industrie.fr, mais rien reçu",
            "inscrite avec name@example.com, mais rien reçu",
        ),
        ("my email is j.smith@northwind.co.uk.", "my email is name@example.com."),
        ("voir https://www.example.org/aide?x=1 merci", "voir https://example.com merci"),
        ("SARL 552 100 554, code K7M4-PQRX-9RTB-3HWD", "SARL 12345678, code 12345678"),
        ("mon numéro : 06 12 34 56 78", "mon numéro : 12345678"),
        ("+44 20 7946 0958 is my phone", "12345678 is my phone"),
        ("CRN SC123456", "CRN 12345678"),
        ("le code HXSA 0000 0000 0001 ?", "le code 12345678 ?"),
        ("entreprise 0712.448.903", "entreprise 12345678"),
    ],
)
def test_addresses_links_and_identifiers_become_the_same_words_every_time(text, expected):
    assert with_placeholders(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mon code a expiré il y a 3 mois",  # a number of months is a word to read
        "au moins 12 caractères",
        "en 2024 ?",
        "ça ne marche pas",
        "SARL ou SAS ?",  # capitals without digits are words
        "",
    ],
)
def test_words_and_small_numbers_are_left_as_they_are(text):
    assert with_placeholders(text) == text
    assert placeholder_spans(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("et si j'oublie mon mdp ?", "et si j'oublie mon mot de passe ?"),
        ("what if I forget my PWD?", "what if I forget my password?"),
        ("mdpx et amdp", "mdpx et amdp"),  # only the whole word
    ],
)
def test_the_password_s_abbreviations_are_spelt_out_for_the_encoder(text, expected):
    """ "et si j'oublie mon mdp ?" got the personal data's answer, sure of it (an outside
    tester): the encoder does not know "mdp"."""
    assert with_placeholders(text) == expected


def test_spans_say_what_each_thing_is():
    text = "a.b@c.fr 552100554 https://x.fr"

    assert [kind for _, _, kind in placeholder_spans(text)] == [EMAIL, IDENTIFIER, LINK]


def test_the_tokenizer_gives_placeholders_as_lemmas_and_keeps_the_words():
    tokenizer = PlaceholderWhitespaceTokenizer(PlaceholderWhitespaceTokenizer.get_default_config())
    text = "mon adresse jean@acme.fr et mon code K7M4 PQ2X 9RTB 3HWD"
    message = Message(data={"text": text})

    tokens = tokenizer.tokenize(message, "text")

    assert [t.text for t in tokens] == text.split()
    assert [text[t.start : t.end] for t in tokens] == text.split()
    assert [t.lemma for t in tokens] == [
        "mon", "adresse", EMAIL, "et", "mon", "code",
        IDENTIFIER, "", "", "",
    ]  # fmt: skip
    assert message.get("text") == text


@pytest.mark.parametrize("text", ["a" * 64_000, "Ab1." * 16_000, "ab-" * 21_000])
def test_a_hostile_long_word_is_read_in_linear_time(text):
    """A 64 KB word without "@" took about 12 s of the Rasa server's CPU (the address pattern
    tried at every character: quadratic), twice per message; now milliseconds. The bound is
    ten times what linear reading needs on a slow machine."""
    started = time.perf_counter()
    placeholder_spans(text)

    assert time.perf_counter() - started < 1.0
