"""What is removed from conversation events before they are written anywhere.

Rasa stores every user message and slot value as typed. Before the tracker store writes an
event (or an event broker publishes it), :func:`redact_new_events` replaces:

- the text of every message typed while the password was asked (``requested_slot`` was
  ``password``), in ``text``, ``parse_data.text`` and entity values, with :data:`REDACTED`.
  Even a message the NLU took confidently for a command is redacted: a password that happens
  to look like "stop" would otherwise be stored;
- any word that could be a password wherever it is typed (first message, another question,
  a correction, a command starting with "/"): a word that satisfies the article's password
  rule (8 characters, upper case, lower case, digit, special character:
  :func:`bot.checks.passwords.meets_article_rule`) and is not an email address, a web address,
  a company identifier or an invitation code; in messages, slot values, entities and
  metadata, and wherever the conversation repeats it;
- the value of every slot in :data:`SECRET_SLOTS` (only the marker :data:`PASSWORD_SET`, which
  says "hashed and kept server-side", is left as it is: the form relies on it);
- every invitation code of the conversation (slots, session metadata, the message that answered
  the code question, replies that repeat it) wherever it appears, and anything shaped like a
  16-symbol code in what the user typed, keeping only the first 4 symbols (a code is a
  credential until it is used);
- the email addresses in the value of every slot in :data:`CONTACT_SLOTS` and in the message
  typed while one was asked (the handoff's contact address: support has it in the ticket).

The cost of redacting a turn depends on that turn only: what the redaction of the next events
needs to know about the earlier ones (the question pending, the conversation's latest secrets
and codes, at most :data:`MAX_SECRETS` and :data:`MAX_CODES`) is a :class:`RedactionContext`
that the tracker store keeps between saves. Secrets are kept in memory only, never written.

Pure functions on the dicts of ``Event.as_dict()``: no Rasa import (the tracker store in
``rasa_ext/`` calls them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.checks.bank_details import bank_details_span
from bot.checks.conversation_ids import CLIENT_REFERENCE
from bot.checks.email_addresses import mask_email
from bot.checks.identifiers import check_company_id, supported_countries
from bot.checks.invitation_codes import extract_code, mask_code, normalise_code
from bot.checks.passwords import meets_article_rule

REDACTED = "[masqué]"
# The password slot's value once extract_password has hashed the password into the
# registration draft: a marker, not a secret, and what the form checks on the next turns.
PASSWORD_SET = "[enregistré]"  # noqa: S105 - a marker, not a password
SECRET_SLOTS = frozenset({"password"})
CODE_SLOTS = frozenset({"invitation_code"})
# Answers kept in full elsewhere for whoever needs them (the handoff's contact address, in the
# support ticket) and stored here masked: the slot and the message that answered it.
CONTACT_SLOTS = frozenset({"handoff_contact"})
# From where a word starts (the look-behind): tried at every character, a long word without "@"
# took time quadratic in its length.
_ADDRESS = re.compile(r"(?<![^\s@<>()\[\],;:\"'])[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")

# The shortest typed password also searched for in the conversation's OTHER messages (and
# in bot replies): a shorter string would mask ordinary words there ("merci", "oui" typed at the
# password question would turn every later "merci" into the marker). The answer to the password
# question itself is replaced whole, whatever its length (see _redact_answer).
_MIN_SECRET_LENGTH = 6
# Longer answers are replaced whole where they are typed, but not searched for elsewhere: no
# one retypes 300 characters, and searching for them would let a script make every save slow.
MAX_SEARCHED_LENGTH = 256
# The secrets and codes of a conversation searched for in its later events, most recent
# first: a bounded set, so that 1,000 hostile messages cost no more to redact than one.
MAX_SECRETS = 8
MAX_CODES = 8
# 16 symbols in groups of four, as people type invitation codes
# (see bot/registration/invitations.py).
# Inside a lookahead so that overlapping candidates are all seen ("code ABCD EFGH IJ12 3456").
_CODE_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(?=([0-9A-Za-z]{4}(?:[ \-_.]?[0-9A-Za-z]{4}){3})(?![0-9A-Za-z]))"
)
_WHOLE_CODE = re.compile(r"[0-9A-Za-z]{4}(?:[ \-_.]?[0-9A-Za-z]{4}){3}")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_LOOKALIKE_CLASSES = {"0": "[0Oo]", "1": "[1IiLl]"}
# Events after which no slot is requested any more.
_RESETS = {"restart", "session_started", "reset_slots"}
_WORD = re.compile(r"\S+")
# Punctuation around a word in a sentence, that a password is less likely to end with.
_LEADING = re.compile(r"^[\"'«“‘(\[{<]+")
_TRAILING = re.compile(r"[\"'»”’)\]}>.,;:]+$")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# What may wrap a word in a sentence: quotes, brackets, final punctuation, markdown bold.
_WRAPPING = "\"'«»“”‘’()[]{}<>*,;:!?."
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}")


def is_masked_code(value: str) -> bool:
    """A code as the tracker store keeps it ("ACME…"), not a code that can be checked."""
    return value.endswith("…")


# --- passwords typed anywhere -----------------------------------------------------------


def _is_company_id(word: str) -> bool:
    # Every identifier of bot/checks/identifiers.py has 6 digits or more, and none is longer
    # than a label and its separators: other words are not worth the 11 checks.
    if len(word) > 32 or sum(c.isdigit() for c in word) < 6:
        return False
    return any(check_company_id(scheme.country, word).ok for scheme in supported_countries())


def looks_like_password(word: str, codes: Collection[str] = ()) -> bool:
    """Whether a word typed anywhere may be a password: it satisfies the article's rule and
    is not an email address, a web address, a company identifier nor an invitation code
    (``codes``: the conversation's own, normalised, which may have any shape)."""
    if "\\u" in word:  # JSON-escaped, as in a log line: "Pr\\u00e9nom" is "Prénom"
        word = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), word)
    if not meets_article_rule(word):
        return False
    core = word.strip(_WRAPPING)
    if "://" in core or core.lower().startswith("www."):
        return False
    if "@" in core and _EMAIL.fullmatch(core):
        return False
    if _WHOLE_CODE.fullmatch(core) or normalise_code(core) in codes:
        return False  # masked as a code instead (its first 4 symbols kept)
    return not _is_company_id(core)


