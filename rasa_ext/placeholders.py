"""What the NLU reads of a message's addresses, links and identifiers: a placeholder each.

An email address, a link or an identifier (a code, a phone number, a company number: five
digits, or eight letters and digits, in one run) says what kind of thing the user wrote, not
what the message is about, and its characters are random
("claire.martin@acme-industrie.fr", "K7M4-PQ2X-9RTB-3HWD"). Read as they were, their words and
character n-grams swayed the classifier: "je me suis inscrite avec <address> mais je n'ai pas
reçu l'email d'activation" was understood or "not sure" depending on the address, and 12 of 16
such sentences changed answer with the address among 25 (session 8's probe, docs/quality.md).

The tokenizer (rasa_ext/tokenizer.py) gives each word of such a span the span's placeholder as
its lemma, which the word and character counts read; the sentence encoder
(rasa_ext/sentence_encoder.py) encodes the text with the spans replaced by the same words for
every message. The message's text itself is never changed: the actions, the entity extractor
and the reading rules read it. Pure text, no Rasa import.
"""

from __future__ import annotations

import re

EMAIL = "__email__"
LINK = "__link__"
IDENTIFIER = "__identifier__"

# What the sentence encoder reads instead: the same words for every message.
SPOKEN = {EMAIL: "name@example.com", LINK: "https://example.com", IDENTIFIER: "12345678"}

# An address starts where a word does (the look-behind): tried at every character, a long word
# without "@" took time quadratic in its length (0.2 s for 8,000 characters).
_NOT_IN_ADDRESS = r"\s@<>()\[\],;:\"'«»"
_EMAIL = re.compile(
    rf"(?<![^{_NOT_IN_ADDRESS}])[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}]+\.[^{_NOT_IN_ADDRESS}.]+"
)
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
# A number with this many digits, or a run of this many letters and digits holding a digit
# (a code: "K7M4 PQRX 9RTB 3HWD", "SC123456"); a year or "12 caractères" is a word to read.
_DIGITS_FOR_AN_IDENTIFIER = 5
_SYMBOLS_FOR_A_CODE = 8
# A group of an identifier: a word holding a digit, or four capitals or digits (a code's group
# may have no digit: "K7M4-PQRX-9RTB-3HWD"), separated by what people put in numbers and codes.
_GROUP = r"(?:[0-9A-Za-z]*\d[0-9A-Za-z]*|[0-9A-Z]{4})"
_RUN = re.compile(rf"(?<![\w@.]){_GROUP}(?:[ .\-/]{{1,2}}{_GROUP})*(?![\w@])")
_HAS_DIGIT = re.compile(r"\d")


def _identifier_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _RUN.finditer(text):
        start, end = match.span()
        groups = list(re.finditer(r"[0-9A-Za-z]+", match.group()))
        with_digit = [g for g in groups if _HAS_DIGIT.search(g.group())]
        if not with_digit:
            continue
        # A code's four groups of four are all of it ("HXSA 0000 0000 0001"); otherwise the run
        # begins and ends with a group holding a digit: "SARL 552 100 554" is "552 100 554".
        if not (len(groups) == 4 and all(len(g.group()) == 4 for g in groups)):
            start, end = start + with_digit[0].start(), start + with_digit[-1].end()
        if text[start - 1 : start] == "+":  # an international phone number
            start -= 1
        symbols = [char for char in text[start:end] if char.isalnum()]
        digits = sum(char.isdigit() for char in symbols)
        if digits >= _DIGITS_FOR_AN_IDENTIFIER or len(symbols) >= _SYMBOLS_FOR_A_CODE:
            spans.append((start, end))
    return spans


def placeholder_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the message holds an address, a link or an identifier, in order, not overlapping."""
    found = [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    found += [(m.start(), m.end(), LINK) for m in _LINK.finditer(text)]
    found += [(start, end, IDENTIFIER) for start, end in _identifier_spans(text)]
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, kind))
    return kept


# Abbreviations people type for the words the answers are about, spelt out for the sentence
# encoder, which does not know them: "et si j'oublie mon mdp ?" read as a question about personal
# data (sure of it), "what if I forget my pwd?" as nothing it knew.
_ABBREVIATIONS = {
    "mdp": "mot de passe",
    "pwd": "password",
    "pswd": "password",
    "passwd": "password",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b", re.IGNORECASE)


def with_placeholders(text: str) -> str:
    """``text`` with each address, link and identifier replaced by the same words every time,
    and the abbreviations above spelt out."""
    pieces, last = [], 0
    for start, end, kind in placeholder_spans(text):
        pieces += [text[last:start], SPOKEN[kind]]
        last = end
    spoken = "".join(pieces) + text[last:]
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], spoken)
