"""What is removed from conversation events before they are written anywhere.

Rasa stores every user message and slot value as typed. Before the tracker store writes an
event (or an event broker publishes it), :func:`redact_events` replaces:

- the text of every message typed while the password was asked (``requested_slot`` was
  ``password``), in ``text``, ``parse_data.text`` and entity values, with :data:`REDACTED`.
  Even a message the NLU took confidently for a command is redacted: a password that happens
  to look like "stop" would otherwise be stored;
- the value of every slot in :data:`SECRET_SLOTS` (only the marker :data:`PASSWORD_SET`, which
  says "hashed and kept server-side", is left as it is: the form relies on it);
- every invitation code of the conversation (slots, session metadata, the message that answered
  the code question, replies that repeat it) wherever it appears, and anything shaped like a
  16-symbol code in what the user typed, keeping only the first 4 symbols (a code is a
  credential until it is used);
- the email addresses in the value of every slot in :data:`CONTACT_SLOTS` and in the message
  typed while one was asked (the handoff's contact address: support has it in the ticket).

Pure functions on the dicts of ``Event.as_dict()``: no Rasa import (the tracker store in
``rasa_ext/`` calls them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.checks.email_addresses import mask_email
from bot.checks.invitation_codes import extract_code, mask_code, normalise_code

REDACTED = "[masqué]"
# The password slot's value once extract_password has hashed the password into the
# registration draft: a marker, not a secret, and what the form checks on the next turns.
PASSWORD_SET = "[enregistré]"  # noqa: S105 - a marker, not a password
SECRET_SLOTS = frozenset({"password"})
CODE_SLOTS = frozenset({"invitation_code"})
# Answers kept in full elsewhere for whoever needs them (the handoff's contact address, in the
# support ticket) and stored here masked: the slot and the message that answered it.
CONTACT_SLOTS = frozenset({"handoff_contact"})
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")

# The shortest typed password also searched for in the conversation's OTHER messages (and
# in bot replies): a shorter string would mask ordinary words there ("merci", "oui" typed at the
# password question would turn every later "merci" into the marker). The answer to the password
# question itself is replaced whole, whatever its length (see _redact_answer).
_MIN_SECRET_LENGTH = 6
# 16 symbols in groups of four, as people type invitation codes
# (see bot/registration/invitations.py).
# Inside a lookahead so that overlapping candidates are all seen ("code ABCD EFGH IJ12 3456").
_CODE_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(?=([0-9A-Za-z]{4}(?:[ \-_.]?[0-9A-Za-z]{4}){3})(?![0-9A-Za-z]))"
)
_LOOKALIKE_CLASSES = {"0": "[0Oo]", "1": "[1IiLl]"}
# Events after which no slot is requested any more.
_RESETS = {"restart", "session_started", "reset_slots"}


def is_masked_code(value: str) -> bool:
    """A code as the tracker store keeps it ("ACME…"), not a code that can be checked."""
    return value.endswith("…")


def _code_pattern(code: str) -> str:
    """Every way the code may have been written: any case, separators, look-alike letters."""
    # A "code" from session metadata can hold anything ("(", "*"): escaped, it cannot break
    # the pattern (an invalid pattern made the tracker store drop the conversation's events).
    parts = [
        _LOOKALIKE_CLASSES.get(
            c, f"[{re.escape(c)}{re.escape(c.lower())}]" if c.isalpha() else re.escape(c)
        )
        for c in code
    ]
    return r"[\s\-_.]*".join(parts)


def _replacer(secrets: Iterable[str], codes: Iterable[str]) -> Callable[[str], str]:
    """One compiled pattern for every secret and code of a conversation (saves are frequent)."""
    secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True)
    codes = sorted(set(codes), key=len, reverse=True)
    alternatives = []
    if secrets:
        alternatives.append("(?P<secret>" + "|".join(re.escape(s) for s in secrets) + ")")
    if codes:
        alternatives.append("(?P<code>" + "|".join(_code_pattern(c) for c in codes) + ")")
    if not alternatives:
        return lambda text: text
    pattern = re.compile("|".join(alternatives))

    def replace(match: re.Match[str]) -> str:
        return REDACTED if match.lastgroup == "secret" else mask_code(match.group(0))

    return lambda text: pattern.sub(replace, text)


def _mask_code_shapes(text: str) -> str:
    """Mask every 16-symbol, code-shaped sequence that holds a digit (words have none).

    Overlapping candidates ("code ABCD 1234 EFGH 5678") are settled as extract_code does: the
    one with the most digits wins, the earliest among equals (where the code starts).
    """
    candidates = [
        (sum(c.isdigit() for c in m.group(1)), m.start(1), m.end(1))
        for m in _CODE_SHAPE.finditer(text)
    ]
    chosen: list[tuple[int, int]] = []
    for digits, start, end in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if digits and all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    for start, end in sorted(chosen, reverse=True):
        text = text[:start] + mask_code(text[start:end]) + text[end:]
    return text


def redact_text(
    text: str, secrets: Iterable[str] = (), codes: Iterable[str] = (), *, shapes: bool = True
) -> str:
    """``text`` without the given secrets, the given codes, nor (``shapes``) anything shaped
    like an invitation code.

    Also meant for log lines and free text shown to analysts.
    """
    text = _replacer(secrets, codes)(text)
    return _mask_code_shapes(text) if shapes else text


def _walk(value: Any, replace: Callable[[str], str]) -> Any:
    """A copy of ``value`` with ``replace`` applied to every string in it."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, dict):
        return {key: _walk(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, replace) for item in value]
    return value


