"""Chat sessions issued by the server.

Each browser gets a random credential (256 bits) in an HttpOnly, SameSite=Strict cookie,
encrypted and authenticated by aiohttp-session (Fernet), Secure when the public site is HTTPS.
The conversation id that Rasa sees is derived from it here (an HMAC), so that:

- the browser never chooses its conversation: a ``sender`` in what it posts is ignored, and a
  conversation id seen somewhere (a log, a screen) lets nobody write to the conversation;
- a reload continues the conversation (the cookie stays);
- the page's language and the tab's own thread id (a random id the widget keeps in
  ``sessionStorage``) are part of the derivation: a French and an English page, or two tabs,
  are separate conversations, as before. The thread id is not a credential: without the
  cookie it leads to a conversation of one's own.

One secret setting, ``SESSION_SECRET``, keys both; in development (``make run``) it is
generated once into ``var/session-secret`` (mode 0600) when unset. A production web app
refuses to start without a strong one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp_session import get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.settings import VAR_DIR, Settings

SECRET_FILE = VAR_DIR / "session-secret"
MIN_SECRET_CHARS = 32
MIN_DISTINCT_CHARS = 10  # rules out "aaaa...", "abababab..." and the like
SESSION_HOURS = 24  # the cookie's life
_CREDENTIAL_KEY = "credential"
_CREDENTIAL = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
THREAD = re.compile(r"[0-9a-f]{32}")


class SessionSecretError(ValueError):
    """SESSION_SECRET is missing or too weak for this environment."""


def check_secret(secret: str) -> None:
    """Refuse a secret a person typed or a placeholder: it keys every chat session."""
    if len(secret) < MIN_SECRET_CHARS or len(set(secret)) < MIN_DISTINCT_CHARS:
        raise SessionSecretError(
            f"SESSION_SECRET is too weak: use at least {MIN_SECRET_CHARS} random characters, "
            "for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def _read_or_create(path: Path) -> str:
    try:
        # O_EXCL: when the launcher and the web app both start, one writes and both read it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # nobody else on the machine may read it
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip()


def load_secret(settings: Settings, secret_file: Path = SECRET_FILE) -> str:
    """The session secret: SESSION_SECRET, or in development the generated local one.

    Raises SessionSecretError in production without a strong SESSION_SECRET (fail closed).
    """
    if settings.session_secret:
        check_secret(settings.session_secret)
        return settings.session_secret
    if not settings.development:
        raise SessionSecretError(
            "SESSION_SECRET is required (DEVELOPMENT is not set): at least "
            f"{MIN_SECRET_CHARS} random characters, kept secret, the same for every web app "
            "process of one site"
        )
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret = _read_or_create(secret_file)
    check_secret(secret)
    return secret


@dataclass(frozen=True)
class SessionKeys:
    """Independent keys derived from the one secret, one per use."""

    cookie: bytes  # Fernet key of the cookie (aiohttp-session)
    conversation: bytes  # HMAC key of the conversation ids
    reference: bytes  # HMAC key of the session's reference (rate-limit counters)

    @classmethod
    def from_secret(cls, secret: str) -> SessionKeys:
        def derive(label: str) -> bytes:
            return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()

        return cls(derive("cookie"), derive("conversation"), derive("reference"))


def cookie_storage(settings: Settings, keys: SessionKeys) -> EncryptedCookieStorage:
    secure = settings.secure_cookies
    return EncryptedCookieStorage(
        keys.cookie,  # 32 bytes: aiohttp-session makes the Fernet key of them
        # __Host-: a sibling subdomain cannot set or overwrite it (only with Secure).
        cookie_name="__Host-chat" if secure else "chat",
        max_age=SESSION_HOURS * 3600,
        path="/",
        secure=secure,
        httponly=True,
        samesite="Strict",
    )


@dataclass(frozen=True)
class ChatSession:
    credential: str
    new: bool

    def conversation_id(self, keys: SessionKeys, language: str, thread: str = "") -> str:
        """The Rasa sender id: 32 hex digits, derived, never chosen by the browser."""
        message = "\0".join(("conversation", self.credential, language, thread)).encode()
        return hmac.new(keys.conversation, message, hashlib.sha256).hexdigest()[:32]

    def reference(self, keys: SessionKeys) -> str:
        """Names the session in the rate-limit counters without revealing the credential."""
        digest = hmac.new(keys.reference, self.credential.encode(), hashlib.sha256)
        return digest.hexdigest()[:32]


def client_reference(keys: SessionKeys, address: str) -> str:
    """Names the browser's address for the handoff limit per client (bot/registration/
    tickets.py) without revealing it: the same address, the same reference, in every session."""
    message = "\0".join(("client", address)).encode()
    return hmac.new(keys.reference, message, hashlib.sha256).hexdigest()[:32]


async def chat_session(request: web.Request) -> ChatSession:
    """The browser's chat session; a new one (and its cookie) when it has none or a bad one."""
    session = await get_session(request)
    credential = session.get(_CREDENTIAL_KEY)
    if isinstance(credential, str) and _CREDENTIAL.fullmatch(credential):
        return ChatSession(credential, new=False)
    credential = secrets.token_urlsafe(32)
    session[_CREDENTIAL_KEY] = credential  # the middleware sets the cookie on the response
    return ChatSession(credential, new=True)
