"""Helpers to run the custom actions the way the Rasa server calls them.

Rasa sends the action server the tracker as a dict and the domain as a dict: the tests do the
same. ``make_tracker`` builds a tracker with every domain slot present (initial values, then the
given ``slots``) and, for a form validation, the events Rasa appends after the user's message:
one ``slot`` event per value extracted this turn (``extracted``), which is what
``Tracker.slots_to_validate`` reads.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.common import PASSWORD_SET
from actions.server import off_the_loop
from bot import db
from bot.analytics.recorded import RECORDED_SLOTS
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import hash_password
from bot.models import Account, OutboxMail, RegistrationDraft, Ticket
from bot.registration import drafts
from bot.responses import load_domain
from rasa_ext.action_call import trim_state

ROOT = Path(__file__).resolve().parents[2]
SENDER = "conv-1"

ACME = CompanyId("FR", "732829320")  # a valid SIREN (its checksum holds)
ACME_CODE = "ACMEFR0000000001"  # normalised form of "acme-fr00-0000-0001"
OTHER_COMPANY = CompanyId("FR", "542107651")
OTHER_CODE = "BETAFR0000000002"
UK_COMPANY = CompanyId("GB", "00445790")
UK_CODE = "GBCD000000000003"

STRONG_PASSWORD = "Vx9#kq2!Lm-Tz"
STRONG_PASSWORD_HASH = hash_password(STRONG_PASSWORD)  # hashed once for the whole module

# Keys every dispatcher message has; whatever else it holds are the response's variables.
_MESSAGE_KEYS = {
    "text",
    "buttons",
    "elements",
    "custom",
    "template",
    "response",
    "image",
    "attachment",
}
_PLACEHOLDER = re.compile(r"{(\w+)}")


class InAboutAnHour:
    """Equal to a time (seconds since the epoch) an hour from now, give or take two minutes:
    when a locked invitation check can be tried again."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and abs(other - (time.time() + 3600)) < 120

    def __repr__(self) -> str:
        return "<in about an hour>"


IN_AN_HOUR = InAboutAnHour()


def default_slots(domain: dict) -> dict[str, Any]:
    slots = {name: spec.get("initial_value") for name, spec in domain["slots"].items()}
    # Slots Rasa adds to every domain.
    slots.update(requested_slot=None, session_started_metadata=None)
    if slots.get("invitation_failures") is not None:
        slots["invitation_failures"] = float(slots["invitation_failures"])
    return slots


def make_tracker(
    domain: dict,
    *,
    slots: dict[str, Any] | None = None,
    extracted: dict[str, Any] | None = None,
    text: str = "",
    intent: str | None = "inform",
    confidence: float = 0.95,
    entities: list[dict] | None = None,
    active_loop: str | None = "registration_form",
    events_before: list[dict] | None = None,
    sender_id: str = SENDER,
    **latest_message_extra: Any,
) -> Tracker:
    """A tracker as Rasa sends it: the user's latest message, then this turn's slot events."""
    extracted = extracted or {}
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": entities or [],
        **latest_message_extra,
    }
    all_slots = {**default_slots(domain), **(slots or {}), **extracted}
    events = [
        *(events_before or []),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest_message},
        *({"event": "slot", "name": k, "value": v} for k, v in extracted.items()),
    ]
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": all_slots,
            "latest_message": latest_message,
            "events": events,
            "active_loop": {"name": active_loop} if active_loop else {},
            "paused": False,
            "followup_action": None,
            "latest_event_time": None,
            "latest_input_channel": None,
            "latest_action_name": "action_listen",
        }
    )


# Thirty earlier turns of a long conversation, as Rasa stores them: every user message with
# its whole NLU output (rankings included), the bot's answer, the form's slot events.
_RANKING = [{"name": f"faq/question_{i}", "confidence": 0.01} for i in range(30)]
EARLIER_TURNS = [
    event
    for turn in range(30)
    for event in (
        {"event": "action", "name": "action_listen"},
        {
            "event": "user",
            "text": f"question {turn}",
            "parse_data": {
                "text": f"question {turn}",
                "intent": {"name": "faq", "confidence": 0.97},
                "entities": [],
                "intent_ranking": _RANKING,
                "response_selector": {"default": {"ranking": _RANKING}},
            },
        },
        {"event": "action", "name": "utter_faq"},
        {"event": "bot", "text": f"réponse {turn}"},
        {"event": "action", "name": "registration_form"},
        {"event": "slot", "name": "requested_slot", "value": "company_id"},
    )
]


async def run(action: Action, tracker: Tracker, domain: dict) -> tuple[CollectingDispatcher, list]:
    """Run ``action`` as the action server runs it on what Rasa sends it: after thirty earlier
    turns, trimmed to the current turn by rasa_ext/action_call.py, the domain without its
    responses, in a worker thread (actions/server.py). Every action test thereby checks that
    the actions behave the same on the trimmed call."""
    state = tracker.current_state()
    state["events"] = [*EARLIER_TURNS, *state["events"]]
    sent = Tracker.from_dict(trim_state(state))
    if domain.get("responses") is load_domain()["responses"]:
        # The responses of the project's files: the action server has them (a test that
        # rewords a response passes them along, as Rasa did before it trimmed the call).
        domain = {k: v for k, v in domain.items() if k != "responses"}
    dispatcher = CollectingDispatcher()
    events = await off_the_loop(action.run)(dispatcher, sent, domain)
    return dispatcher, events


