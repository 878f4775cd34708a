"""What a message's text is made of: bot/checks/sentences.py."""

from __future__ import annotations

import pytest

from bot.checks.sentences import points_to_another_message, without_invisible


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


@pytest.mark.parametrize(
    "text",
    [
        "je vous l'ai déjà donné au dessus",
        "je l'ai déjà écrit plus haut",
        "c'est celui que j'ai mis plus haut",
        "I already gave it to you above",
        "I typed it earlier",
        "same as above",
    ],
)
def test_an_answer_that_points_to_another_message(text):
    assert points_to_another_message(text)


@pytest.mark.parametrize(
    "text",
    [
        "je suis déjà inscrit",  # no verb of giving
        "already registered",
        "what is above?",
        "Velo!Rouge42 déjà donné",  # may be the password itself
        "je l'ai déjà mis Soleil!2024",
        # more than a pointer: a question, answered as one
        "Le mot de passe que je vous ai donné avant était bien celui-ci, ou dois-je en "
        "donner un autre ?",
    ],
)
def test_a_message_that_points_to_no_other_message(text):
    assert not points_to_another_message(text)
