"""Conversations as analysts and support see them, read from the tracker store's events.

The tracker store (Rasa's ``SQLTrackerStore`` schema, redacted at the source by
``rasa_ext/``) keeps one row per event in the table ``events``: ``sender_id`` (the
conversation), ``type_name``, ``timestamp`` (Unix seconds), ``intent_name``, ``action_name``
and ``data`` (the JSON of ``Event.as_dict()``). This module reads that table with SQLAlchemy
Core only (no Rasa import), conversation by conversation and in batches, so that a large store
never has to fit in memory, and turns each conversation into a :class:`ConversationSummary`:
sessions, messages, language, how far the registration went, what went wrong on the way.

Every figure comes from data the conversation recorded under a stable name, never from the
assistant's wording (:mod:`bot.analytics.recorded` names the slots the actions set for it):

- started: the registration form became active, or ``action_start_registration`` ran;
- company identified, invitation valid, account details given, contact details given, account
  created: the step's name in a ``registration_steps`` slot event;
- account activated: the accounts database says the conversation's account is active
  (linked by the registration draft's ``account_pk``, else by ``registered_email``);
- invitation checks: each outcome in an ``invitation_check`` slot event;
- password rules not met: each rule in a ``password_rules_unmet`` slot event;
- answers and their feedback: each ``answered_topic`` event (a topic answered, and whether
  "did this answer help?" followed) and each ``answer_feedback`` event (the topic, yes or no);
  a conversation with an answer is resolved when, after its first answer, the supplier neither
  said the answer did not help nor was handed to a human.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import and_, create_engine, func, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.sql import column, table

from bot.analytics.recorded import (
    ANSWER_FEEDBACK,
    ANSWERED_TOPIC,
    FEEDBACK_ASKED,
    HELPFUL,
    INVITATION_CHECK,
    INVITATION_OUTCOMES,
    NOT_HELPFUL,
    PASSWORD_RULES_UNMET,
    RECORDED_STEPS,
    REGISTRATION_STEPS,
)
from bot.checks.language import LANGUAGES

# "started" is the form's activation, "account_activated" the accounts database's; the steps
# in between are recorded by the actions.
STEPS = ("started", *RECORDED_STEPS, "account_activated")
STEP_LABELS = {
    "none": "not started",
    "started": "registration started",
    "company_identified": "company identified",
    "invitation_valid": "invitation valid",
    "account_details": "account details given",
    "contact_details": "contact details given",
    "account_created": "account created",
    "account_activated": "account activated",
}
OUTCOMES = ("registered", "escalated", "abandoned", "no_registration")

HANDOFF_ACTIONS = {"action_handoff"}
# The actions that answer a message the NLU did not understand (two-stage fallback).
FALLBACK_ACTIONS = {"action_two_stage_fallback", "action_default_fallback"}
FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"
EMAIL_SLOTS = ("email", "registered_email", "new_email")
# Actions that run between a user message and the answer the policies chose.
_BOOKKEEPING_ACTIONS = {"action_extract_slots", "action_listen", "action_session_start"}

EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("intent_name"),
    column("action_name"),
    column("data"),
)


def _utc(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, timezone.utc) if timestamp is not None else None


@dataclass(frozen=True)
class Message:
    """One line of a transcript (already redacted in the store)."""

    at: datetime
    sender: str  # "user" or "bot"
    text: str
    intent: str | None = None  # the NLU's reading of a user message
    response: str | None = None  # the response name of a bot message
    confidence: float | None = None  # the NLU's confidence in ``intent``
    # What the NLU would have chosen below the fallback threshold, or the FAQ topic it chose.
    detail: str | None = None


@dataclass
class ConversationSummary:
    conversation_id: str
    started_at: datetime
    ended_at: datetime
    language: str = "unknown"
    sessions: int = 0
    sessions_with_handoff: int = 0
    user_messages: int = 0
    bot_messages: int = 0
    steps: set[str] = field(default_factory=set)
    invitation_checks: Counter = field(default_factory=Counter)
    password_failures: Counter = field(default_factory=Counter)
    handoffs: int = 0
    not_understood: list[str] = field(default_factory=list)
    # The same messages with what the NLU read (for the analysts' training-data inbox).
    not_understood_messages: list[Message] = field(default_factory=list)
    faq_topics: list[str] = field(default_factory=list)
    # Recorded answers (bot/analytics/recorded.py): per topic, answers given, "did this answer
    # help?" asked, and its answers (topic, "yes" | "no").
    answers: Counter = field(default_factory=Counter)
    feedback_asked: Counter = field(default_factory=Counter)
    feedback: Counter = field(default_factory=Counter)
    # After the first answer: a "no", or a handoff (the answer did not settle it).
    unresolved: bool = False
    response_times: list[float] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)
    registered_email: str | None = None
    messages: list[Message] = field(default_factory=list)

    @property
    def duration_seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def step(self) -> str:
        """The furthest step of the funnel reached ("none" when the registration never began)."""
        reached = [index for index, step in enumerate(STEPS) if step in self.steps]
        return STEPS[max(reached)] if reached else "none"

    def reached(self, step: str) -> bool:
        """Whether the conversation went at least as far as ``step`` (steps are ordered)."""
        current = self.step
        return current != "none" and STEPS.index(current) >= STEPS.index(step)

    @property
    def answered(self) -> bool:
        """The assistant answered at least one question (a recorded answer)."""
        return bool(self.answers)

    @property
    def resolved(self) -> bool:
        """Answered, and after the first answer no "it did not help" and no handoff."""
        return self.answered and not self.unresolved

    @property
    def confirmed_resolved(self) -> bool:
        """Resolved, and the supplier said at least once that an answer helped."""
        return self.resolved and any(verdict == HELPFUL for _, verdict in self.feedback)

    @property
    def outcome(self) -> str:
        """registered, escalated (handed to a human), abandoned, or no_registration."""
        if self.reached("account_created"):
            return "registered"
        if self.handoffs:
            return "escalated"
        if self.reached("started"):
            return "abandoned"
        return "no_registration"


def _faq_key(parse_data: dict) -> str | None:
    selectors = parse_data.get("response_selector") or {}
    # A selector per retrieval intent (config.yml) reports under its name; Rasa's single
    # ResponseSelector for every retrieval intent, under "default".
    selected = selectors.get(FAQ_INTENT) or selectors.get("default") or {}
    key = (selected.get("response") or {}).get("intent_response_key")
    return key if isinstance(key, str) and key.startswith(FAQ_INTENT + "/") else None


def _user_message(at: datetime, text: str, parse_data: dict) -> Message:
    """A user message with what the NLU understood: its intent and confidence, and the FAQ
    topic it chose or, for a fallback, the intent it would have chosen."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    detail = None
    if name == FAQ_INTENT:
        detail = _faq_key(parse_data)
    elif name == FALLBACK_INTENT:
        ranked = [
            r.get("name") for r in parse_data.get("intent_ranking") or [] if isinstance(r, dict)
        ]
        detail = next((n for n in ranked if n and n != FALLBACK_INTENT), None)
    return Message(
        at,
        "user",
        text,
        intent=name,
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        detail=detail,
    )


