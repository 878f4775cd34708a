"""Rasa's policies read the conversation's past states without replaying the whole session.

Every prediction (three or more per message) makes ``MemoizationPolicy`` and ``RulePolicy`` call
``DialogueStateTracker.past_states``, which replays every event of the session into a fresh
tracker and computes a state before each action (``Domain.states_for_tracker_history``): a cost
that grows with the conversation (py-spy at messages 300-400 of one conversation: 28 % of the
Rasa server's CPU; docs/performance.md).

``DialogueStateTracker.applied_events`` (the session's events without the reverted ones, a form's
happy-path turns folded into one), which every policy and the replay read several times per
message, walks every event of the session the same way.

The states before an action depend only on the events before it. This keeps, per conversation,
the replay where it stopped: how many applied events it has replayed, the replaying tracker, the
states so far and the two values Rasa's loop carries from one state to the next. A call whose
applied events only grew since (below) continues the replay with the new events; any other call
(a reverted message, a form turn Rasa folds into the previous one, another domain, other
options) replays everything, as Rasa does, and keeps that instead. The loop below is
Rasa 3.6's ``states_for_tracker_history``, step for step.

The applied events are kept the same way, per conversation, as positions in the session's events
(the events themselves are always the tracker's own, as stored: redacted). A tracker whose events
extend the kept ones (the same first event, the same event at the last kept position, every user
message's text as it was: a password masked in earlier rows since starts everything again)
continues from there with Rasa's own loop; a form's folded turn, a reverted message or a restart
changes the kept list other than by adding to it, which the replay of the states sees
(``epoch``) and then starts over. A new loop name, another session or fewer events: everything
again.

Callers change the states they get (``_remove_user_text_if_intent``, ``_choose_last_user_input``
in the featurizer), and Rasa's states share sub-states (a state after a rule's action reuses the
user input of the state before): each call gets its own copy, with the same sharing.
tests/rasa_ext/test_past_states.py compares every prediction's states with Rasa's own, message by
message, on the test stories. Only plain ``DialogueStateTracker`` objects are concerned (training
trackers cache their own states).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Conversations whose replay is kept (each holds one tracker of its session: tens of kB).
MAX_CONVERSATIONS = 500

_RASA_PAST_STATES = DialogueStateTracker.past_states
_RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events


@dataclass
class _Applied:
    """Rasa's applied events of a session, as positions in its events, after ``seen`` events."""

    seen: int
    first: tuple[type, float]
    last: tuple[type, float]
    loop_names: frozenset[str]
    positions: list[int]
    epoch: int  # changes whenever ``positions`` changed other than by adding to its end
    # What each user message said when it was read: the store may mask a password in earlier
    # rows since (rasa_ext/tracker_store.py), and the states hold the messages' text.
    texts: list[tuple[int, str | None]] = field(default_factory=list)


_applied: OrderedDict[str, _Applied] = OrderedDict()
_epochs = iter(range(1, 1 << 62))


@dataclass
class _Replay:
    """Rasa's replay of a session, stopped after the events in ``applied``."""

    tracker: DialogueStateTracker
    epoch: int
    done: int = 0  # applied events replayed
    states: list[State] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


_replays: OrderedDict[tuple, _Replay] = OrderedDict()
_lock = threading.Lock()
# Events replayed since the process started (a measure for the tests and the benchmark).
replayed_events = 0


def _signature(event: Event) -> tuple[type, float]:
    return type(event), event.timestamp


def _step(
    replay: _Replay,
    domain: Domain,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
    states: list[State],
) -> None:
    """One pass of Rasa's loop: the state of ``replay.tracker`` as it is now."""
    tr = replay.tracker
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if replay.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    states.append(domain._clean_state(state))


def _copy(states: list[State]) -> list[State]:
    """The states and their sub-states copied, sub-states shared where they were shared."""
    copies: dict[int, Any] = {}

    def copy_of(sub_state: Any) -> Any:
        if not isinstance(sub_state, dict):
            return sub_state
        key = id(sub_state)
        if key not in copies:
            copies[key] = dict(sub_state)
        return copies[key]

    return [{name: copy_of(sub) for name, sub in state.items()} for state in states]


