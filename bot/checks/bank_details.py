"""Bank details typed in the conversation: an IBAN, or what is said to be one.

The assistant never asks for them (they are entered on the My Sis ID account after activation),
and a fraud-prevention platform must not read them as something else: the digits of a pasted
IBAN were read as a SIREN or an invitation code and checked against another company. The
check of an IBAN's form and check digits is python-stdnum's.
"""

from __future__ import annotations

import re

from stdnum import iban

# Two letters, two check digits, then 10 to 30 letters or digits, spaces allowed in between.
_IBAN_SHAPE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){10,30}\b")
# "IBAN : FR76 3000 ..." with a mistyped check digit: said to be bank details, still ones.
_NAMED = re.compile(r"\b(?:iban|rib|bic|swift)\b\W{0,5}(?:[A-Za-z0-9][ \-]?){14,}", re.IGNORECASE)


def holds_bank_details(text: str) -> bool:
    """Whether ``text`` holds an IBAN (valid check digits), or a long number it calls an IBAN,
    a RIB, a BIC or a SWIFT code."""
    text = text or ""
    if _NAMED.search(text):
        return True
    return any(iban.is_valid(match.group()) for match in _IBAN_SHAPE.finditer(text))
