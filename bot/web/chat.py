"""The chat API of the web app: the same-origin proxy to Rasa's REST channel, and the password
check of the widget's masked field.

``POST /webhooks/rest/webhook`` takes ``{message, metadata, thread, language}`` and forwards
``{sender, message, metadata}`` to Rasa, the sender derived from the chat session's cookie
(bot/web/sessions.py): a ``sender`` in the body is ignored. ``language`` (optional) is the
conversation's language as the widget last heard it (after a switch, not the page's): only the
words of a 429 use it.

``POST /chat/password`` takes ``{password, thread, metadata, language}``: the password typed in
the widget's masked field, which never passes through Rasa. The web app applies the article's
rule and the strength checks (bot/checks/passwords.py), hashes it with Argon2id off the event
loop into the conversation's registration draft, and answers ``{"accepted": true}``, or the
unmet rules in the domain's own wording. The widget then sends Rasa only ``/password_given``.

Both accept only ``application/json`` from the page's own origin (no form post or
``text/plain`` from another site, no cross-site fetch), are rate limited (bot/web/rate_limits.py;
429 with a short answer in the conversation's language and Retry-After) and answer any
malformed body with a 400, never a stack trace and never an ERROR in the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot import db
from bot.checks.conversation_ids import CLIENT_REFERENCE
from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.checks.passwords import check_password, hash_password, password_in
from bot.registration import drafts
from bot.responses import load_domain, response_text
from bot.web.pages import CLIENT, RASA_URL, SETTINGS
from bot.web.rate_limits import LimitsUnavailable, RateLimits, client_address
from bot.web.sessions import THREAD, ChatSession, SessionKeys, chat_session, client_reference
from bot.web.texts import TEXTS

log = logging.getLogger(__name__)

LIMITS = web.AppKey("rate_limits", RateLimits)
KEYS = web.AppKey("session_keys", SessionKeys)
TRUSTED = web.AppKey("trusted_proxies", list)
HASHING = web.AppKey("hashing", asyncio.Semaphore)

WEBHOOK_PATH = "/webhooks/rest/webhook"
PASSWORD_PATH = "/chat/password"  # noqa: S105 - a path

# Rasa's REST channel answers "please try again" by itself after MESSAGE_TIMEOUT
# (rasa_ext/channels.py); the proxy waits a little longer, so that this polite answer, not a
# 503, reaches the widget. Past that, Rasa itself is stuck: 503.
RASA_TIMEOUT_MARGIN_SECONDS = 10.0
MAX_MESSAGE_CHARS = 5000
MAX_INVITATION_CHARS = 64
# Metadata is forwarded to Rasa only flat: a few short scalar values under plain names.
MAX_METADATA_KEYS = 10
MAX_METADATA_CHARS = 256
_METADATA_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Argon2id takes 19 MiB and tens of milliseconds per hash: at most this many at once per
# process, waiting at most HASH_WAIT_SECONDS for a turn (then 503, try again).
HASHES_AT_ONCE = 2
HASH_WAIT_SECONDS = 10.0
# Up to this wait, the widget says "a few seconds" and tries again by itself.
SHORT_WAIT_SECONDS = 120
_INVALID = object()


def json_error(status: int, error: str, **extra: Any) -> web.Response:
    return web.json_response({"error": error, **extra}, status=status)


# --- Requests only from the page itself ------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(request: web.Request) -> set[str]:
    settings = request.app[SETTINGS]
    origins = {_origin(settings.public_base_url)}
    if settings.development:  # localhost and 127.0.0.1 both reach `make run`
        origins.add(f"{request.scheme}://{request.host}".lower())
    return origins


def refused_request(request: web.Request) -> web.Response | None:
    """Only JSON, only from the page's own origin: a form or a ``text/plain`` fetch from another
    site (no CORS preflight) is refused before the body is read."""
    if request.content_type != "application/json":
        return json_error(415, "unsupported_media_type")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return json_error(403, "forbidden")
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in allowed_origins(request):
        return json_error(403, "forbidden")
    # Neither header: not a browser (curl, a script), which has no one else's cookie to use.
    return None


async def _read_json(request: web.Request) -> object:
    """The decoded body, or _INVALID; raises 413 past the app's size limit."""
    raw = await request.read()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deeply nested, huge ints
        return _INVALID


def _text(value: object, max_chars: int) -> str | None:
    """A non-empty string of at most ``max_chars`` that UTF-8 can encode (no lone surrogate)."""
    if not isinstance(value, str) or not 0 < len(value) <= max_chars:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def _language(body: object) -> str | None:
    """The page's language, ``metadata.language``: part of the conversation's key."""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return language if language in LANGUAGES else None


