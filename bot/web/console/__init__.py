"""The staff console under /console/: support's tickets and account lookup, analysts'
conversation review, live report, training inbox and access log. French first, English.

Routes of the web app under /console/ with their own session cookie; the web app's error
pages and security headers (Content-Security-Policy without inline script or style) apply to
them as to every page.
"""

from __future__ import annotations

from aiohttp import web

from bot.settings import Settings
from bot.staff.sign_in_limits import SignInLimits
from bot.web.console import analysts, sign_in, support
from bot.web.console.auth import (
    PREFIX,
    SETTINGS_KEY,
    STAFF,
    STORAGE,
    session_key,
    session_middleware,
    storage,
)
from bot.web.console.common import Forbidden, NotFound, keep_index_fresh, page, words
from bot.web.console.sign_in import SIGN_IN_LIMITS


@web.middleware
async def console_middleware(request: web.Request, handler) -> web.StreamResponse:
    """The console's session, and its own pages for a wrong role or an unknown item; other
    paths of the web app pass through untouched. (Not an aiohttp sub-application: with
    aiohttp 3.9 and the pinned yarl, resolving a sub-application's prefix fails on any Host
    header with a port.)"""
    if not (request.path + "/").startswith(PREFIX + "/"):
        return await handler(request)
    return await session_middleware(request, _console_pages(handler))


def _console_pages(handler):
    async def pages(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except Forbidden as refused:
            c = words(request)
            return page(
                request,
                "message.html.jinja",
                c["forbidden_title"],
                request.get(STAFF),
                status=403,
                text=c["forbidden_text"].format(role=c["role_" + refused.role]),
            )
        except NotFound:
            c = words(request)
            return page(
                request,
                "message.html.jinja",
                c["not_found_title"],
                request.get(STAFF),
                status=404,
                text=c["not_found_text"],
            )

    return pages


async def _to_console(request: web.Request) -> web.Response:
    raise web.HTTPFound(PREFIX + "/")


def add_console(app: web.Application, settings: Settings) -> None:
    """Add the console's routes, session and index upkeep to the web app."""
    app[SETTINGS_KEY] = settings
    app[STORAGE] = storage(settings, session_key(settings))
    app[SIGN_IN_LIMITS] = SignInLimits(settings)
    app.middlewares.append(console_middleware)
    app.cleanup_ctx.append(keep_index_fresh)
    app.router.add_get(PREFIX, _to_console)
    sign_in.add_routes(app)
    support.add_routes(app)
    analysts.add_routes(app)