def _password_in(word: str, codes: Collection[str]) -> str | None:
    """The password a word of a sentence holds, if any: the word without the punctuation
    around it (``"« Soleil-2026 »."``), or the whole word when only that satisfies the rule
    (``"Soleil2026!"``)."""
    core = _TRAILING.sub("", _LEADING.sub("", word))
    if core and core != word and looks_like_password(core, codes):
        return core
    return word if looks_like_password(word, codes) else None


def _password_words(text: str, codes: Collection[str]) -> list[str]:
    found = (_password_in(m.group(0), codes) for m in _WORD.finditer(text))
    return [word for word in found if word]


def mask_passwords(text: str, codes: Collection[str] = ()) -> str:
    """``text`` with every word that may be a password replaced by :data:`REDACTED`."""
    codes = frozenset(codes)

    def mask(match: re.Match[str]) -> str:
        word = match.group(0)
        password = _password_in(word, codes)
        return word.replace(password, REDACTED) if password else word

    return _WORD.sub(mask, text)


# --- invitation codes ---------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _code_regex(code: str) -> re.Pattern[str]:
    """Every way the code may have been written: any case, separators, look-alike letters."""
    # A "code" from session metadata can hold anything ("(", "*"): escaped, it cannot break
    # the pattern (an invalid pattern made the tracker store drop the conversation's events).
    parts = [
        _LOOKALIKE_CLASSES.get(
            c, f"[{re.escape(c)}{re.escape(c.lower())}]" if c.isalpha() else re.escape(c)
        )
        for c in code
    ]
    return re.compile(r"[\s\-_.]*".join(parts))