def _key(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> tuple:
    rule_only = repr(sorted((rule_only_data or {}).items()))
    return (tracker.sender_id, id(domain), omit_unset_slots, ignore_rule_only_turns, rule_only)


class _Positions:
    """The applied events as Rasa's loop helpers read them (from the end, by index)."""

    def __init__(self, events: list[Event], positions: list[int]) -> None:
        self.events, self.positions = events, positions

    def __reversed__(self):
        return (self.events[i] for i in reversed(self.positions))


def _undo_till_previous(kind: type, events: list[Event], positions: list[int]) -> None:
    """Rasa's ``_undo_till_previous`` on positions."""
    while positions:
        event = events[positions.pop()]
        if isinstance(event, kind):
            break


def _undo_till_previous_loop_execution(
    loop: str, events: list[Event], positions: list[int]
) -> None:
    """Rasa's ``_undo_till_previous_loop_execution`` on positions."""
    offset = 0
    for i in reversed(positions[:]):
        event = events[i]
        if isinstance(event, ActionExecuted) and event.action_name == loop:
            break
        if isinstance(event, (ActionExecuted, UserUttered, DefinePrevUserUtteredFeaturization)):
            del positions[-1 - offset]
        else:
            offset += 1


def _loop_names(events: list[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _applied_positions(tracker: DialogueStateTracker) -> _Applied:
    """Rasa 3.6's ``applied_events`` loop, from where it stopped for this conversation."""
    events = list(tracker.events)
    with _lock:
        kept = _applied.pop(tracker.sender_id, None)
    if (
        kept is None
        or not events
        or len(events) < kept.seen
        or _signature(events[0]) != kept.first
        or _signature(events[kept.seen - 1]) != kept.last
        or not _loop_names(events[kept.seen :]) <= kept.loop_names
        or any(events[i].text != text for i, text in kept.texts)
    ):
        # Rasa reads the loop names of the whole session: a new one changes earlier decisions.
        nothing = (type(None), 0.0)
        kept = _Applied(0, nothing, nothing, _loop_names(events), [], next(_epochs))
    loop_names = kept.loop_names
    positions, changed = kept.positions, False
    for i in range(kept.seen, len(events)):
        event = events[i]
        if isinstance(event, (Restarted, SessionStarted)):
            positions.clear()
            changed = True
        elif isinstance(event, ActionReverted):
            _undo_till_previous(ActionExecuted, events, positions)
            changed = True
        elif isinstance(event, UserUtteranceReverted):
            _undo_till_previous(UserUttered, events, positions)
            _undo_till_previous(ActionExecuted, events, positions)
            changed = True
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(
                event.action_name, _Positions(events, positions)
            )
        ):
            _undo_till_previous_loop_execution(event.action_name, events, positions)
            changed = True
        else:
            positions.append(i)
        if isinstance(event, UserUttered):
            kept.texts.append((i, event.text))
    if events:
        kept.first, kept.last, kept.seen = (
            _signature(events[0]),
            _signature(events[-1]),
            len(events),
        )
    if changed:
        kept.epoch = next(_epochs)
    with _lock:
        _applied[tracker.sender_id] = kept
        while len(_applied) > MAX_CONVERSATIONS:
            _applied.popitem(last=False)
    return kept


def _kept_for(tracker: DialogueStateTracker) -> bool:
    return type(tracker) is DialogueStateTracker and not tracker.is_rule_tracker


def applied_events(self: DialogueStateTracker) -> list[Event]:
    if not _kept_for(self):
        return _RASA_APPLIED_EVENTS(self)
    kept = _applied_positions(self)
    events = self.events
    return [events[i] for i in kept.positions]


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    if not _kept_for(self):
        return _RASA_PAST_STATES(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    key = _key(self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    kept = _applied_positions(self)
    events = self.events
    applied = [events[i] for i in kept.positions]
    with _lock:
        replay = _replays.pop(key, None)
    if replay is None or replay.epoch != kept.epoch or replay.done > len(applied):
        replay = _Replay(self.init_copy(), kept.epoch)
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    global replayed_events
    replayed_events += len(applied) - replay.done
    for event in applied[replay.done :]:
        if isinstance(event, ActionExecuted):
            _step(replay, domain, event.hide_rule_turn, *options, replay.states)
        replay.tracker.update(event)
    replay.done = len(applied)
    # The state after the last event: not kept (the next events may change the tracker first),
    # and computed without changing what the loop carries.
    states = list(replay.states)
    carried = replay.last_ml_action_sub_state, replay.turn_was_hidden
    _step(replay, domain, False, *options, states)
    replay.last_ml_action_sub_state, replay.turn_was_hidden = carried
    with _lock:
        _replays[key] = replay
        while len(_replays) > MAX_CONVERSATIONS:
            _replays.popitem(last=False)
    return _copy(states)


def forget_all() -> None:
    """Drop every kept replay (tests)."""
    with _lock:
        _replays.clear()
        _applied.clear()


def install() -> None:
    DialogueStateTracker.past_states = past_states
    DialogueStateTracker.applied_events = applied_events
