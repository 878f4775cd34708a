"""What Rasa sends to the action server: the current turn, not the whole conversation.

Rasa 3.6's ``RemoteAction`` posts, for every custom action call, the tracker with every event
since the conversation began (``EventVerbosity.ALL``: each user message with its full NLU
output, every intent and answer ranking) and the whole domain with every response text. Under
load that was most of the cost of an action call on both sides (docs/performance.md), and it
grows with the conversation.

What the actions read (``grep -n "tracker.events\\|latest_message" actions/``): slot values,
the latest message with its NLU output, the slot events of the current turn (rasa_sdk's
``slots_to_validate``), the latest user message (``action_session_start``) and the last dozen
events (``handoff_reason``). So the action server receives:

- the tracker's state as Rasa builds it (slots, latest message, active loop, latest action...),
  whole;
- its events from the latest user message on, with the :data:`EARLIER_EVENTS` events before it;
  earlier user messages keep their text, intent and entities, not their NLU rankings;
- the domain without its responses (the action server reads the same response files,
  ``actions/server.py``).

The window is cut at the conversation's latest restart, as rasa_sdk reads events anyway. New
behaviour keeps its state in slots (docs/contracts: "slots, not event archaeology").

Installed on import of ``rasa_ext`` (as ``rasa_ext/speedups.py``), which the Rasa server always
loads; tests/actions run every action test on what this module sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

# The events before the latest user message that are sent too: actions/handoff.py reads the
# last 12 events; any new need belongs in a slot.
EARLIER_EVENTS = 20
# Never more than this many events, whatever happened since the latest user message.
MAX_EVENTS = 200
# What an earlier user message keeps of its NLU output.
_KEPT_PARSE_DATA = ("intent", "entities")

_RASA_CALL_FORMAT = RemoteAction._action_call_format


def events_to_send(type_names_from_latest: Iterable[str]) -> int:
    """How many of the latest events to send, from their type names, latest first: those since
    the latest user message and :data:`EARLIER_EVENTS` before it, none before a restart."""
    count, user_seen_at = 0, None
    for count, type_name in enumerate(type_names_from_latest, start=1):
        if type_name == "restart":
            return count
        if type_name == "user" and user_seen_at is None:
            user_seen_at = count
        if (user_seen_at is not None and count >= user_seen_at + EARLIER_EVENTS) or (
            count >= MAX_EVENTS
        ):
            return count
    return count


def slim_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` (dicts, oldest first) with every user message but the latest stripped of its
    NLU rankings. The latest one is whole (it is also the tracker's ``latest_message``)."""
    latest_user = next((i for i in range(len(events) - 1, -1, -1) if _is_user(events[i])), None)
    return [
        _slim_user(event) if _is_user(event) and index != latest_user else event
        for index, event in enumerate(events)
    ]


def _is_user(event: dict[str, Any]) -> bool:
    return event.get("event") == "user"


def _slim_user(event: dict[str, Any]) -> dict[str, Any]:
    parse_data = event.get("parse_data") or {}
    return {**event, "parse_data": {k: parse_data[k] for k in _KEPT_PARSE_DATA if k in parse_data}}


def trim_state(state: dict[str, Any]) -> dict[str, Any]:
    """A tracker state as :func:`action_call` sends it, from a state with every event (dicts).

    The same selection as :func:`action_call`, for callers that hold dicts (the action tests)."""
    events = list(state.get("events") or [])
    keep = events_to_send(event.get("event", "") for event in reversed(events))
    return {**state, "events": slim_events(events[len(events) - keep :] if keep else [])}


def _recent_events(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    keep = events_to_send(event.type_name for event in reversed(tracker.events))
    recent: Iterator = islice(reversed(tracker.events), keep)
    return slim_events([event.as_dict() for event in reversed(list(recent))])


_domain_cache: tuple[Domain, dict[str, Any]] | None = None


def domain_to_send(domain: Domain) -> dict[str, Any]:
    """The domain without its responses, built once per loaded model."""
    global _domain_cache
    if _domain_cache is None or _domain_cache[0] is not domain:
        # A new dict: as_dict() hands out the domain's own data.
        sent = {key: value for key, value in domain.as_dict().items() if key != "responses"}
        _domain_cache = (domain, sent)
    return _domain_cache[1]


def action_call(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    """The body of Rasa's POST to the action server (``RemoteAction._action_call_format``)."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = _recent_events(tracker)
    return {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
        "domain": domain_to_send(domain),
    }


def install() -> None:
    RemoteAction._action_call_format = action_call
