"""Invitation codes as text: generation, normalisation, display, masking and finding one in a
sentence. No database: bot/registration/invitations.py stores and verifies them.

A code is 16 characters of Crockford's base 32 (80 random bits), shown in groups of four:
``K7M4-PQ2X-9RTB-3HWD``. That alphabet has no I, L, O or U, and reading accepts the look-alikes
(O for 0, I and L for 1) in any case, so a code copied by hand from an email still works.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits of entropy

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_CUSTOM_CODE = re.compile(r"^[0-9A-Z]{6,32}$")
# A code as people paste it: 16 symbols, optionally in groups of four, separated by a space, a
# hyphen, or a hyphen with spaces ("3EN2-A8ZQ- 9D4W-FDJE" from a PDF's line break, "P1S4 - YEZN
# - NY9M - 9NZC" typed by hand: sixth outside tester).
# Overlapping matches (inside a lookahead) because words before a code can look like a group:
# in "mon code ABCD EFGH IJKL MNOP", "code ABCD EFGH IJKL" matches too.
_CODE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?=([0-9A-Za-z]{4}(?:(?: ?- ?| )?[0-9A-Za-z]{4}){3})(?![0-9A-Za-z]))"
)


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The stored form of a code: upper case, no separators, look-alike letters mapped."""
    return _SEPARATORS.sub("", text.strip()).upper().translate(_LOOKALIKES)


def format_code(code: str) -> str:
    """``K7M4PQ2X9RTB3HWD`` -> ``K7M4-PQ2X-9RTB-3HWD`` (other lengths are left as they are)."""
    if len(code) != CODE_LENGTH:
        return code
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def mask_code(code: str) -> str:
    """A code is a credential until used: logs and summaries show only its first 4 symbols."""
    normalised = normalise_code(code)
    return normalised[:4] + "…" if len(normalised) > 4 else "…"


# A message that is a code and nothing else, in the code's own alphabet (no I, L, O or U).
_A_CODE_ALONE = re.compile(rf"(?i)[{ALPHABET}]{{4}}(?:(?: ?- ?| )?[{ALPHABET}]{{4}}){{3}}")


def code_alone(text: str) -> str | None:
    """The code a message is made of alone, normalised, even without a digit ("AAAA-BBBB-CCCC-
    DDDE"), where a code is asked for: in a sentence "this will work fine" would be one."""
    return normalise_code(text) if _A_CODE_ALONE.fullmatch(text.strip()) else None


def extract_code(text: str, *, shaped_only: bool = False) -> str | None:
    """Find an invitation code in free text ("mon code est k7m4 pq2x 9rtb 3hwd").

    ``shaped_only``: only a code of 16 symbols holding a digit, as the platform generates them,
    for a message that answers another question ("France, 732 829 320, ACME-FR00-0000-0001"):
    there a lone number is the company's, and four 4-letter words ("this will work fine") are
    a sentence, not a code.
    """
    candidates = [m.group(1) for m in _CODE_IN_TEXT.finditer(text)]
    if shaped_only:
        candidates = [c for c in candidates if _shaped(c)]
    if candidates:
        # A code's symbols are all in the alphabet once look-alikes are mapped ("0002 pour" is
        # not: no U); codes are shown in capitals, so in "HXZZ 0000 0000 0002 from" the
        # lower-case "from" is a word; random codes nearly always hold digits and words do not;
        # among equals, people put the code at the end of their sentence.
        best = max(enumerate(candidates), key=lambda ic: (_looks_like_a_code(ic[1]), ic[0]))
        return normalise_code(best[1])
    if shaped_only:
        return None
    # Codes chosen by a customer (``--code``) need not have 16 symbols: accept a lone token.
    tokens = [t for t in re.split(r"[\s,;:]+", text.strip()) if t]
    candidates = [normalise_code(t) for t in tokens if any(c.isdigit() for c in t)]
    if len(candidates) == 1 and _CUSTOM_CODE.match(candidates[0]):
        return candidates[0]
    if len(tokens) == 1 and _CUSTOM_CODE.match(normalise_code(tokens[0])):
        return normalise_code(tokens[0])
    return None


# Words that name what follows them, never a group of a code: in "crn 05478384 code kjpq hc8k
# f7x7 w24h" the code was read as "05478384 code kjpq" (more digits than the real one).
_LABEL_WORDS = frozenset({"code", "siren", "siret", "crn", "tva", "vat"})


def _looks_like_a_code(candidate: str) -> tuple[bool, bool, bool, int]:
    normalised = normalise_code(candidate)
    return (
        not _LABEL_WORDS & set(re.split(r"[ \-]", candidate.lower())),
        all(char in ALPHABET for char in normalised),
        not any(char.islower() for char in candidate),
        sum(char.isdigit() for char in candidate),
    )


def _shaped(candidate: str) -> bool:
    """A code as the platform writes it: with a digit, or, all letters, in capitals with its
    hyphens ("MBVP-AKAS-WATZ-KVEZ" in an opening message was not read: sixth outside tester;
    four words such as "this will work fine" are neither)."""
    if any(char.isdigit() for char in candidate):
        return True
    groups = candidate.split("-")
    return (
        len(groups) == 4
        and all(len(group) == 4 for group in groups)
        and candidate.isupper()
        and all(char in ALPHABET for char in "".join(groups))
    )


def shaped_codes(text: str) -> list[str]:
    """Every code in ``text`` as the platform writes them (16 symbols of its alphabet, in
    capitals, with a digit), normalised, in order, each once."""
    found: list[str] = []
    for match in _CODE_IN_TEXT.finditer(text):
        candidate = match.group(1)
        code = normalise_code(candidate)
        looks = _looks_like_a_code(candidate)
        if all(looks[:3]) and looks[3] and code not in found:
            found.append(code)
    return found


def code_span(text: str, code: str) -> tuple[int, int] | None:
    """Where ``code`` (normalised) was written in ``text``, whatever its layout, or None."""
    for match in _CODE_IN_TEXT.finditer(text):
        if normalise_code(match.group(1)) == code:
            return match.start(1), match.start(1) + len(match.group(1))
    return None


def cut_off_in_a_link(code: str, from_a_link: bool) -> bool:
    """Whether a code that matched no invitation may be a link's code cut short: a mail client
    wraps long links, and the code at their end loses its last symbols. Shorter than the
    platform's codes (a customer's own code may be, so this is said only once it failed)."""
    return from_a_link and len(code) < CODE_LENGTH


def is_custom_code(code: str) -> bool:
    """A code a customer may impose (``--code``): 6 to 32 letters or digits, once normalised."""
    return bool(_CUSTOM_CODE.match(code))
