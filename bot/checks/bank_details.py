"""Bank details typed in the conversation: an IBAN, or a number said to be one.

The assistant never asks for them (they are entered on the My Sis ID account after activation),
and a fraud-prevention platform must not read them as something else: the digits of a pasted
IBAN were read as a SIREN or an invitation code and checked against another company. The
check of an IBAN's form and check digits is python-stdnum's.
"""

from __future__ import annotations

import re

from stdnum import iban

from bot.checks.fields import fold

# Two letters, two check digits, then 10 to 30 letters or digits, spaces allowed in between.
_IBAN_SHAPE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){10,30}\b")
# "IBAN : FR76 3000 ..." with a mistyped check digit: what follows the word, if it holds a
# long number, is bank details all the same ("mon RIB est-il visible ?" is a question).
_NAMED = re.compile(
    r"\b(?:iban|rib|bic|swift)\b\W{0,5}(?P<number>(?:[A-Za-z0-9][ \-.]?){10,40})", re.IGNORECASE
)
_DIGITS_IN_A_NUMBER = 10


def bank_details_span(text: str) -> tuple[int, int] | None:
    """Where ``text`` holds an IBAN (valid check digits), or a number of ten digits or more
    that it calls an IBAN, a RIB, a BIC or a SWIFT code; None when it holds none."""
    text = text or ""
    for match in _NAMED.finditer(text):
        if sum(c.isdigit() for c in match.group("number")) >= _DIGITS_IN_A_NUMBER:
            return match.span("number")
    for match in _IBAN_SHAPE.finditer(text):
        if iban.is_valid(match.group()):
            return match.span()
    return None


# Bank details named, and giving them or being asked for them, in the same sentence: "So I should
# send our IBAN in this chat?", "un email nous demande notre RIB", "the link asks for our IBAN"
# ("mon RIB est-il visible par mon client ?" names them, asks nothing of the kind).
_BANK_DETAILS = (
    r"(?:iban|rib|bic|swift|coordonnees bancaires|releve d'identite bancaire|bank details"
    r"|bank account(?: details| number)?|banking details)"
)
# Sending them, or being asked for them (not entering them on the account: "will my customer
# see the bank details I enter?" is the data's security).
_GIVING = (
    r"(?:envoy\w*|donn\w*|transm\w*|communiqu\w*|fourni\w*|demand\w*|besoin"
    r"|send\w*|sent|giv\w*|gave|shar\w*|provid\w*|ask\w*|request\w*|paste\w*|need\w*)"
)
_SAME_SENTENCE = r"[^.!?\n]{0,60}?"
_GIVING_BANK_DETAILS = re.compile(
    rf"\b{_GIVING}\b{_SAME_SENTENCE}\b{_BANK_DETAILS}\b|\b{_BANK_DETAILS}\b{_SAME_SENTENCE}\b{_GIVING}\b"
)


def giving_bank_details(text: str) -> tuple[int, int] | None:
    """Where ``text`` speaks of giving bank details, or of being asked for them (a phishing
    email, a link, this chat), else None: the answer is "never give them here or by email"."""
    folded = fold(text or "")
    match = _GIVING_BANK_DETAILS.search(folded)
    return match.span() if match else None
