"""Rasa's built-in commands typed in the chat get an answer, never silence."""

from __future__ import annotations

import pytest
from test_registration_rest import converse


@pytest.mark.parametrize(
    "language, turns",
    [
        (
            "fr",
            [
                ("je voudrais créer mon compte", "dans quel pays"),
                ("/restart", "nous reprenons depuis le début"),
                ("/session_start", "je suis l'assistant My Sis ID"),
                ("je voudrais créer mon compte", "dans quel pays"),
            ],
        ),
        (
            "en",
            [
                ("I would like to create my account", "which country"),
                ("/restart", "we start again from the beginning"),
                ("/session_start", "I am the My Sis ID assistant"),
                ("I would like to create my account", "which country"),
            ],
        ),
    ],
)
def test_restart_and_session_start_typed_as_text_are_answered(servers, language, turns):
    converse(servers, f"typed-commands-{language}", turns, metadata={"language": language})
