"""The conversation index: what the staff console lists, filters and counts without reading
the tracker store's events on every page.

Kept in the accounts database (``DATABASE_URL``, tables of migration 0007):

- ``conversation_summaries``: one row per conversation (language, outcome, step reached,
  fallbacks, feedback, the supplier's address, ...) and, as JSON, what the report's figures need;
- ``conversation_topics``: the FAQ topics each conversation asked about;
- ``conversation_days``: the report's :class:`~bot.analytics.report.Figures` per day and
  language, rebuilt from that day's summaries whenever one of them changes; the live report
  merges at most a few hundred of these instead of reading every conversation;
- ``nlu_inbox``: each message the assistant did not understand (the training-data inbox).

:func:`sync` brings it up to date: it reads the events added since the last run (by ``id``),
summarises the conversations they belong to with :func:`~bot.analytics.conversations.summarise`
(the same code as ``python -m bot report``: one definition for each figure) and stores the
result. A conversation is summarised again only when its number of events changed. On
PostgreSQL, ids can be committed out of order (a transaction that took id 100 may commit after
one that took 101); each run therefore looks again at the last ``REREAD_MARGIN`` ids, and the
event counts tell which of those conversations really changed. Accounts activated since the
last run update their conversation's funnel (activation is not an event).

``purge`` and ``erase`` (bot/analytics/retention.py) call :func:`refresh` and :func:`forget`
for the conversations they change, so the index never shows what the store no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.analytics.conversations import (
    EVENTS,
    ConversationSummary,
    attach_activation,
    has_events_table,
    iter_conversation_events,
    summarise,
    tracker_engine,
)
from bot.analytics.recorded import HELPFUL, NOT_HELPFUL
from bot.analytics.report import Figures
from bot.db import session_scope, utcnow
from bot.models import (
    Account,
    ConversationDay,
    ConversationIndexState,
    ConversationReview,
    ConversationTopic,
    NluInboxEntry,
    RegistrationDraft,
)
from bot.models import ConversationSummary as SummaryRow
from bot.privacy.redaction import REDACTED, redact_text

EVENT_WINDOW = 50_000  # event ids read per round
REREAD_MARGIN = 2_000  # ids looked at again on every run (out-of-order commits)
_CHUNK = 500  # ids per IN (...) clause


def reference_of(conversation_id: str) -> str:
    """The conversation's reference in the console: stable, short, and not the sender id
    (which, in a deployment whose widget chooses it, would let its holder write to the
    conversation)."""
    return "C-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:14].upper()


@dataclass
class SyncResult:
    events_read: int = 0
    conversations: int = 0  # summarised again
    removed: int = 0
    last_event_id: int = 0


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[dialect]


def _feedback(feedback: Counter) -> str | None:
    """The console's filter value: "helpful", "not_helpful", "mixed" or None (never asked)."""
    said = {
        {HELPFUL: "helpful", NOT_HELPFUL: "not_helpful"}[value]
        for _topic, value in feedback
        if value in (HELPFUL, NOT_HELPFUL)
    }
    if not said:
        return None
    return said.pop() if len(said) == 1 else "mixed"


