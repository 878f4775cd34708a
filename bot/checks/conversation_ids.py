"""The conversation ids Rasa accepts: letters, digits, "-" and "_", at most 64 characters.

The web app derives its ids (32 hex digits, bot/web/sessions.py); other clients of Rasa's REST
channel (integration scripts, tests) choose theirs, within this format. Nothing else gets in:
no newline, space, quote or control character that could forge a line in a support mail, a log
or a shell command, and no id long enough to bloat every row that names it.
"""

from __future__ import annotations

import re

CONVERSATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def is_conversation_id(value: object) -> bool:
    return isinstance(value, str) and CONVERSATION_ID.fullmatch(value) is not None


# The session metadata key under which the web app names the browser's address (an HMAC of it,
# bot/web/sessions.py client_reference), whatever the browser sent under it: the handoff limit
# per client and day (bot/registration/tickets.py). Never written to the conversation logs
# (bot/privacy/redaction.py drops it).
CLIENT_REFERENCE = "client_reference"
