"""Sign-in, sign-out, the language switch and the console's home page."""

from __future__ import annotations

from aiohttp import web

from bot.checks.language import LANGUAGES
from bot.staff.accounts import Role, authenticate, end_sessions
from bot.web.console.auth import (
    PREFIX,
    client_address,
    end_session,
    form_with_valid_csrf,
    safe_next,
    session_of,
    signed_in,
    start_session,
)
from bot.web.console.common import in_session, page, words

SIGN_IN_LIMITS = web.AppKey("console_sign_in_limits", object)
MAX_FIELD_CHARS = 320
HOME = {Role.SUPPORT.value: "/tickets", Role.ANALYST.value: "/conversations"}


async def home(request: web.Request) -> web.Response:
    staff = await signed_in(request)
    if staff is None:
        raise web.HTTPFound(PREFIX + "/sign-in")
    raise web.HTTPFound(PREFIX + HOME[staff.role])


def _form(request, *, email: str = "", error: str | None = None, status: int = 200):
    c = words(request)
    return page(
        request,
        "sign_in.html.jinja",
        c["sign_in_title"],
        None,
        status=status,
        email=email,
        error=error,
        next=safe_next(request.query.get("next")),
    )


async def show_sign_in(request: web.Request) -> web.Response:
    if await signed_in(request) is not None:
        raise web.HTTPFound(safe_next(request.query.get("next")))
    return _form(request)


async def sign_in(request: web.Request) -> web.Response:
    c = words(request)
    form = await form_with_valid_csrf(request)
    if form is None:
        return _form(request, error=c["csrf_failed"], status=400)
    email = str(form.get("email", "")).strip().lower()[:MAX_FIELD_CHARS]
    password = str(form.get("password", ""))[:1024]
    address = client_address(request)
    limits = request.app[SIGN_IN_LIMITS]
    wait = limits.blocked_for(email, address)
    if wait:
        minutes = max(1, -(-wait // 60))
        return _form(
            request, email=email, error=c["sign_in_blocked"].format(minutes=minutes), status=429
        )
    account = await in_session(request, lambda session: authenticate(session, email, password))
    if account is None:
        limits.failed(email, address)
        return _form(request, email=email, error=c["sign_in_failed"], status=401)
    start_session(request, account)
    raise web.HTTPFound(safe_next(form.get("next")))


async def sign_out(request: web.Request) -> web.Response:
    staff = await signed_in(request)
    form = await form_with_valid_csrf(request)
    if staff is not None and form is not None:
        # A copied cookie must not outlive the sign-out: the account's epoch moves on.
        await in_session(request, lambda session: end_sessions(session, staff.id))
        end_session(request)
    raise web.HTTPFound(PREFIX + "/sign-in")


async def switch_language(request: web.Request) -> web.Response:
    language = request.match_info["language"]
    if language in LANGUAGES:
        session_of(request)["lang"] = language
    raise web.HTTPFound(safe_next(request.query.get("next")))


def add_routes(app: web.Application) -> None:
    """The routes, all under /console/."""
    app.router.add_get(PREFIX + "/", home)
    app.router.add_get(PREFIX + "/sign-in", show_sign_in)
    app.router.add_post(PREFIX + "/sign-in", sign_in)
    app.router.add_post(PREFIX + "/sign-out", sign_out)
    app.router.add_get(PREFIX + "/language/{language}", switch_language)