def _details(summary: ConversationSummary) -> str:
    """What :meth:`Figures.add` reads beyond the row's own columns."""
    return json.dumps(
        {
            "sessions": summary.sessions,
            "sessions_with_handoff": summary.sessions_with_handoff,
            "steps": sorted(summary.steps),
            "invitation_checks": dict(summary.invitation_checks),
            "password_failures": dict(summary.password_failures),
            "not_understood": summary.not_understood,
            "faq_topics": summary.faq_topics,
            "response_times": [round(t, 3) for t in summary.response_times],
            "bot_messages": summary.bot_messages,
            "answers": dict(summary.answers),
            "feedback_asked": dict(summary.feedback_asked),
            "feedback": [[topic, said, n] for (topic, said), n in summary.feedback.items()],
            "unresolved": summary.unresolved,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def summary_from_row(row: SummaryRow) -> ConversationSummary:
    """The :class:`ConversationSummary` a row was made from (without its messages)."""
    details = json.loads(row.details)
    return ConversationSummary(
        row.conversation_id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        language=row.language,
        sessions=details["sessions"],
        sessions_with_handoff=details["sessions_with_handoff"],
        user_messages=row.user_messages,
        bot_messages=details.get("bot_messages", 0),
        steps=set(details["steps"]),
        invitation_checks=Counter(details["invitation_checks"]),
        password_failures=Counter(details["password_failures"]),
        handoffs=row.handoffs,
        not_understood=list(details["not_understood"]),
        faq_topics=list(details["faq_topics"]),
        response_times=list(details["response_times"]),
        answers=Counter(details.get("answers", {})),
        feedback_asked=Counter(details.get("feedback_asked", {})),
        feedback=Counter({(topic, said): n for topic, said, n in details.get("feedback", [])}),
        unresolved=details.get("unresolved", False),
    )


def _email(summary: ConversationSummary) -> str | None:
    if summary.registered_email:
        return summary.registered_email
    return min(summary.emails) if summary.emails else None


def _row(summary: ConversationSummary, event_count: int) -> dict:
    return {
        "conversation_id": summary.conversation_id,
        "reference": reference_of(summary.conversation_id),
        "started_at": summary.started_at,
        "ended_at": summary.ended_at,
        "day": summary.started_at.date().isoformat(),
        "language": summary.language,
        "outcome": summary.outcome,
        "step": summary.step,
        "user_messages": summary.user_messages,
        "fallbacks": len(summary.not_understood),
        "handoffs": summary.handoffs,
        "feedback": _feedback(summary.feedback),
        "email": _email(summary),
        "event_count": event_count,
        "details": _details(summary),
    }


def _inbox_rows(summary: ConversationSummary, now: datetime) -> list[dict]:
    rows, seen = [], set()
    for message in summary.not_understood_messages:
        # Stored redacted; a second pass for rows written before the redacting store. A
        # message that was masked (a password answer) never enters the inbox.
        text = " ".join(redact_text(message.text).split())[:1000]
        if not text or REDACTED in text or text in seen:
            continue
        seen.add(text)
        rows.append(
            {
                "conversation_id": summary.conversation_id,
                "text": text,
                "language": summary.language,
                "source": "fallback",
                "understood_as": message.detail,
                "confidence": message.confidence,
                "status": "new",
                "created_at": now,
            }
        )
    return rows


def _store(session: Session, summaries: list[tuple[ConversationSummary, int]]) -> set:
    """Upsert the summaries, their topics and inbox entries; the (day, language) touched."""
    insert = _insert(session)
    ids = [summary.conversation_id for summary, _ in summaries]
    touched = set(
        session.execute(
            select(SummaryRow.day, SummaryRow.language).where(SummaryRow.conversation_id.in_(ids))
        ).all()
    )
    rows = [_row(summary, count) for summary, count in summaries]
    statement = insert(SummaryRow)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["conversation_id"],
            set_={
                name: statement.excluded[name]
                for name in rows[0]
                if name not in ("conversation_id", "reference")
            },
        ),
        rows,
    )
    touched.update((row["day"], row["language"]) for row in rows)
    session.execute(delete(ConversationTopic).where(ConversationTopic.conversation_id.in_(ids)))
    topics = [
        {"conversation_id": summary.conversation_id, "topic": topic}
        for summary, _ in summaries
        for topic in sorted(set(summary.faq_topics))
    ]
    if topics:
        session.execute(insert(ConversationTopic), topics)
    now = utcnow()
    inbox = [row for summary, _ in summaries for row in _inbox_rows(summary, now)]
    if inbox:
        session.execute(
            insert(NluInboxEntry).on_conflict_do_nothing(
                index_elements=["conversation_id", "text"]
            ),
            inbox,
        )
    return touched