def _code_in(value: str) -> str:
    """The code in a code slot's value: a from_text mapping puts the whole message there
    ("mon code est ..."), which is masked as the code it holds, not as one long code."""
    return extract_code(value) or normalise_code(value)


def _metadata_code(event: dict) -> str | None:
    metadata = event.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("invitation_code"), str):
        return normalise_code(metadata["invitation_code"])[:64] or None
    return None


def mask_addresses(text: str) -> str:
    """Every email address in ``text`` masked ("jean.dupont@acme.fr" -> "j***t@acme.fr")."""
    return _ADDRESS.sub(lambda match: mask_email(match.group(0)), text)


def _contact_answers(events: list[dict]) -> set[int]:
    """Indexes of the messages typed while a contact slot was asked."""
    answers, requested = set(), None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in _RESETS:
            requested = None
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "user" and requested in CONTACT_SLOTS:
            answers.add(index)
    return answers


def _collect(events: list[dict]) -> tuple[list[int], list[str], list[str]]:
    """Indexes of the password answers, the typed passwords, the conversation's codes."""
    answers: list[int] = []
    secrets: list[str] = []
    codes: set[str] = set()
    requested: Any = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in _RESETS:
            requested = None
        if kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "requested_slot":
                requested = value
            elif name in SECRET_SLOTS and isinstance(value, str) and value != PASSWORD_SET:
                secrets.append(value)
            elif name in CODE_SLOTS and isinstance(value, str) and value:
                codes.add(_code_in(value))
        code = _metadata_code(event)
        if code:
            codes.add(code)
        if kind == "user":
            text = event.get("text")
            if requested in SECRET_SLOTS:
                answers.append(index)
                if isinstance(text, str) and text:
                    secrets.append(text)
            elif requested in CODE_SLOTS and isinstance(text, str):
                code = extract_code(text)
                if code:
                    codes.add(code)
    # A masked code ("ACME…") is not a code to look for: it would match its own prefix.
    known = sorted((c for c in codes if len(c) > 4 and "…" not in c), key=len, reverse=True)
    return answers, secrets, known


def _redact_answer(event: dict) -> None:
    event["text"] = REDACTED
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data["text"] = REDACTED
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and "value" in entity:
                entity["value"] = REDACTED


def _mask_typed_shapes(event: dict) -> None:
    if isinstance(event.get("text"), str):
        event["text"] = _mask_code_shapes(event["text"])
    if isinstance(event.get("metadata"), dict):
        event["metadata"] = _walk(event["metadata"], _mask_code_shapes)
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        if isinstance(parse_data.get("text"), str):
            parse_data["text"] = _mask_code_shapes(parse_data["text"])
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and isinstance(entity.get("value"), str):
                entity["value"] = _mask_code_shapes(entity["value"])


def redact_events(events: list[dict], start: int = 0) -> list[dict]:
    """A redacted copy of a conversation's events (``Event.as_dict()`` forms) from ``start``.

    Give the whole conversation, not only new events: whether a message answered the password
    question depends on the events before it. ``start`` skips the copying of events already
    stored (a save then costs what its new events cost). Redacted events stay as they are.
    """
    answers, secrets, codes = _collect(events)
    answers = set(answers)
    contact_answers = _contact_answers(events)
    replace = _replacer(secrets, codes)
    redacted = []
    for index, original in enumerate(events[start:], start):
        event = _walk(original, replace)  # a copy: the caller's events stay as they are
        if index in answers:
            _redact_answer(event)
        if index in contact_answers or (
            event.get("event") == "slot" and event.get("name") in CONTACT_SLOTS
        ):
            event = _walk(event, mask_addresses)
        if event.get("event") == "slot":
            name, value = original.get("name"), original.get("value")
            if name in SECRET_SLOTS and value is not None and value != PASSWORD_SET:
                event["value"] = REDACTED
            elif name in CODE_SLOTS and isinstance(value, str) and value:
                event["value"] = mask_code(_code_in(value))
        # Code shapes are looked for only in what the user typed or sent: elsewhere (ids,
        # bot replies) the known codes suffice and a code-like id must stay intact.
        if event.get("event") in ("user", "session_started"):
            _mask_typed_shapes(event)
        redacted.append(event)
    return redacted
