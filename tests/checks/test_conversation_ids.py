"""The conversation ids Rasa's REST channel accepts (rasa_ext/channels.py refuses the others)."""

import uuid

import pytest

from bot.checks.conversation_ids import is_conversation_id


@pytest.mark.parametrize(
    "value", [uuid.uuid4().hex, "0123456789abcdef0123456789abcdef", "fuzz-3-12", "a", "x" * 64]
)
def test_ids_of_the_web_app_and_of_scripts_are_accepted(value):
    assert is_conversation_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x" * 65,
        "abc\ndef",
        "abc\r\nBcc: x@evil.example",
        "a b",
        "-starts-with-a-dash",
        "quote'd",
        "semi;colon",
        "ünïcode",
        "tab\there",
        None,
        12,
        ["abc"],
    ],
)
def test_anything_else_is_refused(value):
    assert not is_conversation_id(value)