def summarise(
    conversation_id: str, events: Iterable[dict], *, keep_messages: bool = False
) -> ConversationSummary | None:
    """The summary of one conversation from its events in order (``None`` if it has none)."""
    summary: ConversationSummary | None = None
    action: str | None = None
    pending_reply_at: float | None = None  # a user message still waiting for a bot reply
    pending_intent: str | None = None  # the intent of a message whose answer is not known yet
    pending_text = ""
    pending_message: Message | None = None
    faq_without_key = False
    session_handoff = False
    for event in events:
        kind = event.get("event")
        timestamp = event.get("timestamp")
        if not isinstance(timestamp, (int, float)):
            continue
        at = _utc(timestamp)
        if summary is None:
            summary = ConversationSummary(conversation_id, started_at=at, ended_at=at)
        summary.ended_at = max(summary.ended_at, at)
        if kind == "session_started":
            summary.sessions += 1
            session_handoff = False
        elif kind == "action":
            action = event.get("name")
            if action in _BOOKKEEPING_ACTIONS:
                continue
            if pending_intent is not None:
                if pending_intent == FALLBACK_INTENT and action in FALLBACK_ACTIONS:
                    summary.not_understood.append(pending_text)
                    if pending_message is not None:
                        summary.not_understood_messages.append(pending_message)
                pending_intent = None
            if action in ("action_start_registration", "registration_form"):
                summary.steps.add("started")
            if action in HANDOFF_ACTIONS:
                summary.handoffs += 1
                if summary.answered:
                    summary.unresolved = True
                if not session_handoff:
                    session_handoff = True
                    summary.sessions_with_handoff += 1
        elif kind == "active_loop" and event.get("name") == "registration_form":
            summary.steps.add("started")
        elif kind == "slot":
            _read_slot(summary, event.get("name"), event.get("value"))
        elif kind == "user":
            summary.user_messages += 1
            parse_data = event.get("parse_data") or {}
            intent = (parse_data.get("intent") or {}).get("name")
            pending_reply_at = timestamp
            pending_intent = intent or ""
            pending_text = event.get("text") or ""
            pending_message = _user_message(at, pending_text, parse_data)
            faq_without_key = False
            if intent == FAQ_INTENT:
                key = _faq_key(parse_data)
                if key:
                    summary.faq_topics.append(key)
                else:
                    faq_without_key = True
            if keep_messages:
                summary.messages.append(pending_message)
        elif kind == "bot":
            summary.bot_messages += 1
            if pending_reply_at is not None:
                summary.response_times.append(max(0.0, timestamp - pending_reply_at))
                pending_reply_at = None
            metadata = event.get("metadata") or {}
            response = metadata.get("utter_action") if isinstance(metadata, dict) else None
            text = event.get("text") or ""
            if (
                faq_without_key
                and isinstance(response, str)
                and response.startswith("utter_" + FAQ_INTENT + "/")
            ):
                summary.faq_topics.append(response[len("utter_") :])
                faq_without_key = False
            if keep_messages:
                summary.messages.append(Message(at, "bot", text, response=response))
    if summary is not None and summary.sessions == 0:
        summary.sessions = 1  # a conversation stored before session starts were recorded
        summary.sessions_with_handoff = 1 if summary.handoffs else 0
    return summary


