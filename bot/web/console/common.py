"""What every console page shares: the language, the guard of signed-in roles, rendering,
pagination, the conversation index kept fresh, and transcripts."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.orm import Session

from bot import db
from bot.analytics import conversation_index
from bot.analytics.conversations import (
    attach_activation,
    has_events_table,
    iter_conversation_events,
    summarise,
    tracker_engine,
    transcript_record,
)
from bot.checks.language import LANGUAGES
from bot.web.console.auth import (
    SETTINGS_KEY,
    SignedIn,
    csrf_token,
    form_with_valid_csrf,
    session_of,
    sign_in_redirect,
    signed_in,
)
from bot.web.console.texts import CONSOLE_TEXTS
from bot.web.pages import render
from bot.web.texts import preferred_language

log = logging.getLogger(__name__)
T = TypeVar("T")

PER_PAGE = 50
INDEX_STATE = web.AppKey("console_index_state", dict)


class Forbidden(Exception):
    def __init__(self, role: str) -> None:
        self.role = role


class NotFound(Exception):
    pass


def language_of(request: web.Request) -> str:
    chosen = session_of(request).get("lang")
    if chosen in LANGUAGES:
        return chosen
    return preferred_language(request.headers.get("Accept-Language"))


def words(request: web.Request) -> dict[str, str]:
    return CONSOLE_TEXTS[language_of(request)]


async def require(request: web.Request, role: str | None = None) -> SignedIn:
    """The signed-in member of staff; a redirect to sign-in, or Forbidden for another role."""
    staff = await signed_in(request)
    if staff is None:
        raise sign_in_redirect(request)
    if role is not None and staff.role != role:
        raise Forbidden(role)
    return staff


def page(
    request: web.Request,
    template: str,
    title: str,
    staff: SignedIn | None,
    *,
    status: int = 200,
    **values: Any,
) -> web.Response:
    language = language_of(request)
    c = CONSOLE_TEXTS[language]
    raw = session_of(request).pop("notice", None)
    said = None
    if isinstance(raw, str):
        said = c.get(raw)
    elif isinstance(raw, list) and len(raw) == 2 and isinstance(raw[1], dict):
        said = c.get(raw[0], "").format(**raw[1])
    return render(
        request,
        "console/" + template,
        language,
        status=status,
        title=title,
        c=c,
        staff=staff,
        csrf=csrf_token(request),
        notice=said,
        path=request.path,
        path_qs=request.path_qs,
        **values,
    )


async def in_session(request: web.Request, work: Callable[[Session], T]) -> T:
    """``work(session)`` in a worker thread, in one transaction of the accounts database."""
    url = request.app[SETTINGS_KEY].database_url

    def run() -> T:
        with db.session_scope(url) as session:
            return work(session)

    return await asyncio.to_thread(run)


async def posted_form(request: web.Request, back: str):
    """The POSTed form when its CSRF token is the session's; otherwise back to ``back``
    with a message (nothing done)."""
    form = await form_with_valid_csrf(request)
    if form is None:
        notice(request, "csrf_failed")
        raise web.HTTPFound(back)
    return form


def notice(request: web.Request, key: str, **values: object) -> None:
    """A one-line message shown on the next page (after a redirect)."""
    session_of(request)["notice"] = [key, {k: str(v) for k, v in values.items()}]


def page_number(request: web.Request) -> int:
    try:
        return max(1, min(int(request.query.get("page", "1")), 100_000))
    except ValueError:
        return 1


def pagination(request: web.Request, total: int, page_no: int) -> dict:
    pages = max(1, math.ceil(total / PER_PAGE))

    def link(number: int) -> str:
        query = {k: v for k, v in request.query.items() if k != "page" and v}
        query["page"] = str(number)
        return request.path + "?" + urlencode(query)

    return {
        "page": page_no,
        "pages": pages,
        "total": total,
        "previous": link(page_no - 1) if page_no > 1 else None,
        "next": link(page_no + 1) if page_no < pages else None,
    }


def day(text: str | None) -> datetime | None:
    """A YYYY-MM-DD query value as a UTC day, None when absent or not a date."""
    try:
        return datetime.strptime((text or "").strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


async def fresh_index(app: web.Application) -> None:
    """Bring the conversation index up to date before a page reads it: the page shows every
    event stored before it was asked for. Requests that arrive together share runs (one at a
    time; a request skips its own when a run started after it arrived). A failure keeps the
    index as it was and is logged, the page still shows."""
    asked_at = time.monotonic()
    state = app[INDEX_STATE]
    async with state["lock"]:
        if state["started"] >= asked_at:
            return
        started = time.monotonic()
        settings = app[SETTINGS_KEY]
        try:
            await asyncio.to_thread(
                conversation_index.sync,
                settings.tracker_store_url,
                accounts_url=settings.database_url,
            )
        except Exception as error:  # the store may be down: show what the index has
            log.warning("conversation index not updated: %s", error.__class__.__name__)
        state["started"] = started


async def keep_index_fresh(app: web.Application):
    """Background: the index follows the store even when nobody opens the console."""
    app[INDEX_STATE] = {"lock": asyncio.Lock(), "started": float("-inf")}

    async def loop() -> None:
        while True:
            await asyncio.sleep(30)
            await fresh_index(app)

    task = asyncio.create_task(loop())
    yield
    task.cancel()


def _transcript(tracker_url: str, accounts_url: str, conversation_id: str) -> dict | None:
    engine = tracker_engine(tracker_url)
    try:
        if not has_events_table(engine):
            return None
        _, events = next(iter_conversation_events(engine, [conversation_id]))
    finally:
        engine.dispose()
    summary = summarise(conversation_id, events, keep_messages=True)
    if summary is None:
        return None
    attach_activation([summary], accounts_url)
    record = transcript_record(summary)
    record["outcome"], record["step_reached"] = summary.outcome, summary.step
    return record


async def transcript(request: web.Request, conversation_id: str) -> dict | None:
    """The conversation's redacted transcript with what the NLU read at each turn."""
    settings = request.app[SETTINGS_KEY]
    return await asyncio.to_thread(
        _transcript, settings.tracker_store_url, settings.database_url, conversation_id
    )
