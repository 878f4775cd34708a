"""Password policy, hashing and verification for supplier accounts.

The policy is the help-centre article's rule: "Ce dernier doit comporter au moins 8 caractères
dont une majuscule, une minuscule, un chiffre et un caractère spécial (hors point final ".")."
On top of it we refuse easily guessed passwords (zxcvbn) and passwords built on the account's
own e-mail address, because those are the first guesses of anyone attacking a known account.

Nothing here logs, stores or wraps the plaintext: functions take it as an argument and return
only rule names, a hash or a boolean, so no ``repr`` can leak it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from enum import Enum

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from bot.checks.email_addresses import check_email
from bot.checks.sentences import reads_as_a_question

__all__ = [
    "MIN_GUESSES",
    "MIN_LENGTH",
    "SPECIAL_CHARACTER_EXAMPLES",
    "PasswordRule",
    "check_password",
    "hash_password",
    "meets_article_rule",
    "password_in",
    "verify_password",
]


class PasswordRule(str, Enum):
    """One requirement of the policy; ``check_password`` returns the unmet ones in this order."""

    MIN_LENGTH = "min_length"
    UPPERCASE = "uppercase"
    LOWERCASE = "lowercase"
    DIGIT = "digit"
    SPECIAL = "special"
    NOT_COMMON = "not_common"
    # Holds the user's name or a word of their address: "Dupont2024!" for jean.dupont@acme.fr.
    NOT_EMAIL = "not_email"
    # The whole answer is an email address: typed at the password question to correct the
    # address ("d.gauthier@gauthier-sa.fr"), never read back, never a password.
    AN_ADDRESS = "an_address"
    # A sentence with a question in it ("Is there a fee for this? We have 2 portals"), typed in
    # the masked field or at the password question: never the account's password (an outside
    # tester's question became one, and the first login failed).
    A_QUESTION = "a_question"


MIN_LENGTH: int = 8

# What the assistant shows when asked what a special character is: every one of them counts
# (any punctuation or symbol but the full stop), these are the ones on every keyboard.
SPECIAL_CHARACTER_EXAMPLES = "! ? @ # $ % & * - _ + = / ( ) : ;"

# Minimum number of guesses zxcvbn must estimate for the password to be accepted.
# Its 0-4 score is too coarse here: score 2 spans 10^6..10^8 guesses and contains both
# "Bonjour2024!" (~10^7 once the French words below are known) and every random 8-character
# password (zxcvbn's brute-force model counts 10 guesses per character, so exactly 10^8), while
# score 3 would refuse every random password of the minimum length the help centre announces.
# 10^8 is the boundary zxcvbn itself uses for "protection from unthrottled online attacks".
MIN_GUESSES: int = 10**8

# zxcvbn's run time grows with the password length (it enumerates every substring), so only
# the start of very long passwords is analysed; a 100-character prefix that is weak is weak.
_ZXCVBN_MAX_CHARS = 100

# zxcvbn's dictionaries are English; our users are mostly French. Words that top French password
# leaks, plus this product's own vocabulary, are passed as "user inputs", which zxcvbn treats as
# one more ranked dictionary (earlier = more guessable). Kept lower-case and accent-free
# because zxcvbn lower-cases the password before dictionary matching.
_FRENCH_COMMON_WORDS: tuple[str, ...] = (
    "azerty",
    "motdepasse",
    "bonjour",
    "soleil",
    "marseille",
    "jetaime",
    "doudou",
    "loulou",
    "chouchou",
    "coucou",
    "bienvenue",
    "salut",
    "nicolas",
    "julien",
    "thomas",
    "camille",
    "celine",
    "princesse",
    "chocolat",
    "amour",
    "famille",
    "vacances",
    "printemps",
    "liberte",
    "football",
    "olympique",
    "france",
    "paris",
    "lyon",
    "toulouse",
    "bordeaux",
    "nantes",
    "lille",
    "fournisseur",
    "supplier",
    "inscription",
    "compte",
)

# The local part of the e-mail is also split on these separators ("jean.dupont" -> "jean",
# "dupont") so that "Dupont2024!" is caught as well as "Jean.Dupont1!".
_LOCAL_PART_SEPARATORS = re.compile(r"[._+\-]+")
_MIN_LOCAL_PART_LENGTH = 3  # shorter local parts ("jd") appear in passwords by chance
_MIN_LOCAL_PIECE_LENGTH = 4  # same for pieces: "jean" is meaningful, "jp" is not
# First and last names ("Marie-Claire", "Van den Berg") split into words.
_NAME_SEPARATORS = re.compile(r"[\s'’\-]+")

# OWASP Password Storage Cheat Sheet (Argon2id section): "use Argon2id with a minimum
# configuration of 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism".
# We use that minimum rather than RFC 9106's 64 MiB profile because hashing runs inside the
# chat action server, where several onboardings may hash concurrently.
_HASHER = PasswordHasher(
    time_cost=2,
    memory_cost=19 * 1024,  # KiB, i.e. 19 MiB
    parallelism=1,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

# zxcvbn() stores the user inputs in a module-level dictionary before matching, so two threads
# checking different passwords could see each other's inputs; calls take milliseconds, a lock
# costs nothing.
_ZXCVBN_LOCK = threading.Lock()


def _normalise(password: str) -> str:
    """Return the NFKC form of ``password``.

    NIST SP 800-63B (5.1.1.2) recommends normalising before hashing so that the same password
    typed on different systems (composed "é" vs "e" + combining accent, full-width characters
    from some input methods) is the same secret. The checks use the same form so that what is
    validated is exactly what is hashed.
    """
    return unicodedata.normalize("NFKC", password)


def _is_special(char: str) -> bool:
    """Tell whether ``char`` counts as the required special character.

    Special means Unicode punctuation (P*) or symbol (S*), except the full stop, which the
    help centre excludes. That is "not a letter, not a digit, not whitespace, not '.'" made
    precise: combining marks belong to their letter and invisible control/format characters
    (zero-width joiner...) cannot be what a user means by "caractère spécial".
    """
    return char != "." and unicodedata.category(char)[0] in ("P", "S")


def _email_words(email: str) -> tuple[str, list[str]]:
    """Split ``email`` into its lower-cased local part and its meaningful pieces."""
    local, _, _domain = email.strip().rpartition("@")
    if not local:  # no "@": treat the whole value as the local part
        local = email.strip()
    local = local.casefold()
    pieces = [p for p in _LOCAL_PART_SEPARATORS.split(local) if len(p) >= _MIN_LOCAL_PIECE_LENGTH]
    return local, pieces


def _name_words(names: Iterable[str]) -> list[str]:
    """The words of the user's names that are long enough to mean something in a password."""
    words = (w.casefold() for name in names if name for w in _NAME_SEPARATORS.split(name))
    return [w for w in words if len(w) >= _MIN_LOCAL_PIECE_LENGTH]


