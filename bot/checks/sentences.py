"""Whether a text reads as a sentence that asks something.

Shared by the password rule (bot/checks/passwords.py: a question is never the account's
password) and the reading of a message at the password question (bot/checks/answers.py: a
question there is answered, not stored). Kept apart from passwords.py, whose hashing and
strength libraries (argon2, zxcvbn) the Rasa server has no use for.
"""

from __future__ import annotations

import re

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