def _answer_language(body: object) -> str | None:
    """The conversation's language as the widget last heard it (``language``: from the
    password question or a switch), else the page's."""
    language = body.get("language") if isinstance(body, dict) else None
    return language if language in LANGUAGES else _language(body)


def _metadata(value: object) -> dict[str, Any] | None:
    """The session metadata to forward, flat and short; None when malformed."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_METADATA_KEYS:
        return None
    forwarded: dict[str, Any] = {}
    for key, item in value.items():
        if not _METADATA_KEY.fullmatch(key):
            return None
        if isinstance(item, str):
            if len(item) > MAX_METADATA_CHARS or _text(item or "x", MAX_METADATA_CHARS) is None:
                return None
        elif item is not None and not isinstance(item, (bool, int, float)):
            return None  # nothing nested reaches Rasa
        forwarded[key] = item
    language = forwarded.get("language")
    if language is not None and language not in LANGUAGES:
        return None
    code = forwarded.get("invitation_code")
    if code is not None and (not isinstance(code, str) or len(code) > MAX_INVITATION_CHARS):
        return None
    return forwarded


@dataclass(frozen=True)
class ChatRequest:
    """What the widget may say: the message, the session metadata, the tab's thread id."""

    text: str
    metadata: dict[str, Any]
    thread: str

    @property
    def language(self) -> str:
        return self.metadata.get("language") or DEFAULT_LANGUAGE


def _thread(body: dict) -> str | None:
    thread = body.get("thread", "")
    return (
        thread if thread == "" or (isinstance(thread, str) and THREAD.fullmatch(thread)) else None
    )


def parse_chat_request(body: object, text_key: str = "message") -> ChatRequest | None:
    """The request, or None when anything in it is malformed (then 400)."""
    if not isinstance(body, dict):
        return None
    text = _text(body.get(text_key), MAX_MESSAGE_CHARS)
    metadata = _metadata(body.get("metadata"))
    thread = _thread(body)
    if text is None or metadata is None or thread is None:
        return None
    return ChatRequest(text, metadata, thread)


# --- Limits -----------------------------------------------------------------------------------


def slow_down(
    language: str, wait: int, too_many: str = "too_many_text", *, shared: bool = False
) -> web.Response:
    """429 with a short answer in the conversation's language, which the widget shows
    (``too_many``: the text of a long wait). ``shared``: the limit of the client's address,
    which an office shares: said without blaming the person who meets it (sixth outside
    tester: a first message got "you are sending messages a little too fast")."""
    words = TEXTS[language]
    short = "busy_connection_text" if shared else "slow_down_text"
    text = (
        words[short].format(seconds=wait)
        if wait <= SHORT_WAIT_SECONDS
        else words[too_many].format(minutes=math.ceil(wait / 60))
    )
    response = json_error(429, "too_many_requests", message=text, retry_after=wait)
    response.headers["Retry-After"] = str(wait)
    return response


async def _limited(
    request: web.Request,
    checks: list[tuple[str, str]],
    language: str,
    too_many: str = "too_many_text",
) -> web.Response | None:
    try:
        refusal = await request.app[LIMITS].first_refusal(checks)
    except LimitsUnavailable as error:
        log.warning("rate-limit storage unavailable: %s", error)
        return json_error(503, "unavailable")
    if refusal is None:
        return None
    scope, wait = refusal
    log.debug("rate limited (%s): retry after %s s", scope, wait)  # the access log shows a 429
    return slow_down(language, wait, too_many, shared=scope == "address")


@dataclass(frozen=True)
class _Admitted:
    body: object
    language: str  # of the answers: a 429's, the password rules'
    session: ChatSession
    address: str  # the client's, as the trusted proxies give it


async def _admit(
    request: web.Request,
    scopes: tuple[str, str],
    language_of: Callable[[object], str | None],
    too_many: str = "too_many_text",
) -> _Admitted | web.Response:
    """What both chat endpoints check first: JSON from the page's origin (else 415 or 403),
    then the request counted per address and per session (``scopes``; else 429)."""
    refused = refused_request(request)
    if refused is not None:
        return refused
    body = await _read_json(request)
    language = language_of(body) or DEFAULT_LANGUAGE
    session = await chat_session(request)
    address = client_address(request, request.app[TRUSTED])
    address_scope, session_scope = scopes
    checks = [(address_scope, address), (session_scope, session.reference(request.app[KEYS]))]
    limited = await _limited(request, checks, language, too_many)
    return limited if limited is not None else _Admitted(body, language, session, address)


# --- POST /webhooks/rest/webhook ----------------------------------------------------------------


