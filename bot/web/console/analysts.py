"""Analysts' pages: conversation review, the live report and its CSV, the training-data inbox
and its export, the access log."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.analytics import conversation_index
from bot.analytics.conversations import OUTCOMES, STEPS
from bot.analytics.report import ALL, PERIODS, build_report_from_days, render_csv
from bot.checks.language import LANGUAGES
from bot.staff import access_log, nlu_inbox, reviews
from bot.staff.access_log import AccessAction
from bot.staff.accounts import Role
from bot.staff.nlu_inbox import InboxStatus
from bot.staff.reviews import TAGS, ReviewFilters
from bot.web.console.auth import PREFIX
from bot.web.console.charts import bar_chart
from bot.web.console.common import (
    PER_PAGE,
    NotFound,
    choice,
    day,
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

ANALYST = Role.ANALYST.value
FEEDBACK = ("helpful", "not_helpful", "mixed", "none")
STEP_CHOICES = ("none", *STEPS)
INVITATION_FAILURES = ("mismatch", "expired", "used", "locked")


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _filters(request: web.Request, topics: list[str]) -> ReviewFilters:
    query = request.query
    return ReviewFilters(
        since=day(query.get("since")),
        until=day(query.get("until")),
        language=choice(query.get("language"), LANGUAGES),
        outcome=choice(query.get("outcome"), OUTCOMES),
        step=choice(query.get("step"), STEP_CHOICES),
        topic=choice(query.get("topic"), topics),
        feedback=choice(query.get("feedback"), FEEDBACK),
        fallback=_yes_no(query.get("fallback")),
        reviewed=_yes_no(query.get("reviewed")),
        tag=choice(query.get("tag"), TAGS),
    )


async def conversations(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    page_no = page_number(request)
    await fresh_index(request.app)

    def load(session):
        topics = reviews.topics(session)
        filters = _filters(request, topics)
        offset = (page_no - 1) * PER_PAGE
        return topics, *reviews.review_list(session, filters, offset=offset, limit=PER_PAGE)

    topics, rows, total = await in_session(request, load)
    return page(
        request,
        "conversations.html.jinja",
        words(request)["conversations_title"],
        staff,
        rows=rows,
        query=request.query,
        languages=LANGUAGES,
        outcomes=OUTCOMES,
        steps=STEP_CHOICES,
        topics=topics,
        feedback=FEEDBACK,
        tags=TAGS,
        pages=pagination(request, total, page_no),
    )


def _summary_or_404(session, reference: str):
    summary = reviews.by_reference(session, reference)
    if summary is None:
        raise NotFound()
    return summary


async def conversation(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    reference = request.match_info["reference"]

    def load(session):
        summary = _summary_or_404(session, reference)
        review = reviews.review_of(session, summary.conversation_id)
        access_log.record(session, staff.email, AccessAction.TRANSCRIPT, summary.reference)
        return summary, review

    summary, review = await in_session(request, load)
    record = await transcript(request, summary.conversation_id)
    return page(
        request,
        "conversation.html.jinja",
        words(request)["conversation_title"].format(reference=summary.reference),
        staff,
        summary=summary,
        review_tags=(review.tags.split() if review else []),
        reviewed=bool(review and review.reviewed_at),
        review=review,
        tags=TAGS,
        transcript=record,
    )


async def save_review(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    reference = request.match_info["reference"]
    back = f"{PREFIX}/conversations/{reference}"
    form = await posted_form(request, back)

    def save(session):
        reviews.save_review(
            session,
            _summary_or_404(session, reference).conversation_id,
            tags=[str(tag) for tag in form.getall("tag", [])],
            reviewed=form.get("reviewed") == "yes",
            staff_email=staff.email,
        )

    await in_session(request, save)
    notice(request, "review_saved")
    raise web.HTTPFound(back)


async def message_to_inbox(request: web.Request) -> web.Response:
    await require(request, ANALYST)
    reference = request.match_info["reference"]
    back = f"{PREFIX}/conversations/{reference}"
    form = await posted_form(request, back)
    try:
        position = int(str(form.get("message", "")))
    except ValueError:
        raise web.HTTPFound(back) from None
    summary = await in_session(request, lambda session: _summary_or_404(session, reference))
    conversation_id, language = summary.conversation_id, summary.language
    record = await transcript(request, conversation_id)
    messages = record["messages"] if record else []
    if not 0 <= position < len(messages) or messages[position]["from"] != "user":
        raise web.HTTPFound(back)
    message = messages[position]

    def add(session):
        return nlu_inbox.add_from_review(
            session,
            conversation_id,
            message["text"],
            language,
            understood_as=message.get("intent"),
            confidence=message.get("confidence"),
        )

    if await in_session(request, add):
        notice(request, "sent_to_inbox")
    raise web.HTTPFound(back + f"#message-{position}")


def _report(request: web.Request):
    query = request.query
    since, until = day(query.get("since")), day(query.get("until"))
    language = choice(query.get("language"), LANGUAGES)
    period = choice(query.get("period"), PERIODS) or "week"

    def load(session):
        return conversation_index.day_figures(
            session,
            since=since,
            until=until + timedelta(days=1) if until else None,
            language=language,
        )

    return load, dict(period=period, since=since, until=until, language=language)


async def report(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    await fresh_index(request.app)
    load, options = _report(request)
    built = build_report_from_days(await in_session(request, load), **options)
    total, c = built.total, words(request)
    funnel = [
        (c["step_" + step], total.funnel[step], None if i == 0 else total.drop_off(step))
        for i, step in enumerate(STEPS)
    ]
    outcomes = [(c["outcome_" + name], total.outcomes[name]) for name in OUTCOMES]
    per_period = [
        (period, language, figures)
        for (period, language), figures in sorted(built.groups.items())
        if period != ALL
    ]
    return page(
        request,
        "report.html.jinja",
        c["report_title"],
        staff,
        report=built,
        total=total,
        funnel=funnel,
        funnel_chart=bar_chart([(label, value) for label, value, _ in funnel]),
        outcomes=outcomes,
        outcomes_chart=bar_chart(outcomes),
        invitation_failures=[
            (c["check_" + name], total.invitation_checks[name]) for name in INVITATION_FAILURES
        ],
        password_failures=sorted(total.password_failures.items(), key=lambda i: (-i[1], i[0])),
        topics=sorted(total.faq_topics.items(), key=lambda i: (-i[1], i[0]))[:10],
        not_understood=sorted(total.not_understood.items(), key=lambda i: (-i[1], i[0]))[:10],
        per_period=per_period,
        query=request.query,
        languages=LANGUAGES,
        periods=PERIODS,
        csv_url=PREFIX + "/report.csv?" + request.query_string,
    )


async def report_csv(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    await fresh_index(request.app)
    load, options = _report(request)
    built = build_report_from_days(await in_session(request, load), **options)
    await in_session(
        request,
        lambda session: access_log.record(session, staff.email, AccessAction.EXPORT, "report.csv"),
    )
    return web.Response(
        text=render_csv(built),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="conversations-report.csv"'},
    )


async def inbox(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    status = InboxStatus(
        choice(request.query.get("status"), [s.value for s in InboxStatus]) or "new"
    )
    page_no = page_number(request)
    await fresh_index(request.app)

    rows, total = await in_session(
        request,
        lambda session: nlu_inbox.entries(
            session, status, offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE
        ),
    )
    return page(
        request,
        "inbox.html.jinja",
        words(request)["inbox_title"],
        staff,
        rows=rows,
        current_status=status.value,
        statuses=[s.value for s in InboxStatus],
        intents=nlu_inbox.intent_choices(),
        pages=pagination(request, total, page_no),
    )


async def decide(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    back = f"{PREFIX}/inbox"
    form = await posted_form(request, back)
    try:
        entry_id = int(request.match_info["entry"])
    except ValueError:
        raise NotFound() from None
    intent = str(form.get("intent", "")) if form.get("decision") == "accept" else None
    if intent is not None and intent not in nlu_inbox.intent_choices():
        raise web.HTTPFound(back)

    decided = await in_session(
        request, lambda session: nlu_inbox.decide(session, entry_id, staff.email, intent=intent)
    )
    if decided is None:
        raise NotFound()
    notice(request, "decided")
    raise web.HTTPFound(back)


async def export(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)

    def load(session):
        access_log.record(session, staff.email, AccessAction.EXPORT, "nlu-inbox.yml")
        return nlu_inbox.export_yaml(session)

    exported = await in_session(request, load)
    return web.Response(
        text=exported.yaml,
        content_type="application/yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="nlu-inbox.yml"'},
    )


async def access(request: web.Request) -> web.Response:
    staff = await require(request, ANALYST)
    page_no = page_number(request)

    rows, total = await in_session(
        request,
        lambda session: access_log.recent(session, offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE),
    )
    return page(
        request,
        "access.html.jinja",
        words(request)["access_title"],
        staff,
        rows=rows,
        pages=pagination(request, total, page_no),
    )


def add_routes(app: web.Application) -> None:
    """The routes, all under /console/."""
    app.router.add_get(PREFIX + "/conversations", conversations)
    app.router.add_get(PREFIX + "/conversations/{reference}", conversation)
    app.router.add_post(PREFIX + "/conversations/{reference}/review", save_review)
    app.router.add_post(PREFIX + "/conversations/{reference}/inbox", message_to_inbox)
    app.router.add_get(PREFIX + "/report", report)
    app.router.add_get(PREFIX + "/report.csv", report_csv)
    app.router.add_get(PREFIX + "/inbox", inbox)
    app.router.add_get(PREFIX + "/inbox/export.yml", export)
    app.router.add_post(PREFIX + "/inbox/{entry}", decide)
    app.router.add_get(PREFIX + "/access-log", access)
