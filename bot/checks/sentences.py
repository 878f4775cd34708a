"""What a message's text is made of: the characters nobody sees, and whether it asks something.

Shared by the password rule (bot/checks/passwords.py: a question is never the account's
password) and the reading of a message at the password question (bot/checks/answers.py: a
question there is answered, not stored). Kept apart from passwords.py, whose hashing and
strength libraries (argon2, zxcvbn) the Rasa server has no use for.
"""

from __future__ import annotations

import re
import unicodedata

from bot.checks.fields import fold

# A question mark that ends a word, in a text of at least this many words: "Velo!Rouge42?" and
# "Où? Ici 42!" may be passwords, "je peux utiliser la même adresse pour mes 15 clients ?" not.
_QUESTION_MARK = re.compile(r"\?(?=\s|$)")
QUESTION_MIN_WORDS = 4


def reads_as_a_question(text: str) -> bool:
    """A sentence that asks something: at least QUESTION_MIN_WORDS words, two of them with
    letters ("0 0 0 ?" is no sentence), and a question mark ending one of them."""
    words = text.split()
    worded = sum(any(char.isalpha() for char in word) for word in words)
    return len(words) >= QUESTION_MIN_WORDS and worded >= 2 and bool(_QUESTION_MARK.search(text))


def without_invisible(text: str) -> str:
    """``text`` without the characters that print nothing (Unicode's "format" category: zero-
    width spaces and joiners, soft hyphens, byte-order marks, bidirectional controls). A SIREN
    copied from a PDF arrived as "732\u200b829\u200b320" and got "not the right number of
    characters"; a direction control can make a name or a link read differently from what it
    is. Done where a message enters the Rasa server (rasa_ext/channels.py)."""
    if text.isascii():
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


# "c'est bien chez vous ?", "is this link really yours?", "c'est une arnaque ?": asks whether
# something comes from the platform (read on folded text).
_ASKS_IF_OURS = re.compile(
    r"\b(?:c'?est|ca vient|vient-il|est-ce) (?:bien |vraiment )?(?:de |chez )?(?:vous|votre site)\b"
    r"|\b(?:fiable|authentique|officiel|legitime|arnaque|phishing|hameconnage|frauduleux)"
    r"|\b(?:is|are) (?:this|that|it) (?:link |site |page )?(?:really |actually )?"
    r"(?:you|yours|your (?:site|link|page)|legit|genuine|real|safe|official)\b"
    r"|\b(?:scam|phishing|legit)\b"
)


def asks_if_ours(text: str) -> bool:
    """A question whether what it names comes from the platform ("c'est bien chez vous ?")."""
    return reads_as_a_question(text) and bool(_ASKS_IF_OURS.search(fold(text)))
