"""The conversations' trackers kept in memory between messages, checked against the database.

Rasa's SQL tracker store rebuilds a conversation's tracker from the database for every message:
it reads every event of the session, decodes each from JSON, and replays them all. The cost
grows with the conversation, and it was the largest share of the Rasa server's CPU (docs/
performance.md). Here the tracker the store last returned for a conversation is kept, and a
message only reads what is new:

1. one query gives the number of the conversation's events in the table and the highest id;
2. the same as the kept tracker's: it is the answer (a copy of it);
3. more events (another replica, or this one, wrote them since; the Redis lock store makes the
   replicas take turns): only those rows are read and applied to the kept tracker, when they
   are exactly the new ones (same count) and none starts a new session;
4. anything else (events deleted, a new session, a conversation not seen yet): the tracker is
   rebuilt from the database as Rasa does, and kept.

So a replica always answers from what the database holds, never from a stale copy, and the
tracker is what the database gives back (redacted), not what this process last had in hand.
Each message costs two small queries and the decoding of its own few events, whatever the
length of the conversation. The kept trackers are bounded (least recently used first out).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redaction import REDACTED

logger = logging.getLogger(__name__)

# The mask as the rows hold it (json.dumps escapes the "é").
_MASKED = json.dumps(REDACTED)[1:-1]


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    count: int  # the conversation's events in the table, all sessions
    last_id: int  # the highest id among them


def fork(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy of ``tracker`` that can be changed without changing it, without replaying its
    events (``tracker.copy()`` replays them all).

    The events themselves are shared: Rasa appends new ones and never changes a logged one.
    Everything else that the events determine is copied. tests/rasa_ext/test_tracker_cache.py
    checks that the copy equals the replayed tracker, attribute by attribute.
    """
    twin = DialogueStateTracker(
        tracker.sender_id,
        None,
        tracker._max_event_history,
        tracker.sender_source,
        tracker.is_rule_tracker,
    )
    twin.events = tracker._create_events(tracker.events)
    twin.slots = {name: _copy_slot(slot) for name, slot in tracker.slots.items()}
    twin._paused = tracker._paused
    twin.followup_action = tracker.followup_action
    twin.latest_action = copy.copy(tracker.latest_action)
    twin.latest_message = tracker.latest_message
    twin.latest_bot_utterance = tracker.latest_bot_utterance
    twin.active_loop = dataclasses.replace(tracker.active_loop) if tracker.active_loop else None
    twin.model_id = tracker.model_id
    twin.assistant_id = tracker.assistant_id
    return twin


def _copy_slot(slot: Any) -> Any:
    twin = copy.copy(slot)
    twin._value = copy.deepcopy(slot._value)  # lists and dicts: the copy's own
    return twin


class TrackerCache:
    """The trackers last read for up to ``size`` conversations, each with what the database
    held then (number of events, highest id)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        # What happened, for tests and the logs: hit, newer (new rows applied), rebuilt.
        self.outcomes: dict[str, int] = {"hit": 0, "newer": 0, "rebuilt": 0}

    def __len__(self) -> int:
        return len(self._kept)

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)

    def retrieve(self, store: Any, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker of ``sender_id`` as ``store`` holds it (the redacting
        store, whose `statements` are used here), or None when it holds no event of this
        conversation."""
        with store.session_scope() as session:
            count, last_id = (
                session.connection()
                .execute(store.statements.totals, {"sender_id": sender_id})
                .one()
            )
            kept = self._kept.pop(sender_id, None)
            if not count:
                return None
            if kept is not None and (kept.count, kept.last_id) == (count, last_id):
                self.outcomes["hit"] += 1
            elif kept is not None:
                kept = self._newer(store, session, sender_id, kept)
            if kept is None:
                kept = self._rebuild(store, session, sender_id)
            if kept is None:
                return None
        self._kept[sender_id] = kept
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return fork(kept.tracker)

    @staticmethod
    def _totals(store: Any, sender_id: str) -> tuple[Any, Any]:
        """The number of the conversation's events and their highest id, as columns of the
        statement that reads rows: the rows and the totals then come from one snapshot."""
        events = store.SQLEvent
        of_sender = events.sender_id == sender_id
        return (
            sa.select(sa.func.count(events.id)).where(of_sender).scalar_subquery(),
            sa.select(sa.func.max(events.id)).where(of_sender).scalar_subquery(),
        )

    def _newer(self, store: Any, session: Any, sender_id: str, kept: _Kept) -> _Kept | None:
        """``kept`` brought up to date with the rows written after it, or None when the table
        changed otherwise (rows deleted, a new session started)."""
        rows = (
            session.connection()
            .execute(store.statements.rows_after, {"sender_id": sender_id, "last_id": kept.last_id})
            .all()
        )
        if not rows or rows[0][2] != kept.count + len(rows):
            return None  # rows were deleted too
        if any(type_name == SessionStarted.type_name for type_name, *_ in rows):
            return None  # the store gives the new session only: rebuilt as Rasa does
        if any(_MASKED in data for _, data, *_ in rows):
            # A secret became known in these rows: the replica that wrote them may have
            # masked it in earlier rows too (rasa_ext/tracker_store.py), which the kept
            # tracker holds as first written. Rare (a password's turn): rebuilt.
            return None
        tracker = kept.tracker
        try:
            for event in deserialise_events([json.loads(data) for _, data, *_ in rows]):
                tracker.update(event)
        except Exception:  # whatever it was, the database has the answer
            logger.exception("kept tracker of %s not updated: rebuilt", sender_id)
            return None
        self.outcomes["newer"] += 1
        return _Kept(tracker, rows[0][2], rows[0][3])

    def _rebuild(self, store: Any, session: Any, sender_id: str) -> _Kept | None:
        """The tracker as Rasa's SQLTrackerStore.retrieve builds it, and what the table held."""
        rows = (
            store._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            .with_entities(store.SQLEvent.data, *self._totals(store, sender_id))
            .all()
        )
        if not rows or store.domain is None:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(data) for data, *_ in rows], store.domain.slots
        )
        self.outcomes["rebuilt"] += 1
        return _Kept(tracker, rows[0][1], rows[0][2])
