"""Staff sessions, sign-in, CSRF and roles for /console/.

- Sessions are aiohttp-session's ``EncryptedCookieStorage`` (Fernet: AES-128-CBC + HMAC,
  from ``cryptography``) in their own cookie, ``console_session``, limited to /console/,
  HttpOnly, SameSite=Strict, Secure when the public address is https. The chat's session (if
  any) is a different cookie, and this middleware keeps its own request key, so neither can
  read or replace the other. A session holds the staff id, the account's session epoch, the
  sign-in time, the CSRF token and the console's language; nothing else.
- A session ends ``CONSOLE_SESSION_HOURS`` after sign-in (checked on the server), after the
  same time without a request (the cookie's Max-Age and Fernet's TTL), at sign-out, and when
  the account is removed or signs out elsewhere (the account's ``session_epoch`` moves on).
- CSRF: a random token per session, in a hidden field of every form, compared in constant
  time on every POST (written by hand: a dozen lines; the aiohttp CSRF packages are
  unmaintained). SameSite=Strict already keeps other sites' forms from carrying the cookie.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp_session import Session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot import db
from bot.models import StaffAccount
from bot.settings import VAR_DIR, Settings
from bot.staff.accounts import Role
from bot.web import rate_limits

log = logging.getLogger(__name__)

COOKIE_NAME = "console_session"
PREFIX = "/console"
KEY_FILE = VAR_DIR / "console-session.key"
SESSION = "console.session"  # request key: this sub-app's own, not aiohttp-session's
STAFF = "console.staff"


@dataclass(frozen=True)
class SignedIn:
    """The member of staff behind a request (no password hash: only what pages need)."""

    id: int
    email: str
    role: str


def session_key(settings: Settings, key_file: Path = KEY_FILE) -> bytes:
    """The Fernet key: CONSOLE_SESSION_KEY, else one generated once into var/ (0600)."""
    if settings.console_session_key:
        key = settings.console_session_key.encode("ascii")
        if len(base64.urlsafe_b64decode(key)) != 32:
            raise ValueError("CONSOLE_SESSION_KEY must be 32 bytes in URL-safe base64")
        return key
    try:
        return key_file.read_bytes().strip()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key


def storage(settings: Settings, key: bytes) -> EncryptedCookieStorage:
    return EncryptedCookieStorage(
        Fernet(key),
        cookie_name=COOKIE_NAME,
        path=PREFIX + "/",
        max_age=settings.console_session_hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=settings.public_base_url.startswith("https://"),
    )


STORAGE = web.AppKey("console_storage", EncryptedCookieStorage)


@web.middleware
async def session_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Load the console's session, run the page, save the session (also on a redirect)."""
    store = request.app[STORAGE]
    session = await store.load_session(request)
    request[SESSION] = session
    raised = None
    try:
        response = await handler(request)
    except web.HTTPException as exception:
        raised = response = exception
    if not session.empty or not session.new:
        await store.save_session(request, response, session)
    # Personal data: never kept by a browser's or a proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    if raised is not None:
        raise raised
    return response


def session_of(request: web.Request) -> Session:
    return request[SESSION]


def csrf_token(request: web.Request) -> str:
    session = session_of(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def form_with_valid_csrf(request: web.Request):
    """The POSTed form, or None when its CSRF token is missing or wrong."""
    form = await request.post()
    sent = form.get("csrf")
    expected = session_of(request).get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        return None
    return form


def client_address(request: web.Request) -> str:
    """Who is signing in, for the per-address limit: the chat's rule (bot/web/rate_limits.py),
    X-Forwarded-For believed only from the proxies of ``TRUSTED_PROXIES``."""
    return rate_limits.client_address(
        request, rate_limits.trusted_networks(request.app[SETTINGS_KEY])
    )


def _staff_for(database_url: str, staff_id: int, epoch: int) -> SignedIn | None:
    with db.session_scope(database_url) as session:
        account = session.get(StaffAccount, staff_id)
        if account is None or account.session_epoch != epoch:
            return None
        return SignedIn(account.id, account.email, account.role)


async def signed_in(request: web.Request) -> SignedIn | None:
    """The member of staff of this session, or None (no session, expired, ended, removed)."""
    if STAFF in request:
        return request[STAFF]
    session = session_of(request)
    staff = None
    staff_id, epoch, since = session.get("staff"), session.get("epoch"), session.get("since")
    if isinstance(staff_id, int) and isinstance(epoch, int) and isinstance(since, (int, float)):
        hours = request.app[SETTINGS_KEY].console_session_hours
        if time.time() - since <= hours * 3600:
            staff = await asyncio.to_thread(
                _staff_for, request.app[SETTINGS_KEY].database_url, staff_id, epoch
            )
        if staff is None:
            for name in ("staff", "epoch", "since"):
                session.pop(name, None)
            session["notice"] = "session_expired"
    request[STAFF] = staff
    return staff


def start_session(request: web.Request, account: StaffAccount) -> None:
    session = session_of(request)
    language = session.get("lang")
    session.clear()
    # A fresh CSRF token and session content at sign-in (no fixation of what came before).
    session.update(
        staff=account.id,
        epoch=account.session_epoch,
        since=time.time(),
        csrf=secrets.token_urlsafe(32),
    )
    if language:
        session["lang"] = language


def end_session(request: web.Request) -> None:
    session = session_of(request)
    language = session.get("lang")
    session.clear()
    session["notice"] = "signed_out"
    if language:
        session["lang"] = language


def sign_in_redirect(request: web.Request) -> web.HTTPFound:
    from urllib.parse import urlencode

    target = request.path_qs if request.method == "GET" else PREFIX + "/"
    return web.HTTPFound(PREFIX + "/sign-in?" + urlencode({"next": target}))


def safe_next(value: object) -> str:
    """Only a console path: never another site ("//evil", "/\\evil") after signing in."""
    if (
        isinstance(value, str)
        and value.startswith(PREFIX + "/")
        and not value.startswith(("//", "/\\"))
        and "\\" not in value
        and "\n" not in value
        and "\r" not in value
    ):
        return value
    return PREFIX + "/"


SETTINGS_KEY = web.AppKey("console_settings", Settings)

ROLES = (Role.SUPPORT.value, Role.ANALYST.value)
