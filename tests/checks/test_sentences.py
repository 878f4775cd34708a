"""What a message's text is made of: bot/checks/sentences.py."""

from __future__ import annotations

import pytest

from bot.checks.sentences import without_invisible


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("732\u200b829\u200b320", "732829320"),  # zero-width spaces, copied from a PDF
        ("\ufeffjean@acme.fr", "jean@acme.fr"),  # a byte-order mark
        ("Jean\u00adPierre", "JeanPierre"),  # a soft hyphen
        ("Dupont\u202e", "Dupont"),  # a direction control
        ("Élodie Müller", "Élodie Müller"),  # letters of every kind are kept
        ("732 829 320", "732 829 320"),
    ],
)
def test_characters_that_print_nothing_are_dropped(typed, read):
    assert without_invisible(typed) == read
