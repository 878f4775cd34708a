"""Which of our two languages, French or English, a message is written in.

py3langid ships its model inside the package (no download); restricting it to fr/en turns it
into a two-way choice, which is what the assistant needs. Short or language-neutral messages
("OK", an email address, a SIREN) say nothing about the language: they return None.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The assistant's languages and the one spoken when nothing says which: defined here only,
# every other module (channel, mail, web pages, command line) imports them.
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
MIN_LETTERS = 8  # below this, "ok", "Dupont", "oui" are guesses, not evidence
MIN_PROBABILITY = 0.9

_WORDS = re.compile(r"[^\W\d_]{2,}")
_NOT_PROSE = re.compile(r"\S+@\S+|https?://\S+|\S*\d\S*")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """``"fr"`` or ``"en"`` when the text says so clearly enough, else None."""
    prose = _NOT_PROSE.sub(" ", text or "")
    if sum(len(w) for w in _WORDS.findall(prose)) < MIN_LETTERS:
        return None
    language, probability = _identifier().classify(prose.lower())
    return language if probability >= MIN_PROBABILITY else None


def normalise_language(value: object) -> str | None:
    """A language code from metadata or an entity ("en", "EN", "en-GB", "english") or None."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    aliases = {"english": "en", "anglais": "en", "french": "fr", "français": "fr", "francais": "fr"}
    value = aliases.get(value, value[:2])
    return value if value in LANGUAGES else None
