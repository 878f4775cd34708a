"""Session start (the widget's metadata: the page's language, an invitation code) and restart.

The conversation's language after that: tests/rasa_ext/test_language_policy.py."""

from __future__ import annotations

import pytest

from actions.common import PASSWORD_SET
from actions.registration_form import ValidateRegistrationForm
from actions.session import ActionRestart, ActionSessionStart
from bot.checks.answers import CONFIDENT
from bot.checks.language import LANGUAGES
from tests.actions.helpers import (
    completed_registration,
    draft,
    make_tracker,
    run,
    save_password_hash,
)

SESSION_STARTED = {"event": "session_started", "timestamp": None}
LISTEN = {
    "event": "action",
    "timestamp": None,
    "name": "action_listen",
    "policy": None,
    "confidence": None,
}


def slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


async def start_session(domain, metadata):
    tracker = make_tracker(
        domain, slots={"session_started_metadata": metadata}, intent=None, active_loop=None
    )
    dispatcher, events = await run(ActionSessionStart(), tracker, domain)
    assert dispatcher.messages == []
    return events


async def test_session_metadata_sets_language_and_invitation_code(domain):
    events = await start_session(
        domain, {"language": "en", "invitation_code": "acme-fr00-0000-0001"}
    )

    assert events == [
        SESSION_STARTED,
        slot("language", "en"),
        slot("invitation_code", "ACMEFR0000000001"),
        slot("code_from_link", True),
        LISTEN,
    ]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_session_start_typed_in_the_chat_is_answered_with_the_greeting(domain, language):
    """Rasa starts a new session for a typed "/session_start"; the user still gets an answer."""
    tracker = make_tracker(
        domain,
        slots={"language": language},
        text="/session_start",
        intent="session_start",
        active_loop=None,
    )
    dispatcher, events = await run(ActionSessionStart(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_greet"]
    # the conversation's language is kept: the next answers are in the same language
    assert events == [SESSION_STARTED, slot("language", language), LISTEN]


async def test_a_new_session_of_the_same_conversation_keeps_language_link_code_and_lock(
    domain, database
):
    """After a restart or a long pause: the page's language, its invitation link and the lock
    on invitation checks stay; the answers of the registration do not."""
    tracker = make_tracker(domain, slots=RESTART_SLOTS, intent=None, active_loop=None)
    dispatcher, events = await run(ActionSessionStart(), tracker, domain)

    assert dispatcher.messages == []
    assert events == [
        SESSION_STARTED,
        slot("language", "en"),
        slot("invitation_failures", 3.0),
        slot("invitation_code", "ACMEFR0000000001"),
        slot("code_from_link", True),
        # then the metadata of the page, read again
        slot("language", "en"),
        slot("invitation_code", "ACMEFR0000000001"),
        slot("code_from_link", True),
        LISTEN,
    ]


RESTART_SLOTS = {
    **completed_registration(confirmed=None),
    "language": "en",
    "session_started_metadata": {"language": "en", "invitation_code": "ACME-FR00-0000-0001"},
    "invitation_code": "ACMEFR0000000001",
    "code_from_link": True,
    "invitation_failures": 3.0,
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_restart_typed_in_the_chat_says_so_and_forgets_the_registration(
    domain, database, language
):
    save_password_hash()
    tracker = make_tracker(
        domain, slots={**RESTART_SLOTS, "language": language}, text="/restart", intent="restart"
    )
    dispatcher, events = await run(ActionRestart(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_restart"]
    assert events[0] == {"event": "restart", "timestamp": None}
    # Only what the page said and the lock on invitation checks survive; the answers do not.
    assert {e["name"]: e["value"] for e in events[1:]} == {
        "language": language,
        "invitation_failures": 3.0,
        "invitation_code": "ACMEFR0000000001",
        "code_from_link": True,
    }
    assert draft() is None  # the password hash was all the draft held


async def test_restart_when_the_database_is_down_still_restarts(domain, database_down):
    tracker = make_tracker(domain, slots={"language": "fr"}, text="/restart", intent="restart")
    dispatcher, events = await run(ActionRestart(), tracker, domain)

    assert [m["response"] for m in dispatcher.messages] == ["utter_restart"]
    assert events == [{"event": "restart", "timestamp": None}, slot("language", "fr")]


@pytest.mark.parametrize(("page_language", "language"), [("fr-FR", "fr"), ("EN", "en")])
async def test_page_language_is_normalised(domain, page_language, language):
    events = await start_session(domain, {"language": page_language})

    assert events == [
        SESSION_STARTED,
        slot("language", language),
        LISTEN,
    ]


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        {},
        {"language": 42, "invitation_code": ["ACMEFR0000000001"]},
        {"language": "de", "invitation_code": "ACME-FR00-0000-0001" + "x" * 10_000},
        {"language": None, "invitation_code": "A" * 10_000},
        {"invitation_code": {"code": "ACMEFR0000000001"}},
        {"invitation_code": "", "language": ""},
    ],
)
async def test_garbage_metadata_is_ignored(domain, metadata):
    assert await start_session(domain, metadata) == [SESSION_STARTED, LISTEN]


@pytest.mark.parametrize(
    "metadata",
    [
        "en",
        "ACMEFR0000000001",
        ["en", "ACMEFR0000000001"],
        [{"language": "en", "invitation_code": "ACMEFR0000000001"}],
        42,
        True,
    ],
)
async def test_metadata_that_is_not_an_object_is_ignored(domain, metadata):
    # The REST channel copies the request's JSON "metadata" as it is, whatever its type.
    assert await start_session(domain, metadata) == [SESSION_STARTED, LISTEN]


# --- the password question --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "form_events"),
    [
        # Not confident: the message is the password (the language policy keeps the language,
        # tests/rasa_ext/test_language_policy.py, at the same threshold).
        (0.6, [slot("password", PASSWORD_SET)]),
        (CONFIDENT - 0.01, [slot("password", PASSWORD_SET)]),
        # Confident: a language change, not a password.
        (CONFIDENT, []),
        (0.95, []),
    ],
)
async def test_a_message_is_either_the_password_or_a_language_change(
    domain, database, confidence, form_events
):
    turn = dict(
        slots={"requested_slot": "password", "language": "fr", "email": "jean@acme.fr"},
        text="Anglais!2024x",
        intent="change_language",
        confidence=confidence,
        entities=[{"entity": "language", "value": "en"}],
    )
    dispatcher, events = await run(ValidateRegistrationForm(), make_tracker(domain, **turn), domain)

    assert events == form_events
    assert dispatcher.messages == []