def _names(value: object) -> list[str]:
    """The names a recorded slot holds (a list of strings; anything else records nothing)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _read_slot(summary: ConversationSummary, name: str, value: object) -> None:
    if name == "language" and value in LANGUAGES:
        summary.language = value
    if name in EMAIL_SLOTS and isinstance(value, str) and "@" in value:
        summary.emails.add(value.strip().lower())
    if name == "registered_email" and isinstance(value, str) and value:
        summary.registered_email = value.strip().lower()
    # Recorded by the actions for the report: each event is one record.
    if name == REGISTRATION_STEPS:
        summary.steps.update(s for s in _names(value) if s in RECORDED_STEPS)
    elif name == INVITATION_CHECK:
        summary.invitation_checks.update(o for o in _names(value) if o in INVITATION_OUTCOMES)
    elif name == PASSWORD_RULES_UNMET:
        summary.password_failures.update(_names(value))
    elif name == ANSWERED_TOPIC:
        names = _names(value)
        if names:
            summary.answers[names[0]] += 1
            if FEEDBACK_ASKED in names[1:]:
                summary.feedback_asked[names[0]] += 1
    elif name == ANSWER_FEEDBACK:
        names = _names(value)
        if len(names) == 2 and names[1] in (HELPFUL, NOT_HELPFUL):
            summary.feedback[(names[0], names[1])] += 1
            if names[1] == NOT_HELPFUL and summary.answered:
                summary.unresolved = True


# --- Reading the store ----------------------------------------------------------------------


def tracker_engine(url: str) -> Engine:
    """An engine on the tracker store for reading and for the purge and erase commands.

    Not ``bot.db``'s engine: that one opens every SQLite transaction with BEGIN IMMEDIATE (a
    write lock), which a long report must not hold against the running assistant.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return create_engine(url, future=True, connect_args={"timeout": 30})
    return create_engine(url, future=True, pool_pre_ping=True)