def _zxcvbn_user_inputs(email: str | None, names: Iterable[str] = ()) -> list[str]:
    """Words zxcvbn should consider trivially guessable for this user, most guessable first."""
    inputs: list[str] = list(_name_words(names))
    if email:
        local, pieces = _email_words(email)
        domain = email.strip().rpartition("@")[2].casefold()
        # The domain's labels without the TLD ("acme" for acme.fr): company names are guesses too.
        domain_labels = [label for label in domain.split(".")[:-1] if len(label) >= 3]
        inputs.extend([email.strip().casefold(), local, *pieces, *domain_labels])
    inputs.extend(_FRENCH_COMMON_WORDS)
    return inputs


def _is_guessable(password: str, email: str | None, names: Iterable[str] = ()) -> bool:
    sample = password[:_ZXCVBN_MAX_CHARS]
    with _ZXCVBN_LOCK:
        result = zxcvbn(
            sample, user_inputs=_zxcvbn_user_inputs(email, names), max_length=_ZXCVBN_MAX_CHARS
        )
    return bool(result["guesses"] < MIN_GUESSES)


def _contains_email(password: str, email: str) -> bool:
    """Whether the password holds a part of the address: its local part or a piece of it, or a
    piece of the domain's name ("Marchal!Groupe1" with achats@groupe-marchal.fr was accepted,
    "Moreau!Trans2026x" with l.moreau@transports-moreau.fr refused: the rule names the whole
    address; sixth outside tester)."""
    local, pieces = _email_words(email)
    lowered = password.casefold()
    if len(local) >= _MIN_LOCAL_PART_LENGTH and local in lowered:
        return True
    domain = email.strip().rpartition("@")[2].casefold()
    for label in domain.split(".")[:-1]:  # without the top-level domain
        pieces += [
            p for p in _LOCAL_PART_SEPARATORS.split(label) if len(p) >= _MIN_LOCAL_PIECE_LENGTH
        ]
    return any(piece in lowered for piece in pieces)


# "mon mot de passe sera Velo!Rouge42", "my password is: Blue!Sky2024": the introduction is not
# part of the password (the account got the whole sentence, which its owner never types).
_INTRODUCTION = re.compile(
    r"^\s*(?:(?:alors|ok|bon|donc|bien|voici|voila|and|so|ok so)[\s,]+)?"
    r"(?:(?:mon|le|notre|ce|my|the|our)\s+)?(?:nouveau\s+|new\s+)?"
    r"(?:mot\s+de\s+passe|mdp|password|pass\s*word|pwd)"
    r"(?:\s+(?:choisi|chosen|souhaite))?\s*"
    r"(?::|=|-|\bsera\b|\best\b|\bc'est\b|\bc’est\b|\bis\b|\bwill\s+be\b|\bshould\s+be\b)"
    r"\s*[:=]?\s*",
    re.IGNORECASE,
)