async def rasa_webhook(request: web.Request) -> web.Response:
    """Forward one chat message to Rasa and give back its answers, same origin as the page.

    Only this path is proxied: Rasa's other endpoints stay unreachable from the browser.
    """
    admitted = await _admit(request, ("address", "session"), _answer_language)
    if isinstance(admitted, web.Response):
        return admitted
    chat = parse_chat_request(admitted.body)
    if chat is None:
        return json_error(400, "bad_request")
    sender = admitted.session.conversation_id(request.app[KEYS], chat.language, chat.thread)
    limited = await _limited(request, [("conversation", sender)], admitted.language)
    if limited is not None:
        return limited
    # The client's reference is the web app's to set, never the browser's.
    client = client_reference(request.app[KEYS], admitted.address)
    forwarded: dict[str, Any] = {
        "sender": sender,
        "message": chat.text,
        "metadata": {**chat.metadata, CLIENT_REFERENCE: client},
    }
    answers = await _ask_rasa(request, forwarded)
    if answers is None:
        return json_error(503, "unavailable")
    # The conversation id stays on the server: the page has no use for it.
    for answer in answers:
        if isinstance(answer, dict):
            answer.pop("recipient_id", None)
    return web.json_response(answers, headers={"Cache-Control": "no-store"})


async def _ask_rasa(request: web.Request, forwarded: dict[str, Any]) -> list | None:
    url = request.app[RASA_URL] + "/webhooks/rest/webhook"
    timeout = request.app[SETTINGS].message_timeout_seconds + RASA_TIMEOUT_MARGIN_SECONDS
    try:
        async with request.app[CLIENT].post(
            url, json=forwarded, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if response.status != 200:
                log.warning("Rasa answered HTTP %s", response.status)
                return None
            answers = await response.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        log.warning("Rasa unreachable: %s", error.__class__.__name__)
        return None
    return answers if isinstance(answers, list) else None


# --- POST /chat/password ----------------------------------------------------------------------


def accept_password(database_url: str, conversation_id: str, password: str) -> list[str] | None:
    """The masked field's work, off the event loop: the article's rule and the strength checks
    (against the draft's address), then the Argon2id hash kept in the conversation's draft.
    Returns the unmet rules' names, empty when the password was accepted and kept; None when
    the conversation has no confirmed address yet, so the password has not been asked (the form
    keeps the address in the draft before it asks): nothing is checked, hashed or kept. "Mon
    mot de passe sera X" keeps X, as the assistant does for a typed password."""
    with db.session_scope(database_url) as session:
        email = drafts.email_for(session, conversation_id)
    if email is None:
        return None
    password = password_in(password)
    rules = check_password(password, email)
    if rules:
        return [rule.value for rule in rules]
    password_hash = hash_password(password)
    with db.session_scope(database_url) as session:
        drafts.save_password_hash(session, conversation_id, password_hash)
    return []


def refusal_text(rules: list[str], language: str) -> str:
    """utter_password_not_accepted with each unmet rule, in the domain's own words."""
    responses = load_domain()["responses"]
    lines = "\n".join(
        response_text(responses, f"utter_password_rule_{rule}", language) for rule in rules
    )
    return response_text(responses, "utter_password_not_accepted", language).replace(
        "{problems}", lines
    )


async def check_password_answer(request: web.Request) -> web.Response:
    """The widget's masked field: check, hash into the draft, answer the unmet rules."""
    # The words of the answer: the conversation's language, as the password question gave it.
    admitted = await _admit(
        request, ("password_address", "password"), _answer_language, "too_many_passwords_text"
    )
    if isinstance(admitted, web.Response):
        return admitted
    chat = parse_chat_request(admitted.body, text_key="password")
    if chat is None:
        return json_error(400, "bad_request")
    conversation_id = admitted.session.conversation_id(
        request.app[KEYS], chat.language, chat.thread
    )
    database_url = request.app[SETTINGS].database_url
    hashing = request.app[HASHING]
    try:
        await asyncio.wait_for(hashing.acquire(), HASH_WAIT_SECONDS)
    except asyncio.TimeoutError:
        log.warning("password checks busy: %s at once", HASHES_AT_ONCE)
        return json_error(503, "unavailable")
    try:
        unmet = await asyncio.to_thread(accept_password, database_url, conversation_id, chat.text)
    finally:
        hashing.release()
    if unmet is None:
        # A script's post before the question (a browser shows the field only when asked).
        return json_error(409, "not_asked")
    if unmet:
        return web.json_response(
            {"accepted": False, "rules": unmet, "message": refusal_text(unmet, admitted.language)},
            headers={"Cache-Control": "no-store"},
        )
    return web.json_response({"accepted": True}, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_post(WEBHOOK_PATH, rasa_webhook)
    app.router.add_post(PASSWORD_PATH, check_password_answer)
