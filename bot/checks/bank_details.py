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


# Bank details given to the assistant, here or by email: "So I should send our IBAN and bank
# details in this chat?", "on doit vous envoyer notre RIB ?", "je vous donne notre IBAN". Only
# that: broader ("a link asks for our IBAN", "what proof of our bank account do you need?")
# drew adjacent questions about bank details to this answer (13 of the five held-out sets).
_BANK_DETAILS = r"(?:iban|rib|coordonnees bancaires|bank details|bank account details)"
_HERE = (
    r"(?:ici|dans (?:le|ce) chat|dans cette conversation|par (?:e-?)?mail|a vous"
    r"|here|in (?:this|the) chat|in this conversation|to you|by e-?mail)"
)
_GIVING_BANK_DETAILS = re.compile(
    rf"\b(?:vous|te) (?:\S+ )?(?:envoi|envoy|donn|transm|communiqu)\w* (?:\S+ ){{0,2}}"
    rf"{_BANK_DETAILS}\b"
    rf"|\b(?:envoy|donn|transm|communiqu|coll|ecri|mettre|met)\w* (?:\S+ ){{0,3}}{_BANK_DETAILS}\b"
    rf"(?: \S+){{0,4}} {_HERE}\b"
    rf"|\b(?:send|give|share|paste|type|email)\w* you (?:\S+ ){{0,2}}{_BANK_DETAILS}\b"
    rf"|\b(?:send|give|share|paste|type|email)\w* (?:\S+ ){{0,3}}{_BANK_DETAILS}\b"
    rf"(?: \S+){{0,4}} {_HERE}\b"
    # asked for them on the phone: "Sis ID ne me demandera jamais mes codes bancaires par
    # téléphone ?" (by email, the genuine-invitation answer's: "un email nous demande notre RIB")
    rf"|\b(?:demand|ask)\w* (?:\S+ ){{0,3}}(?:{_BANK_DETAILS}|codes? bancaires?|bank codes?)\b"
    rf"(?: \S+){{0,3}} (?:par|au|by|over the|on the) (?:telephone|phone)\b"
)


def giving_bank_details(text: str) -> tuple[int, int] | None:
    """Where ``text`` speaks of giving bank details to the assistant, here or by email, else
    None: the answer is "never give them here or by email"."""
    folded = fold(text or "")
    match = _GIVING_BANK_DETAILS.search(folded)
    return match.span() if match else None