def _mask_code_shapes(text: str) -> str:
    """Mask every 16-symbol, code-shaped sequence that holds a digit (words have none).

    Overlapping candidates ("code ABCD 1234 EFGH 5678") are settled as extract_code does: the
    one with the most digits wins, the earliest among equals (where the code starts).
    """
    if len(text) < 16:
        return text
    candidates = sorted(
        (
            (len(m.group(1)) - len(m.group(1).translate(_NO_DIGITS)), m.start(1), m.end(1))
            for m in _CODE_SHAPE.finditer(text)
        ),
        key=lambda c: (-c[0], c[1]),
    )
    taken = bytearray(len(text))  # positions already inside a chosen code
    chosen: list[tuple[int, int]] = []
    for digits, start, end in candidates:
        if digits and not any(taken[start:end]):
            chosen.append((start, end))
            taken[start:end] = b"\x01" * (end - start)
    for start, end in sorted(chosen, reverse=True):
        text = text[:start] + mask_code(text[start:end]) + text[end:]
    return text


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


def _masked_metadata_fields(value: Any) -> Any:
    """``value`` with every ``invitation_code`` field (metadata) masked, whatever it holds, and
    without the web app's client reference (a pseudonym of the browser's address, for the
    handoff limit only: it would let the logs link conversations by address)."""
    if isinstance(value, dict):
        return {
            key: mask_code(normalise_code(item)[:64])
            if key == "invitation_code" and isinstance(item, str) and not is_masked_code(item)
            else _masked_metadata_fields(item)
            for key, item in value.items()
            if key != CLIENT_REFERENCE
        }
    if isinstance(value, list):
        return [_masked_metadata_fields(item) for item in value]
    return value


def _searchable_code(code: str) -> bool:
    # A masked code ("ACME…") is not a code to look for: it would match its own prefix.
    return len(code) > 4 and "…" not in code


# --- what the redaction of later events needs to know --------------------------------------


def _recent(kept: Iterable[str], new: Iterable[str], limit: int) -> tuple[str, ...]:
    """The ``limit`` most recent distinct values, newest last."""
    ordered = [*kept, *new]
    seen: set[str] = set()
    recent: list[str] = []
    for value in reversed(ordered):
        if value not in seen:
            seen.add(value)
            recent.append(value)
        if len(recent) == limit:
            break
    return tuple(reversed(recent))


@dataclass(frozen=True)
class RedactionContext:
    """What redacting a conversation's next events needs to know about the earlier ones.

    Kept in memory between saves by the tracker store, never written: ``secrets`` are
    passwords in clear.
    """

    requested_slot: str | None = None
    secrets: tuple[str, ...] = ()  # at most MAX_SECRETS, newest last
    codes: tuple[str, ...] = ()  # normalised, at most MAX_CODES, newest last

    def __repr__(self) -> str:  # never print a secret in a log line
        return (
            f"RedactionContext(requested_slot={self.requested_slot!r}, "
            f"secrets={len(self.secrets)}, codes={len(self.codes)})"
        )


@dataclass
class Redacted:
    """Redacted events, the context after them, and the passwords they taught."""

    events: list[dict]
    context: RedactionContext
    # Password answers and raw password slot values first seen in these events: earlier rows
    # of the conversation that contain them are masked too (the tracker store does it).
    new_passwords: tuple[str, ...] = ()
    answers: set[int] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"Redacted(events={len(self.events)}, context={self.context!r})"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _typed_strings(event: dict) -> Iterable[str]:
    """What the user typed or sent in ``event``, or a value taken from it (slots, entities,
    the variables of a reply): where a word that may be a password is looked for."""
    kind = event.get("event")
    if kind == "user":
        yield from _strings(event.get("text"))
        parse_data = event.get("parse_data")
        if isinstance(parse_data, dict):
            yield from _strings(parse_data.get("text"))
            for entity in parse_data.get("entities") or []:
                if isinstance(entity, dict):
                    yield from _strings(entity.get("value"))
        yield from _strings(event.get("metadata"))
    elif kind == "slot":
        yield from _strings(event.get("value"))
    elif kind in ("session_started", "bot"):
        yield from _strings(event.get("metadata"))


