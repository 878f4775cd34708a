"""The web app: help-centre page with the chat widget, activation page, development mailbox,
``/healthz``, and the chat API (bot/web/chat.py: the same-origin proxy to Rasa's REST channel
and the widget's password check).

aiohttp (already installed with Rasa) serves everything; Jinja2 renders the pages with
autoescape on. Database work is synchronous SQLAlchemy, run in a worker thread so that one
slow query never blocks the other requests. Chat sessions: bot/web/sessions.py; rate limits:
bot/web/rate_limits.py; the HTTP server itself: bot/web/server.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import aiohttp
from aiohttp import web
from aiohttp_session import session_middleware

from bot import db
from bot.checks.language import LANGUAGES
from bot.responses import load_domain
from bot.settings import Settings, get_settings
from bot.web import activation, chat, mailbox_pages
from bot.web.console import add_console
from bot.web.pages import (
    CLIENT,
    CONTENT_SECURITY_POLICY,
    MAILBOX_DIR,
    RASA_URL,
    SETTINGS,
    message_page,
    render,
    request_language,
)
from bot.web.rate_limits import RateLimits, trusted_networks
from bot.web.server import SERVER_HEADER
from bot.web.sessions import SessionKeys, chat_session, cookie_storage, load_secret
from bot.web.texts import TEXTS, WIDGET_TEXTS

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"  # the chat widget (widget.js, widget.css)
ASSETS_DIR = HERE / "assets"  # the pages' own style sheet

MAX_BODY_BYTES = 64 * 1024  # a chat message or the activation form; anything larger is refused
HEALTH_TIMEOUT_SECONDS = 3
MAX_INVITATION_CHARS = 64

# --- Help-centre page -----------------------------------------------------------------------


def _help_page(language: str):
    async def handler(request: web.Request) -> web.Response:
        # From the invitation email's link; the widget sends it as session metadata.
        code = request.query.get("invitation", "").strip()[:MAX_INVITATION_CHARS]
        other = TEXTS[TEXTS[language]["other_lang"]]["home_url"]
        switch_url = other + ("?" + urlencode({"invitation": code}) if code else "")
        await chat_session(request)  # the chat session's cookie comes with the page
        return render(
            request,
            "help.html.jinja",
            language,
            title=TEXTS[language]["article_title"],
            code=code,
            switch_url=switch_url,
            widget_texts=WIDGET_TEXTS[language],
            chat_endpoint=chat.WEBHOOK_PATH,
            password_endpoint=chat.PASSWORD_PATH,
        )

    return handler


async def _development_terms(request: web.Request) -> web.Response:
    return message_page(request, request_language(request), "dev_terms")


def _with_slash(home_url: str):
    """``/en`` to ``/en/``, the query kept: the language's page is the folder."""

    async def handler(request: web.Request) -> web.Response:
        query = "?" + request.query_string if request.query_string else ""
        raise web.HTTPMovedPermanently(home_url + query)

    return handler


# --- Health ---------------------------------------------------------------------------------


def _database_answers(url: str) -> bool:
    # A raw connection: SQLAlchemy's transactions start with BEGIN IMMEDIATE on SQLite (a write
    # lock), which a probe called every few seconds must not take. Reading the migration table
    # also proves the schema exists.
    connection = db.get_engine(url).raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        return cursor.fetchone() is not None
    finally:
        connection.close()


async def _database_ok(url: str) -> bool:
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(_database_answers, url), HEALTH_TIMEOUT_SECONDS
        )
    except Exception as error:  # any failure is "not healthy", never an error page
        log.warning("database check failed: %s", error.__class__.__name__)
        return False


