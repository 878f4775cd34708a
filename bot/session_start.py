"""What a conversation's new session starts with: the page's metadata (its language, the
invitation link's code) and what an earlier session of the same conversation keeps.

One reading for the Rasa server, which starts most sessions itself (rasa_ext/session_start.py),
and the action server, which starts those whose page gave an invitation code: the code is kept
server-side in the registration's draft, a database the Rasa server does not use
(actions/session.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.checks.invitation_codes import extract_code
from bot.checks.language import normalise_language

# What the page said (language, invitation link) and the lock on invitation checks: starting
# the conversation again must neither lose the first nor lift the second.
KEPT_SLOTS = ("language", "invitation_failures", "invitation_locked_until")
# The intent of "/session_start" typed in the chat.
SESSION_START_INTENT = "session_start"
EXTRACT_SLOTS = "action_extract_slots"


def from_the_page(metadata: Any) -> tuple[str | None, str | None]:
    """The page's language and invitation code in the session's metadata (any JSON value: the
    REST channel passes it through), each None when absent or unreadable."""
    if not isinstance(metadata, dict):
        metadata = {}
    language = normalise_language(metadata.get("language"))
    code = metadata.get("invitation_code")
    code = extract_code(code) if isinstance(code, str) and len(code) <= 64 else None
    return language, code


def kept_slots(get_slot: Callable[[str], Any]) -> dict[str, Any]:
    """The slots a new session of the conversation keeps, with their values (empty values are
    the defaults anyway and are left out)."""
    kept = {name: get_slot(name) for name in KEPT_SLOTS}
    if get_slot("code_from_link"):
        kept["invitation_code"] = get_slot("invitation_code")
        kept["code_from_link"] = True
    return {name: value for name, value in kept.items() if value}


def typed_by_the_user(latest_first: Iterable[tuple[str, str | None]]) -> bool:
    """Whether this session start follows "/session_start" typed in the chat (Rasa then says
    nothing), from the conversation's events, latest first, as (kind, name) pairs: ("user",
    intent) and ("action", action name); other kinds are skipped. A session starts before the
    first message; between a message and the session start Rasa only extracts slots."""
    for kind, name in latest_first:
        if kind == "user":
            return name == SESSION_START_INTENT
        if kind == "action" and name != EXTRACT_SLOTS:
            return False
    return False