def _walk(value: Any, replace: Callable[[str], str]) -> Any:
    """A copy of ``value`` with ``replace`` applied to every string in it."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, dict):
        return {key: _walk(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, replace) for item in value]
    return value


def _replacer(secrets: Iterable[str], codes: Iterable[str]) -> Callable[[str], str]:
    """Replaces the secrets (longest first), then the codes, in a string."""
    secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
    patterns = [_code_regex(c) for c in sorted(set(codes), key=len, reverse=True)]

    def replace(text: str) -> str:
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in patterns:
            text = pattern.sub(lambda m: mask_code(m.group(0)), text)
        return text

    return replace


def _redact_answer(event: dict) -> None:
    event["text"] = REDACTED
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data["text"] = REDACTED
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and "value" in entity:
                entity["value"] = REDACTED


def mask_bank_details(text: str) -> str:
    """Each IBAN or bank account number in ``text`` down to its country letters ("FR76 3000
    6000 ..." -> "FR…"): pasted in the chat, it was kept as "FR76 3000… 7890 189", its bank
    code and the end of the account with its key (an outside tester)."""
    for _ in range(_MAX_BANK_DETAILS):
        span = bank_details_span(text)
        if span is None:
            break
        start, end = _the_number(text, *span)
        country = re.match(r"[A-Za-z]{2}(?=\d)", text[start:end])
        text = text[:start] + (country.group(0).upper() if country else "") + "…" + text[end:]
    return text


def _the_number(text: str, start: int, end: int) -> tuple[int, int]:
    """The span's words from the first to the last that holds a digit: a number called an IBAN
    is read with the words around it ("RIB is 3000 ... 189 pour aller")."""
    words = [m for m in re.finditer(r"\S+", text[start:end]) if re.search(r"\d", m.group())]
    if not words:
        return start, end
    return start + words[0].start(), start + words[-1].end()


_MAX_BANK_DETAILS = 10  # numbers masked in one text (a script's message may hold more)


def _mask_shapes(text: str) -> str:
    return _mask_code_shapes(mask_bank_details(text))


def _mask_typed_shapes(event: dict) -> None:
    if isinstance(event.get("text"), str):
        event["text"] = _mask_shapes(event["text"])
    if isinstance(event.get("metadata"), dict):
        event["metadata"] = _walk(event["metadata"], _mask_shapes)
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        if isinstance(parse_data.get("text"), str):
            parse_data["text"] = _mask_shapes(parse_data["text"])
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and isinstance(entity.get("value"), str):
                entity["value"] = _mask_shapes(entity["value"])


# Letters only, words joined by a hyphen, an apostrophe, a dot or a space: a name, a word, a
# company's name ("Christophe", "expert-comptable", "harbour-supplies").
_WORD_LIKE = re.compile(r"[^\W\d_]+(?:[-'’. ][^\W\d_]+)*")


def _searched(secret: str) -> bool:
    """Whether a secret is also masked in the conversation's other events: one with a digit or
    a symbol. Letters alone, however long, cannot be a password (the article's rule asks for a
    digit and a special character), and a word typed at the password question by mistake is
    the supplier's data elsewhere: searched for, "fromagerie" masked the address
    contact@fromagerie-durand.fr, "Christophe" the first name, "expert-comptable" the job title,
    in the log and in the tracker read back from it, and the account was created with
    "[masqué]" in them (third and sixth outside testers). The answer itself stays masked where
    it was typed."""
    if not _MIN_SECRET_LENGTH <= len(secret) <= MAX_SEARCHED_LENGTH or REDACTED in secret:
        return False
    return _WORD_LIKE.fullmatch(secret) is None


def redact_new_events(events: Sequence[dict], context: RedactionContext | None = None) -> Redacted:
    """Redacted copies of a conversation's new events, given what came before them.

    Costs what these events cost: the earlier events are summed up by ``context``. The
    caller's events stay as they are.
    """
    context = context or RedactionContext()
    answers: set[int] = set()
    contact_answers: set[int] = set()  # messages typed while a contact address was asked
    passwords: list[str] = []  # answers and password slot values: also masked in earlier rows
    words: list[str] = []  # words that may be passwords, typed anywhere
    codes: list[str] = []
    requested = context.requested_slot
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in _RESETS:
            requested = None
        if kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "requested_slot":
                requested = value
            elif name in SECRET_SLOTS and isinstance(value, str) and value != PASSWORD_SET:
                passwords.append(value)
            elif name in CODE_SLOTS and isinstance(value, str) and value:
                codes.append(_code_in(value))
        code = _metadata_code(event)
        if code:
            codes.append(code)
        if kind == "user":
            text = event.get("text")
            if requested in SECRET_SLOTS:
                answers.add(index)
                if isinstance(text, str) and text:
                    passwords.append(text)
            elif requested in CODE_SLOTS and isinstance(text, str):
                code = extract_code(text)
                if code:
                    codes.append(code)
            elif requested in CONTACT_SLOTS:
                contact_answers.add(index)
    known_codes = frozenset(c for c in [*context.codes, *codes] if _searchable_code(c))
    for index, event in enumerate(events):
        if index not in answers:
            for text in _typed_strings(event):
                words.extend(_password_words(text, known_codes))
    new_passwords = tuple(dict.fromkeys(p for p in passwords if _searched(p)))
    # The words are masked in these events whatever their length; only the ones worth
    # searching for are kept for the next turns.
    replace = _replacer([*context.secrets, *new_passwords, *dict.fromkeys(words)], known_codes)
    secrets = [*new_passwords, *(w for w in words if _searched(w))]
    redacted = []
    for index, original in enumerate(events):
        event = _walk(original, replace)  # a copy: the caller's events stay as they are
        if index in answers:
            _redact_answer(event)
        kind = original.get("event")
        if index in contact_answers or (kind == "slot" and original.get("name") in CONTACT_SLOTS):
            event = _walk(event, mask_addresses)
        if kind == "slot":
            name, value = original.get("name"), original.get("value")
            if name in SECRET_SLOTS and value is not None and value != PASSWORD_SET:
                event["value"] = REDACTED
            elif name in CODE_SLOTS and isinstance(value, str) and value:
                event["value"] = mask_code(_code_in(value))
        # A code given as such (session metadata, and the slot Rasa copies it to) is masked
        # whatever its characters, even where no pattern matches it as written (letters that
        # change when upper-cased, "ß", ligatures).
        event = _masked_metadata_fields(event)
        # Code shapes are looked for only in what the user typed or sent: elsewhere (ids,
        # bot replies) the known codes suffice and a code-like id must stay intact.
        if kind in ("user", "session_started"):
            _mask_typed_shapes(event)
        redacted.append(event)
    after = RedactionContext(
        requested_slot=requested if isinstance(requested, str) else None,
        secrets=_recent(context.secrets, secrets, MAX_SECRETS),
        codes=_recent(context.codes, [c for c in codes if _searchable_code(c)], MAX_CODES),
    )
    return Redacted(redacted, after, new_passwords, answers)


def redact_events(events: list[dict], start: int = 0) -> list[dict]:
    """A redacted copy of a whole conversation's events, from ``start``.

    For a conversation read in one piece (tests, an export, the analysts' second pass): every
    secret found anywhere in ``events`` is masked everywhere. The tracker store redacts turn by
    turn with :func:`redact_new_events` instead.
    """
    first = redact_new_events(events)
    if not first.new_passwords and not first.context.secrets:
        return first.events[start:]
    # A second pass with every secret known, so that earlier events lose the later ones too.
    everything = RedactionContext(
        secrets=tuple(s for s in (*first.new_passwords, *first.context.secrets) if _searched(s)),
        codes=first.context.codes,
    )
    return redact_new_events(events, everything).events[start:]


def redact_text(
    text: str, secrets: Iterable[str] = (), codes: Iterable[str] = (), *, shapes: bool = True
) -> str:
    """``text`` without the given secrets, the given codes, any word that may be a password,
    nor (``shapes``) anything shaped like an invitation code.

    Also meant for log lines and free text shown to analysts.
    """
    codes = [c for c in codes if c]
    text = _replacer(secrets, codes)(text)
    text = mask_passwords(text, codes)
    return _mask_code_shapes(text) if shapes else text


def mask_secret(value: Any, secret: str) -> Any:
    """A copy of ``value`` (an event as a dict) with ``secret`` masked in every string: for
    rows written before the secret was known to be one."""
    return _walk(value, lambda text: text.replace(secret, REDACTED) if secret in text else text)