async def _http_ok(client: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with client.get(
            url, timeout=aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        ) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


def action_server_health_url(action_endpoint_url: str) -> str:
    parts = urlsplit(action_endpoint_url)
    return f"{parts.scheme}://{parts.netloc}/health"


async def healthz(request: web.Request) -> web.Response:
    settings, client = request.app[SETTINGS], request.app[CLIENT]
    database, rasa, actions = await asyncio.gather(
        _database_ok(settings.database_url),
        _http_ok(client, request.app[RASA_URL] + "/"),
        _http_ok(client, action_server_health_url(settings.action_endpoint_url)),
    )
    report = {"database": database, "rasa": rasa, "actions": actions}
    return web.json_response(
        report, status=200 if all(report.values()) else 503, headers={"Cache-Control": "no-store"}
    )


# --- Errors and headers ---------------------------------------------------------------------

_JSON_PATHS = ("/webhooks/", "/chat/", "/healthz")
_JSON_ERRORS = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def _error_response(request: web.Request, status: int) -> web.Response:
    if request.path.startswith(_JSON_PATHS):
        return chat.json_error(
            status, _JSON_ERRORS.get(status, "bad_request" if status < 500 else "unavailable")
        )
    language = request_language(request)
    if status == 404:
        return message_page(request, language, "not_found", status=404)
    if status < 500:
        return message_page(request, language, "bad_request", status=status, tone="error")
    return message_page(request, language, "unavailable", status=503, tone="error")


@web.middleware
async def polite_errors(request: web.Request, handler) -> web.StreamResponse:
    """Every error is a short page (or JSON for the API paths): never a stack trace or a 500."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise  # redirects
        return _error_response(request, error.status)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error_response(request, 503)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # The activation token is in the page's URL: it must not leak to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers["Server"] = SERVER_HEADER  # aiohttp's default names its version


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as client:
        app[CLIENT] = client
        # Read once before the first password check needs its wording (seconds of YAML).
        await asyncio.to_thread(load_domain)
        yield


def create_app(
    settings: Settings | None = None,
    rasa_url: str | None = None,
    *,
    mailbox_dir: Path | None = None,
) -> web.Application:
    """The web app; ``rasa_url`` and ``mailbox_dir`` default to the settings' (tests set them).

    Raises SessionSecretError without a strong SESSION_SECRET outside development.
    """
    settings = settings or get_settings()
    keys = SessionKeys.from_secret(load_secret(settings))
    app = web.Application(
        middlewares=[polite_errors, session_middleware(cookie_storage(settings, keys))],
        client_max_size=MAX_BODY_BYTES,
    )
    app[SETTINGS] = settings
    app[RASA_URL] = (rasa_url or settings.rasa_url).rstrip("/")
    app[MAILBOX_DIR] = mailbox_dir or settings.mailbox_dir
    app[chat.KEYS] = keys
    app[chat.LIMITS] = RateLimits(settings)
    app[chat.TRUSTED] = trusted_networks(settings)
    app[chat.HASHING] = asyncio.Semaphore(chat.HASHES_AT_ONCE)
    app.cleanup_ctx.append(_http_client)
    app.on_response_prepare.append(_security_headers)

    for language in LANGUAGES:  # the default language at "/", the others at "/<language>/"
        home_url = TEXTS[language]["home_url"]
        app.router.add_get(home_url, _help_page(language))
        if home_url != "/":
            app.router.add_get(home_url.rstrip("/"), _with_slash(home_url))
    chat.add_routes(app)
    app.router.add_get("/healthz", healthz)
    activation.add_routes(app)
    mailbox_pages.add_routes(app)
    add_console(app, settings)  # /console/: support and analysts
    if settings.development and not settings.terms_url_set:
        # The terms' default address, which the terms question links to: a stand-in in
        # development (it was a 404); production requires TERMS_URL (settings.py).
        app.router.add_get(urlsplit(settings.terms_url).path or "/", _development_terms)
    app.router.add_static("/assets/", ASSETS_DIR)
    # The widget's folder belongs to the widget; it may not exist yet in a fresh checkout.
    STATIC_DIR.mkdir(exist_ok=True)
    app.router.add_static("/static/", STATIC_DIR)
    return app