def rebuild_days(session: Session, days: Iterable[tuple[str, str]]) -> None:
    """Recompute the report's figures of these (day, language) from their summaries."""
    insert = _insert(session)
    for day, language in sorted(set(days)):
        figures = Figures()
        rows = session.scalars(
            select(SummaryRow).where(SummaryRow.day == day, SummaryRow.language == language)
        )
        for row in rows:
            figures.add(summary_from_row(row))
        if not figures.conversations:
            session.execute(
                delete(ConversationDay).where(
                    ConversationDay.day == day, ConversationDay.language == language
                )
            )
            continue
        statement = insert(ConversationDay).values(
            day=day, language=language, figures=figures.to_json()
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["day", "language"], set_={"figures": statement.excluded.figures}
            )
        )


def _event_counts(engine: Engine, ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for chunk in _chunks(ids):
            counts.update(
                connection.execute(
                    select(EVENTS.c.sender_id, func.count())
                    .where(EVENTS.c.sender_id.in_(chunk))
                    .group_by(EVENTS.c.sender_id)
                ).all()
            )
    return counts


def _summaries(
    engine: Engine, ids: list[str], counts: dict[str, int], accounts_url: str | None
) -> tuple[list[tuple[ConversationSummary, int]], list[str]]:
    """(summary, event count) of each conversation that has events; the ids that have none."""
    found: list[ConversationSummary] = []
    gone: list[str] = []
    for sender, events in iter_conversation_events(engine, ids):
        summary = summarise(sender, events)
        if summary is None:
            gone.append(sender)
        else:
            found.append(summary)
    # Its own session: opened before ours, it must not wait for our write lock (SQLite).
    attach_activation(found, accounts_url)
    return [(s, counts.get(s.conversation_id, 0)) for s in found], gone


def _remove(session: Session, ids: list[str]) -> set:
    """Delete these conversations' rows; the (day, language) whose figures change."""
    touched: set = set()
    for chunk in _chunks(ids):
        touched.update(
            session.execute(
                select(SummaryRow.day, SummaryRow.language).where(
                    SummaryRow.conversation_id.in_(chunk)
                )
            ).all()
        )
        for model in (SummaryRow, ConversationTopic, ConversationReview, NluInboxEntry):
            session.execute(delete(model).where(model.conversation_id.in_(chunk)))
    return touched


def refresh(
    tracker_url: str,
    ids: Iterable[str],
    *,
    accounts_url: str | None = None,
    engine: Engine | None = None,
) -> SyncResult:
    """Summarise these conversations again (or remove them when they have no event left)."""
    ids = sorted(set(ids))
    result = SyncResult()
    if not ids:
        return result
    own_engine = engine is None
    engine = engine or tracker_engine(tracker_url)
    try:
        for chunk in _chunks(ids):
            counts = _event_counts(engine, chunk) if has_events_table(engine) else {}
            present = [sender for sender in chunk if counts.get(sender)]
            summaries, gone = _summaries(engine, present, counts, accounts_url)
            gone += [sender for sender in chunk if not counts.get(sender)]
            with session_scope(accounts_url) as session:
                touched = _store(session, summaries) if summaries else set()
                touched |= _remove(session, gone) if gone else set()
                rebuild_days(session, touched)
            result.conversations += len(summaries)
            result.removed += len(gone)
    finally:
        if own_engine:
            engine.dispose()
    return result


def forget(ids: Iterable[str], *, accounts_url: str | None = None) -> None:
    """Remove these conversations from the index (erased: their events are gone)."""
    ids = sorted(set(ids))
    if not ids:
        return
    with session_scope(accounts_url) as session:
        rebuild_days(session, _remove(session, ids))


def _state(session: Session) -> ConversationIndexState:
    state = session.get(ConversationIndexState, 1)
    if state is None:
        state = ConversationIndexState(id=1, last_event_id=0, updated_at=utcnow())
        session.add(state)
        session.flush()
    return state


def _activated_conversations(session: Session, since: datetime) -> list[str]:
    """Conversations whose account was activated after ``since``."""
    activated = select(Account.id, Account.email).where(Account.activated_at > since)
    accounts = session.execute(activated).all()
    if not accounts:
        return []
    ids: set[str] = set()
    for chunk in _chunks(accounts):
        pks = [pk for pk, _ in chunk]
        emails = [email for _, email in chunk]
        ids.update(
            session.scalars(
                select(RegistrationDraft.conversation_id).where(
                    RegistrationDraft.account_pk.in_(pks)
                )
            )
        )
        ids.update(
            session.scalars(
                select(SummaryRow.conversation_id).where(
                    SummaryRow.email.in_(emails), SummaryRow.step == "account_created"
                )
            )
        )
    known = set(
        session.scalars(
            select(SummaryRow.conversation_id).where(
                SummaryRow.conversation_id.in_(list(ids)),
                or_(SummaryRow.step == "account_created", SummaryRow.step == "account_activated"),
            )
        )
    )
    return sorted(known)


def sync(
    tracker_url: str, *, accounts_url: str | None = None, max_rounds: int | None = None
) -> SyncResult:
    """Bring the index up to date with the tracker store (see the module's docstring)."""
    result = SyncResult()
    engine = tracker_engine(tracker_url)
    try:
        if not has_events_table(engine):
            return result
        started = utcnow()
        with session_scope(accounts_url) as session:
            state = _state(session)
            last, checked_at = state.last_event_id, state.activations_checked_at
        lower = max(0, last - REREAD_MARGIN)
        rounds = 0
        while max_rounds is None or rounds < max_rounds:
            with engine.connect() as connection:
                top = connection.scalar(select(func.max(EVENTS.c.id))) or 0
                if top <= lower:
                    break
                upper = min(top, max(last, lower) + EVENT_WINDOW)
                window = (EVENTS.c.id > lower) & (EVENTS.c.id <= upper)
                result.events_read += connection.scalar(select(func.count()).where(window))
                senders = list(
                    connection.scalars(select(EVENTS.c.sender_id).where(window).distinct())
                )
            counts = _event_counts(engine, senders)
            with session_scope(accounts_url) as session:
                stored = _stored_counts(session, senders)
            changed = [s for s in senders if counts.get(s, 0) != stored.get(s)]
            step = refresh(tracker_url, changed, accounts_url=accounts_url, engine=engine)
            result.conversations += step.conversations
            result.removed += step.removed
            last = max(last, upper)
            lower = upper
            with session_scope(accounts_url) as session:
                state = _state(session)
                state.last_event_id = max(state.last_event_id, last)
                state.updated_at = utcnow()
            rounds += 1
        # Activation happens in the accounts database, not in the conversation. The first run
        # summarised every conversation with its account's state already.
        if checked_at is not None:
            with session_scope(accounts_url) as session:
                activated = _activated_conversations(session, checked_at)
            step = refresh(tracker_url, activated, accounts_url=accounts_url, engine=engine)
            result.conversations += step.conversations
        with session_scope(accounts_url) as session:
            _state(session).activations_checked_at = started
        result.last_event_id = last
    finally:
        engine.dispose()
    return result


def _stored_counts(session: Session, senders: list[str]) -> dict[str, int]:
    stored: dict[str, int] = {}
    for chunk in _chunks(senders):
        stored.update(
            session.execute(
                select(SummaryRow.conversation_id, SummaryRow.event_count).where(
                    SummaryRow.conversation_id.in_(chunk)
                )
            ).all()
        )
    return stored


def day_figures(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
) -> list[tuple[datetime, str, Figures]]:
    """The stored figures of each day in [since, until) (and language), for
    :func:`~bot.analytics.report.build_report_from_days`."""
    query = select(ConversationDay)
    if since is not None:
        query = query.where(ConversationDay.day >= since.date().isoformat())
    if until is not None:
        query = query.where(ConversationDay.day < until.date().isoformat())
    if language is not None:
        query = query.where(ConversationDay.language == language)
    days = []
    for row in session.scalars(query.order_by(ConversationDay.day, ConversationDay.language)):
        day = datetime.fromisoformat(row.day).replace(tzinfo=timezone.utc)
        days.append((day, row.language, Figures.from_json(row.figures)))
    return days
