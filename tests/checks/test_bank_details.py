"""bot/checks/bank_details.py: an IBAN typed in the conversation is told from the answers."""

from __future__ import annotations

import pytest

from bot.checks.bank_details import bank_details_span, giving_bank_details


@pytest.mark.parametrize(
    "text",
    [
        "je vous donne notre IBAN ici alors : FR76 3000 6000 0112 3456 7890 189",
        "Here it is: GB29 NWBK 6016 1331 9268 19",
        "GB29NWBK60161331926819",
        "notre RIB : 30006 00001 12345678901 89",  # called a RIB: bank details, whatever its form
        "IBAN FR76 3000 6000 0112 3456 7890 188",  # a check digit mistyped, but said to be one
    ],
)
def test_an_iban_or_what_is_called_one_is_bank_details(text):
    assert bank_details_span(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "ACME-FR00-0000-0001",  # an invitation code
        "HXSA000000000002",
        "SIREN 732 829 320",
        "FR76 3000 6000 0112 3456 7890 188",  # not a valid IBAN, and not called one
        "+33 6 12 34 56 78",
        "c'est quoi un IBAN ?",  # a question about them: the NLU's to read
        "BE 0403.170.701",  # a Belgian enterprise number
        "mon RIB est-il visible par tout le monde ?",  # about bank details, without a number
        "how do I change the IBAN on an account that's already set up?",
    ],
)
def test_answers_and_questions_are_not_bank_details(text):
    assert bank_details_span(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "So I should send our IBAN and bank details in this chat to speed things up?",
        "on doit vous envoyer notre RIB ?",
        "je vous envoie le RIB par mail",
        "can I send you our bank details by email?",
        # fifth outside tester: "not sure", where the answer is a plain "never"
        "Vous êtes sûr que Sis ID ne me demandera jamais mes codes bancaires par téléphone ?",
        "will you ever ask for our bank details over the phone?",
    ],
)
def test_giving_bank_details_to_the_assistant_is_spoken_of(text):
    assert giving_bank_details(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Will my customer see the bank details I enter?",  # the data's security
        "mon RIB est-il visible par mon client ?",
        "où dois-je saisir mes coordonnées bancaires ?",
        "je vous envoie le SIREN tout de suite",
        # adjacent questions about bank details: an advisor's, or another answer's
        "my customer asked me to email our bank details, is that ok",
        "What document do I need to upload to prove the bank account belongs to us?",
        "Nos coordonnées bancaires seront-elles transmises automatiquement à nos autres clients ?",
        "un email nous demande notre RIB, c'est vous ?",  # the genuine-invitation answer's
    ],
)
def test_other_questions_about_bank_details_are_left_to_the_classifier(text):
    assert giving_bank_details(text) is None