def has_events_table(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def conversation_ids(
    engine: Engine, since: datetime | None = None, until: datetime | None = None
) -> list[str]:
    """Conversations that started in [since, until), oldest first."""
    if not has_events_table(engine):
        return []
    first = func.min(EVENTS.c.timestamp)
    query = select(EVENTS.c.sender_id, first.label("first")).group_by(EVENTS.c.sender_id)
    conditions = []
    if since is not None:
        conditions.append(first >= since.timestamp())
    if until is not None:
        conditions.append(first < until.timestamp())
    if conditions:
        query = query.having(and_(*conditions))
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(first, EVENTS.c.sender_id)).all()
    return [row.sender_id for row in rows]


def iter_conversation_events(
    engine: Engine, ids: list[str], batch_size: int = 200
) -> Iterator[tuple[str, list[dict]]]:
    """(conversation id, its events in order) for each id, reading ``batch_size`` at a time."""
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        grouped: dict[str, list[dict]] = {sender: [] for sender in batch}
        query = (
            select(EVENTS.c.sender_id, EVENTS.c.data)
            .where(EVENTS.c.sender_id.in_(batch))
            .order_by(EVENTS.c.sender_id, EVENTS.c.id)
        )
        with engine.connect() as connection:
            result = connection.execution_options(stream_results=True).execute(query)
            for row in result:
                try:
                    grouped[row.sender_id].append(json.loads(row.data))
                except (TypeError, ValueError):
                    continue  # a damaged row must not stop a report
        for sender in batch:
            yield sender, grouped[sender]


def attach_activation(summaries: list[ConversationSummary], accounts_url: str | None) -> None:
    """Mark the conversations whose account is active in the accounts database."""
    created = [s for s in summaries if s.reached("account_created")]
    if not created:
        return
    from bot.db import session_scope
    from bot.models import Account, RegistrationDraft

    ids = [s.conversation_id for s in created]
    with session_scope(accounts_url) as session:
        drafts = dict(
            session.execute(
                select(RegistrationDraft.conversation_id, RegistrationDraft.account_pk).where(
                    RegistrationDraft.conversation_id.in_(ids)
                )
            ).all()
        )
        pks = [pk for pk in drafts.values() if pk is not None]
        emails = [s.registered_email for s in created if s.registered_email]
        active_pks = set(
            session.scalars(
                select(Account.id).where(Account.id.in_(pks), Account.activated_at.is_not(None))
            ).all()
        )
        active_emails = set(
            session.scalars(
                select(Account.email).where(
                    Account.email.in_(emails), Account.activated_at.is_not(None)
                )
            ).all()
        )
    for summary in created:
        if summary.conversation_id in drafts:
            # The draft knows which account this conversation opened: None when the address
            # already had an account (nothing was created, whatever that account's state).
            active = drafts[summary.conversation_id] in active_pks
        else:
            active = summary.registered_email in active_emails
        if active:
            summary.steps.add("account_activated")


def iter_summaries(
    tracker_url: str,
    *,
    accounts_url: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    language: str | None = None,
    keep_messages: bool = False,
    progress: Callable[[int], Callable[[int], None]] | None = None,
    batch_size: int = 200,
    only: set[str] | None = None,
) -> Iterator[ConversationSummary]:
    """Summaries of the conversations started in [since, until), in ``language`` if given.

    ``progress(total)`` returns a function called with the number of conversations read so
    far (the CLI shows a progress bar with it). ``only`` restricts to these conversations.
    """
    engine = tracker_engine(tracker_url)
    try:
        ids = conversation_ids(engine, since, until)
        if only is not None:
            ids = [sender for sender in ids if sender in only]
        advance = progress(len(ids)) if progress else None
        batch: list[ConversationSummary] = []
        for count, (sender, events) in enumerate(
            iter_conversation_events(engine, ids, batch_size), start=1
        ):
            summary = summarise(sender, events, keep_messages=keep_messages)
            if summary is not None and (language is None or summary.language == language):
                batch.append(summary)
            if advance:
                advance(count)
            if len(batch) >= batch_size:
                attach_activation(batch, accounts_url)
                yield from batch
                batch = []
        attach_activation(batch, accounts_url)
        yield from batch
    finally:
        engine.dispose()


