"""The activation page: GET shows a button, POST activates.

Mail scanners and link previews open every link of an email; if GET activated the account,
the scanner would activate it before the supplier ever clicked. So GET only looks at the token
(``inspect_token``) and POST, sent by the button, activates (``activate``).
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot import db
from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.registration.accounts import ActivationResult, ActivationStatus, activate, inspect_token
from bot.web.pages import SETTINGS, message_page, render, request_language
from bot.web.texts import TEXTS

_RESULT_PAGES = {
    # status: (words, HTTP status, tone)
    ActivationStatus.ACTIVATED: ("activated", 200, "success"),
    ActivationStatus.ALREADY_ACTIVE: ("already", 200, "info"),
    ActivationStatus.EXPIRED: ("expired", 410, "error"),
    ActivationStatus.SUPERSEDED: ("superseded", 410, "error"),
    ActivationStatus.UNKNOWN: ("unknown", 404, "error"),
}
# Tokens are 43 characters; bot.registration.accounts ignores anything longer than 200.
MAX_TOKEN_CHARS = 200
_NO_STORE = {"Cache-Control": "no-store"}


def _look_up(database_url: str, token: str, *, commit: bool) -> ActivationResult:
    with db.session_scope(database_url) as session:
        return (activate if commit else inspect_token)(session, token)


async def _result(request: web.Request, token: str, *, commit: bool) -> ActivationResult:
    url = request.app[SETTINGS].database_url
    if not token or len(token) > MAX_TOKEN_CHARS:
        return ActivationResult(ActivationStatus.UNKNOWN)
    return await asyncio.to_thread(_look_up, url, token, commit=commit)


def _language(request: web.Request, result: ActivationResult) -> str:
    # The account's language is the activation email's; an unknown token has no account, so
    # the browser's preference decides.
    if result.status is ActivationStatus.UNKNOWN:
        return request_language(request)
    return result.language if result.language in LANGUAGES else DEFAULT_LANGUAGE


def _result_page(request: web.Request, result: ActivationResult) -> web.Response:
    key, status, tone = _RESULT_PAGES[result.status]
    hours = request.app[SETTINGS].activation_token_hours
    return message_page(
        request, _language(request, result), key, status=status, tone=tone, hours=hours
    )


async def show(request: web.Request) -> web.Response:
    token = request.query.get("token", "").strip()
    result = await _result(request, token, commit=False)
    if result.status is not ActivationStatus.ACTIVATED:  # nothing to press: say why now
        return _result_page(request, result)
    language = _language(request, result)
    return render(
        request,
        "activate.html.jinja",
        language,
        title=TEXTS[language]["activate_title"],
        token=token,
        email=result.email,
        headers=_NO_STORE,
    )


async def submit(request: web.Request) -> web.Response:
    # The page's button posts a plain form; anything else (a multipart without its boundary,
    # JSON, bytes that are not UTF-8) is a bad request, answered as such, never an error.
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPBadRequest()
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest() from None
    token = form.get("token")
    token = token.strip() if isinstance(token, str) else ""
    return _result_page(request, await _result(request, token, commit=True))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/activate", show)
    app.router.add_post("/activate", submit)
