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


# "je vous l'ai déjà donné au dessus", "I typed it above", "c'est le même que plus haut": an
# answer that points to another message instead of giving one (read on folded text). Both a
# verb of giving and a pointer are needed: "déjà" alone is "déjà inscrit", "above" alone a
# question about what is above.
_GIVEN = re.compile(
    r"\b(?:donnee?s?|ecrite?s?|mise?s?|saisie?s?|tapee?s?|indiquee?s?|envoyee?s?|fournie?s?"
    r"|communiquee?s?|dit|gave|given|typed|entered|wrote|written|put|sent|provided|told)\b"
    r"|\b(?:le meme|la meme|celui|celle|same (?:one|as))\b"
)
_ELSEWHERE = re.compile(
    r"\b(?:deja|plus haut|au[- ]dessus|ci-dessus|tout a l'heure|precedemment|avant|juste avant"
    r"|already|above|earlier|before|previously|just now)\b"
)
_POINTER_MAX_WORDS = 12


def points_to_another_message(text: str) -> bool:
    """An answer that says it was given in another message ("je vous l'ai déjà donné"), made of
    words only: a message holding a digit or a symbol may be the answer itself."""
    words = text.split()
    if not words or len(words) > _POINTER_MAX_WORDS:
        return False
    folded = fold(text)
    if any(char.isdigit() for char in folded) or re.search(r"[^\w\s'’.,;:!?()-]", folded):
        return False
    return bool(_GIVEN.search(folded)) and bool(_ELSEWHERE.search(folded))