def said(dispatcher: CollectingDispatcher) -> list[dict]:
    """What the bot said: each response's name and the variables it was given."""
    return [
        {"response": m["response"], **{k: v for k, v in m.items() if k not in _MESSAGE_KEYS}}
        for m in dispatcher.messages
    ]


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


# Counted by the form beside the answers: checked by tests/actions/test_form_refusals.py.
BOOKKEEPING_SLOTS = ("refusals",)


def slot_events(events: list) -> list[tuple[str, Any]]:
    """The SlotSet events of the conversation's answers, in order, as (name, value).

    What the actions record for the report (bot/analytics/recorded.py) is left out here and
    checked by tests/actions/test_recorded_figures.py (``recorded_events``), and so are the
    counts of refused answers (``refusals``).
    """
    return [
        (e["name"], e["value"])
        for e in events
        if e.get("event") == "slot" and e["name"] not in (*RECORDED_SLOTS, *BOOKKEEPING_SLOTS)
    ]


def recorded_events(events: list) -> list[tuple[str, Any]]:
    """The SlotSet events that record a figure for the report, in order, as (name, value)."""
    return [
        (e["name"], e["value"])
        for e in events
        if e.get("event") == "slot" and e["name"] in RECORDED_SLOTS
    ]


def slots_after(tracker: Tracker, events: list) -> dict[str, Any]:
    """Every answer slot of the conversation once Rasa has applied the action's SlotSet events
    (the counts of refused answers included, the figures recorded for the report not)."""
    bookkeeping = [
        (e["name"], e["value"])
        for e in events
        if e.get("event") == "slot" and e["name"] in BOOKKEEPING_SLOTS
    ]
    return {**tracker.slots, **dict(bookkeeping), **dict(slot_events(events))}


def variation(domain: dict, name: str, language: str) -> dict:
    """The variation of response ``name`` that Rasa picks for ``language``."""
    variations = domain["responses"][name]
    for v in variations:
        for condition in v.get("condition") or []:
            if condition.get("name") == "language" and condition.get("value") == language:
                return v
    return next(v for v in variations if not v.get("condition"))


def render(domain: dict, message: dict, tracker: Tracker) -> str:
    """The text the user reads, filled like Rasa does (message variables, then slots)."""
    language = tracker.get_slot("language") or "fr"
    template = variation(domain, message["response"], language)["text"]
    values = {**tracker.slots, **{k: v for k, v in message.items() if k not in _MESSAGE_KEYS}}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if values.get(name) is not None else match.group(0)

    return _PLACEHOLDER.sub(fill, template)


def rendered(domain: dict, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[str]:
    return [render(domain, m, tracker) for m in dispatcher.messages if m["response"]]


# --- database ------------------------------------------------------------------------------


def count(model, *where) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def outbox(kind: str | None = None) -> list[tuple[str, str]]:
    """(kind, to_address) of every mail in the outbox, oldest first."""
    with db.session_scope() as session:
        query = select(OutboxMail).order_by(OutboxMail.id)
        if kind:
            query = query.where(OutboxMail.kind == kind)
        return [(m.kind, m.to_address) for m in session.scalars(query)]


def outbox_bodies() -> list[str]:
    """Subject, text and HTML of every mail in the outbox."""
    with db.session_scope() as session:
        return [
            part
            for m in session.scalars(select(OutboxMail))
            for part in (m.subject, m.text_body, m.html_body)
        ]


def accounts() -> list[Account]:
    with db.session_scope() as session:
        return list(session.scalars(select(Account).order_by(Account.id)))


def tickets() -> list[Ticket]:
    with db.session_scope() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def draft(conversation_id: str = SENDER) -> RegistrationDraft | None:
    with db.session_scope() as session:
        return session.get(RegistrationDraft, conversation_id)


def save_password_hash(conversation_id: str = SENDER, password_hash: str = STRONG_PASSWORD_HASH):
    with db.session_scope() as session:
        drafts.save_password_hash(session, conversation_id, password_hash)


def completed_registration(**changes: Any) -> dict[str, Any]:
    """The slots of a registration form that has every answer and the user's "yes"."""
    slots = {
        "language": "fr",
        "country": "FR",
        "company_id": ACME.value,
        "invitation_code": ACME_CODE,
        "invitation_valid": True,  # set by validate_registration_form once the pair matched
        "email": "jean.dupont@acme.fr",
        "email_suggestion": None,
        "email_confirmed": True,
        "password": PASSWORD_SET,
        "terms_accepted": True,
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone": "+33612345678",
        "job_title": "Comptable",
        "confirmed": True,
    }
    slots.update(changes)
    return slots