def password_in(text: str) -> str:
    """The password in an answer to the password question: the text after an introduction
    ("mon mot de passe est", "password:") when what follows is one word, else the text itself
    (a passphrase with spaces is a password too)."""
    match = _INTRODUCTION.match(text)
    if match is None:
        return text
    rest = text[match.end() :].strip()
    if rest.startswith(("«", '"', "'", "“")) and rest.endswith(("»", '"', "'", "”")):
        rest = rest[1:-1].strip()
    return rest if rest and not any(c.isspace() for c in rest) else text


def check_password(
    password: str, email: str | None = None, names: Iterable[str] = ()
) -> list[PasswordRule]:
    """Return the rules ``password`` does not meet, in ``PasswordRule`` order.

    An empty list means the password is acceptable. Every unmet rule is reported separately so
    the assistant can say exactly what is missing. ``email`` is the account's address and
    ``names`` the user's first and last names when known: they feed the NOT_EMAIL rule (a name
    or a word of the address: "Dupont2024!" for jean.dupont@...) and make zxcvbn penalise them.

    NOT_COMMON is not evaluated for passwords shorter than ``MIN_LENGTH``: zxcvbn's brute-force
    floor puts every such password under ``MIN_GUESSES``, so it would duplicate MIN_LENGTH and
    make the assistant call a random short string "common".

    A whole email address is AN_ADDRESS alone ("d.gauthier@gauthier-sa.fr" at the password
    question corrects the address): the answer never reads it back.
    """
    pw = _normalise(password)
    if _is_an_address(pw):
        return [PasswordRule.AN_ADDRESS]  # not a try at a password: the other rules say nothing
    if reads_as_a_question(pw):
        return [PasswordRule.A_QUESTION]  # likewise
    unmet: list[PasswordRule] = []
    too_short = len(pw) < MIN_LENGTH
    if too_short:
        unmet.append(PasswordRule.MIN_LENGTH)
    # str.isupper/islower/isdecimal are Unicode-aware, so "É" is an upper-case letter and "é" a
    # lower-case one; letters of scripts without case satisfy neither (and are not special).
    if not any(c.isupper() for c in pw):
        unmet.append(PasswordRule.UPPERCASE)
    if not any(c.islower() for c in pw):
        unmet.append(PasswordRule.LOWERCASE)
    if not any(c.isdecimal() for c in pw):
        unmet.append(PasswordRule.DIGIT)
    if not any(_is_special(c) for c in pw):
        unmet.append(PasswordRule.SPECIAL)
    names = [name for name in names if name]
    if not too_short and _is_guessable(pw, email, names):
        unmet.append(PasswordRule.NOT_COMMON)
    lowered = pw.casefold()
    if (email and _contains_email(pw, email)) or any(w in lowered for w in _name_words(names)):
        unmet.append(PasswordRule.NOT_EMAIL)
    return unmet


def _is_an_address(password: str) -> bool:
    stripped = password.strip()
    if any(c.isspace() for c in stripped) or "@" not in stripped:
        return False
    check = check_email(stripped)
    return check.ok and check.address == stripped.lower()


def meets_article_rule(text: str) -> bool:
    """Whether ``text`` satisfies the article's rule alone (length, upper case, lower case,
    digit, special character), without the strength checks.

    Cheap enough to run on every word of every message: bot/privacy/redaction.py masks any
    word that could be a password wherever it is typed.
    """
    if text.isascii():  # NFKC leaves ASCII as it is: most words end here, unnormalised
        if len(text) < MIN_LENGTH or text.isalpha():
            return False
        pw = text
    else:
        pw = _normalise(text)
    return (
        len(pw) >= MIN_LENGTH
        and any(c.isupper() for c in pw)
        and any(c.islower() for c in pw)
        and any(c.isdecimal() for c in pw)
        and any(_is_special(c) for c in pw)
    )


def hash_password(password: str) -> str:
    """Hash ``password`` with Argon2id (OWASP parameters); the result embeds salt and params."""
    return _HASHER.hash(_normalise(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``; ``False`` on any failure, never raises.

    A malformed or foreign hash is treated as a mismatch because the caller's only question is
    "may this person log in?", and the answer to an unreadable stored hash is no.
    """
    if not isinstance(password_hash, str) or not isinstance(password, str):
        return False  # e.g. a NULL column: argon2 would raise AttributeError/TypeError
    try:
        return _HASHER.verify(password_hash, _normalise(password))
    except (VerificationError, InvalidHashError, ValueError):
        # VerificationError covers mismatches, InvalidHashError malformed hashes, ValueError
        # unsupported parameters and text that cannot be encoded (lone surrogates).
        return False
