"""Support's pages: the ticket queue, a ticket with its transcript, notes and status, account
lookup and resending an activation email on the supplier's behalf."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.checks.invitation_codes import mask_code
from bot.registration.accounts import ResendStatus, account_summary, find_account
from bot.registration.accounts import resend_activation as resend
from bot.staff import access_log, ticket_workflow
from bot.staff.access_log import AccessAction
from bot.staff.accounts import Role
from bot.staff.ticket_workflow import TicketStatus
from bot.web.console.auth import PREFIX, SETTINGS_KEY
from bot.web.console.common import (
    PER_PAGE,
    NotFound,
    choice,
    fresh_index,
    in_session,
    notice,
    page,
    page_number,
    pagination,
    posted_form,
    require,
    transcript,
    words,
)

SUPPORT = Role.SUPPORT.value
STATUSES = tuple(status.value for status in TicketStatus)
# A column whose name says it holds a secret is never shown; a code is shown masked.
_SECRET_WORDS = ("password", "hash", "token", "secret")


def _shown_fields(ticket) -> list[tuple[str, object]]:
    shown = []
    for name, value in ticket_workflow.fields(ticket):
        if any(word in name for word in _SECRET_WORDS):
            continue
        if "code" in name and isinstance(value, str):
            value = mask_code(value)
        shown.append((name, value))
    return shown


async def tickets(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    status = choice(request.query.get("status"), STATUSES)
    page_no = page_number(request)
    await fresh_index(request.app)  # the supplier's address comes from the conversation
    rows, total = await in_session(
        request,
        lambda session: ticket_workflow.queue(
            session,
            status=TicketStatus(status) if status else None,
            offset=(page_no - 1) * PER_PAGE,
            limit=PER_PAGE,
        ),
    )
    return page(
        request,
        "tickets.html.jinja",
        words(request)["tickets_title"],
        staff,
        rows=rows,
        current_status=status,
        statuses=STATUSES,
        pages=pagination(request, total, page_no),
    )


def _ticket_or_404(session, reference: str):
    found = ticket_workflow.find(session, reference)
    if found is None:
        raise NotFound()
    return found


async def ticket(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    reference = request.match_info["reference"]

    def load(session):
        found = _ticket_or_404(session, reference)
        history = ticket_workflow.activity(session, found.ticket)
        access_log.record(session, staff.email, AccessAction.TRANSCRIPT, found.reference)
        return found, _shown_fields(found.ticket), history

    found, fields, history = await in_session(request, load)
    return page(
        request,
        "ticket.html.jinja",
        words(request)["ticket_title"].format(reference=found.reference),
        staff,
        found=found,
        fields=fields,
        history=history,
        transcript=await transcript(request, found.ticket.conversation_id),
    )


async def ticket_status(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    reference = request.match_info["reference"]
    back = f"{PREFIX}/tickets/{reference}"
    status = choice((await posted_form(request, back)).get("status"), STATUSES)
    if status is None:
        raise web.HTTPFound(back)

    def save(session):
        found = _ticket_or_404(session, reference)
        ticket_workflow.set_status(session, found.ticket, TicketStatus(status), staff.email)

    await in_session(request, save)
    notice(request, "status_changed", status=words(request)["status_" + status])
    raise web.HTTPFound(back)


async def ticket_note(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    reference = request.match_info["reference"]
    back = f"{PREFIX}/tickets/{reference}"
    note = str((await posted_form(request, back)).get("note", ""))

    def save(session):
        found = _ticket_or_404(session, reference)
        ticket_workflow.add_note(session, found.ticket, staff.email, note)

    await in_session(request, save)
    raise web.HTTPFound(back + "#notes")


async def accounts(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    email = request.query.get("email", "").strip().lower()[:320]

    def load(session):
        summary = account_summary(session, email)
        if summary is not None:
            access_log.record(session, staff.email, AccessAction.ACCOUNT, summary.email)
        return summary

    return page(
        request,
        "accounts.html.jinja",
        words(request)["accounts_title"],
        staff,
        email=email,
        summary=await in_session(request, load) if email else None,
        resend_limit=request.app[SETTINGS_KEY].resend_limit_per_hour,
    )


_RESEND_NOTICES = {
    ResendStatus.SENT: "resend_sent",
    ResendStatus.RATE_LIMITED: "resend_rate_limited",
    ResendStatus.ALREADY_ACTIVE: "resend_already_active",
}


async def resend_activation(request: web.Request) -> web.Response:
    staff = await require(request, SUPPORT)
    form = await posted_form(request, f"{PREFIX}/accounts")
    email = str(form.get("email", "")).strip().lower()[:320]

    def send(session):
        account = find_account(session, email)
        if account is None:
            return ResendStatus.NOT_FOUND
        result = resend(session, account.id)  # the same hourly limit as the assistant's
        if result.status is ResendStatus.SENT:
            access_log.record(session, staff.email, AccessAction.RESEND, account.email)
        return result.status

    status = await in_session(request, send)
    notice(
        request,
        _RESEND_NOTICES.get(status, "resend_not_found"),
        email=email,
        limit=request.app[SETTINGS_KEY].resend_limit_per_hour,
    )
    raise web.HTTPFound(f"{PREFIX}/accounts?" + urlencode({"email": email}))


def add_routes(app: web.Application) -> None:
    """The routes, all under /console/."""
    app.router.add_get(PREFIX + "/tickets", tickets)
    app.router.add_get(PREFIX + "/tickets/{reference}", ticket)
    app.router.add_post(PREFIX + "/tickets/{reference}/status", ticket_status)
    app.router.add_post(PREFIX + "/tickets/{reference}/notes", ticket_note)
    app.router.add_get(PREFIX + "/accounts", accounts)
    app.router.add_post(PREFIX + "/accounts/resend", resend_activation)
