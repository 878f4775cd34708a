"""Rasa's policies read the conversation's past states without replaying the whole session.

Every prediction (three or more per message) makes ``MemoizationPolicy`` and ``RulePolicy`` call
``DialogueStateTracker.past_states``, which replays every event of the session into a fresh
tracker and computes a state before each action (``Domain.states_for_tracker_history``): a cost
that grows with the conversation (py-spy at messages 300-400 of one conversation: 28 % of the
Rasa server's CPU; docs/performance.md).

The states before an action depend only on the events before it. This keeps, per conversation,
the replay where it stopped: the events it has applied (their type and timestamp), the replaying
tracker, the states so far and the two values Rasa's loop carries from one state to the next.
A call whose applied events extend those continues the replay with the new events only; any
other call (a reverted message, a form turn Rasa folds into the previous one, another domain,
other options) replays everything, as Rasa does, and keeps that instead. The loop below is
Rasa 3.6's ``states_for_tracker_history``, step for step.

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
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

# Conversations whose replay is kept (each holds one tracker of its session: tens of kB).
MAX_CONVERSATIONS = 500

_RASA_PAST_STATES = DialogueStateTracker.past_states


@dataclass
class _Replay:
    """Rasa's replay of a session, stopped after the events in ``applied``."""

    tracker: DialogueStateTracker
    applied: list[tuple[type, float]] = field(default_factory=list)
    last_applied: Event | None = None
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


def _continues(replay: _Replay, applied: list[Event]) -> bool:
    done = len(replay.applied)
    if done == 0 or len(applied) < done:
        return done == 0
    if applied[done - 1] is not replay.last_applied and applied[done - 1] != replay.last_applied:
        return False
    return [_signature(event) for event in applied[:done]] == replay.applied


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    if type(self) is not DialogueStateTracker or self.is_rule_tracker:
        return _RASA_PAST_STATES(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    key = _key(self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    applied = self.applied_events()
    with _lock:
        replay = _replays.pop(key, None)
    if replay is None or not _continues(replay, applied):
        replay = _Replay(self.init_copy())
    options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    global replayed_events
    replayed_events += len(applied) - len(replay.applied)
    for event in applied[len(replay.applied) :]:
        if isinstance(event, ActionExecuted):
            _step(replay, domain, event.hide_rule_turn, *options, replay.states)
        replay.tracker.update(event)
        replay.applied.append(_signature(event))
        replay.last_applied = event
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


def install() -> None:
    DialogueStateTracker.past_states = past_states