def conversations_for_email(
    tracker_url: str, email: str, accounts_url: str | None = None
) -> set[str]:
    """Every conversation linked to ``email``: its slots, what the user typed, the drafts.

    Used by the transcripts and erase commands. Reads the user and slot events only, in a
    stream.
    """
    from bot.db import session_scope
    from bot.models import Account, RegistrationDraft

    wanted = email.strip().lower()
    found: set[str] = set()
    engine = tracker_engine(tracker_url)
    try:
        if has_events_table(engine):
            query = select(EVENTS.c.sender_id, EVENTS.c.data).where(
                EVENTS.c.type_name.in_(["slot", "user"]),
                func.lower(EVENTS.c.data).contains(wanted),
            )
            with engine.connect() as connection:
                for row in connection.execution_options(stream_results=True).execute(query):
                    if row.sender_id in found:
                        continue
                    try:
                        event = json.loads(row.data)
                    except (TypeError, ValueError):
                        continue
                    value = (
                        event.get("value") if event.get("event") == "slot" else event.get("text")
                    )
                    if isinstance(value, str) and wanted in value.lower():
                        found.add(row.sender_id)
    finally:
        engine.dispose()
    with session_scope(accounts_url) as session:
        account_pk = session.scalar(select(Account.id).where(Account.email == wanted))
        condition = func.lower(RegistrationDraft.submitted_email) == wanted
        if account_pk is not None:
            condition = condition | (RegistrationDraft.account_pk == account_pk)
        found.update(session.scalars(select(RegistrationDraft.conversation_id).where(condition)))
    return found


# --- Transcripts ----------------------------------------------------------------------------


def transcript_record(summary: ConversationSummary) -> dict:
    """A transcript as one JSON object (one line of ``transcripts --format jsonl``)."""
    from bot.privacy.redaction import redact_text

    return {
        "conversation_id": summary.conversation_id,
        "started_at": summary.started_at.isoformat(),
        "ended_at": summary.ended_at.isoformat(),
        "language": summary.language,
        "step_reached": summary.step,
        "outcome": summary.outcome,
        "handoffs": summary.handoffs,
        "messages": [
            {
                "at": message.at.isoformat(),
                "from": message.sender,
                # Redacted at the source; a second pass for rows written before that.
                "text": redact_text(message.text),
                **({"intent": message.intent} if message.intent else {}),
                **({"confidence": message.confidence} if message.confidence is not None else {}),
                **({"understood_detail": message.detail} if message.detail else {}),
                **({"response": message.response} if message.response else {}),
            }
            for message in summary.messages
        ],
    }


def transcript_markdown(summary: ConversationSummary) -> str:
    record = transcript_record(summary)
    lines = [
        f"## Conversation {record['conversation_id']}",
        "",
        f"- started: {summary.started_at:%Y-%m-%d %H:%M:%S} UTC, "
        f"ended: {summary.ended_at:%Y-%m-%d %H:%M:%S} UTC",
        f"- language: {record['language']}",
        f"- step reached: {STEP_LABELS[record['step_reached']]}",
        f"- outcome: {record['outcome']}",
        "",
    ]
    for message in record["messages"]:
        who = "Supplier" if message["from"] == "user" else "Assistant"
        at = message["at"][11:19]
        text = (message["text"] or "(no text)").replace("\n", "\n  > ")
        lines.append(f"- **{who}** ({at}):\n  > {text}")
    return "\n".join(lines) + "\n"
