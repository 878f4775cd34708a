"""rasa_ext/past_states.py: the policies get the same states as Rasa computes them, message
after message, while the replay of the session continues instead of starting over."""

from __future__ import annotations

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from rasa_ext import past_states
from tests.conftest import rasa_domain
from tests.factories import ROOT

OPTIONS = [
    dict(omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None),
    dict(omit_unset_slots=True, ignore_rule_only_turns=False, rule_only_data=None),
    dict(
        omit_unset_slots=False,
        ignore_rule_only_turns=True,
        rule_only_data={
            RULE_ONLY_SLOTS: ["feedback_topic", "requested_slot"],
            RULE_ONLY_LOOPS: ["handoff_form"],
        },
    ),
]


@pytest.fixture(scope="module")
def domain():
    return rasa_domain()


@pytest.fixture(autouse=True)
def fresh_cache():
    past_states.forget_all()
    yield
    past_states.forget_all()


def stories(domain) -> list[tuple[str, list]]:
    reader = YAMLStoryReader(domain)
    found = []
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        for step in reader.read_from_file(path):
            found.append((f"{path.stem}: {step.block_name}", list(step.events)))
    return found


def rasa_states(tracker, domain, **options):
    return past_states._RASA_PAST_STATES(tracker, domain, **options)


def featurized(tracker, domain, use_text: bool, rasa: bool, **options):
    """What a policy's featurizer makes of the states (it changes them in place)."""
    featurizer = MaxHistoryTrackerFeaturizer(max_history=None)
    original = DialogueStateTracker.past_states
    if rasa:
        DialogueStateTracker.past_states = past_states._RASA_PAST_STATES
    try:
        return featurizer.prediction_states(
            [tracker],
            domain,
            use_text_for_last_user_input=use_text,
            ignore_rule_only_turns=options["ignore_rule_only_turns"],
            rule_only_data=options["rule_only_data"],
        )[0]
    finally:
        DialogueStateTracker.past_states = original


def test_the_test_stories_are_read(domain):
    assert len(stories(domain)) >= 90


@pytest.mark.parametrize("options", OPTIONS, ids=["plain", "omit-unset", "rule-only-turns"])
def test_each_prediction_of_every_test_story_gets_rasas_states(domain, options):
    """The stories as the Rasa server sees them: one tracker per conversation, growing; the
    states are asked for after each event, twice in a row at times (several policies)."""
    for name, events in stories(domain):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            tracker.update(event)
            expected = rasa_states(tracker, domain, **options)
            assert past_states.past_states(tracker, domain, **options) == expected, name
            if isinstance(event, ActionExecuted):
                assert past_states.past_states(tracker, domain, **options) == expected, name


@pytest.mark.parametrize("use_text", [True, False])
def test_what_the_featurizer_makes_of_them_is_rasas(domain, use_text):
    # The featurizer removes texts and intents in place: each call has its own copy, with
    # Rasa's sharing of sub-states between states.
    options = OPTIONS[2]
    for name, events in stories(domain)[:30]:
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            tracker.update(event)
            ours = featurized(tracker, domain, use_text, rasa=False, **options)
            again = featurized(tracker, domain, use_text, rasa=False, **options)
            assert ours == again == featurized(tracker, domain, use_text, rasa=True, **options)


def test_a_copy_of_the_tracker_continues_the_same_replay(domain):
    """The tracker cache hands out a copy of the conversation for each message: the same
    events, other objects. The replay goes on from where it stopped, except where Rasa folds a
    form's turn into the previous one (the events it replays then start again)."""
    past_states.replayed_events = 0
    rasa_replays = 0
    name, events = stories(domain)[0]
    tracker = DialogueStateTracker(name, domain.slots)
    for event in events:
        tracker.update(event)
        stored = [e.as_dict() for e in tracker.events]
        copy = DialogueStateTracker.from_dict(name, stored, domain.slots)
        assert copy.events[-1] is not tracker.events[-1]
        assert past_states.past_states(copy, domain) == rasa_states(copy, domain)
        rasa_replays += len(copy.applied_events())
    assert past_states.replayed_events < rasa_replays / 4


def test_questions_during_a_form_are_replayed_once(domain):
    """A question answered during the registration (the form comes back on an unhappy path,
    Rasa folds nothing): each event is replayed once, however long the conversation."""
    tracker = DialogueStateTracker("questions", domain.slots)
    start = [
        ActionExecuted("action_listen"),
        UserUttered("je veux créer mon compte", {"name": "start_registration", "confidence": 1}),
        ActionExecuted("registration_form"),
        ActiveLoop("registration_form"),
        SlotSet("requested_slot", "country"),
    ]
    question = [
        ActionExecuted("action_listen"),
        UserUttered("c'est gratuit ?", {"name": "faq", "confidence": 1.0}),
        ActionExecuted("action_answer_question"),
        BotUttered("Oui."),
        ActionExecuted("registration_form"),
        SlotSet("requested_slot", "country"),
    ]
    past_states.replayed_events = 0
    for event in [*start, *question * 50]:
        tracker.update(event)
        assert past_states.past_states(tracker, domain) == rasa_states(tracker, domain)
    # Once, but for the start: the form's name is new when it starts (Rasa reads the loop names
    # of the whole session, so the few events before start over).
    assert past_states.replayed_events <= len(tracker.applied_events()) + len(start)


@pytest.mark.parametrize("options", OPTIONS, ids=["plain", "omit-unset", "rule-only-turns"])
def test_a_reverted_message_and_a_restart_are_replayed_as_rasa_does(domain, options):
    tracker = DialogueStateTracker("reverted", domain.slots)
    turns = [
        ActionExecuted("action_listen"),
        UserUttered("bonjour", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered("blabla", {"name": "nlu_fallback", "confidence": 1.0}),
        ActionExecuted("action_two_stage_fallback"),
        SlotSet("language", "en"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
        UserUttered("c'est gratuit ?", {"name": "faq", "confidence": 1.0}),
        ActionExecuted("action_answer_question"),
        ActionExecuted("action_restart"),
        Restarted(),
        ActionExecuted("action_listen"),
        UserUttered("hello", {"name": "greet", "confidence": 1.0}),
    ]
    for event in turns:
        tracker.update(event)
        expected = rasa_states(tracker, domain, **options)
        assert past_states.past_states(tracker, domain, **options) == expected


@pytest.mark.parametrize("copies", [False, True], ids=["one-tracker", "a-copy-per-event"])
def test_the_applied_events_of_every_test_story_are_rasas(domain, copies):
    for name, events in stories(domain):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            tracker.update(event)
            seen = tracker
            if copies:
                stored = [e.as_dict() for e in tracker.events]
                seen = DialogueStateTracker.from_dict(name, stored, domain.slots)
            expected = past_states._RASA_APPLIED_EVENTS(seen)
            applied = seen.applied_events()
            assert applied == expected, name
            # The tracker's own events, never those of an earlier copy.
            assert all(any(e is mine for mine in seen.events) for e in applied), name


def test_a_redacted_event_is_given_as_stored_now(domain):
    """The tracker store masks a password in rows written earlier: the applied events are the
    tracker's events as loaded now, never a kept copy of the clear text."""
    events = [
        ActionExecuted("action_listen"),
        UserUttered("Secret#2026pass", {"name": "inform", "confidence": 1.0}),
        ActionExecuted("utter_ok"),
    ]
    first = DialogueStateTracker.from_events("redacted", events, slots=domain.slots)
    assert "Secret#2026pass" in repr(past_states.past_states(first, domain))
    stored = [e.as_dict() for e in first.events]
    stored[1]["text"] = "[mot de passe]"
    later = DialogueStateTracker.from_dict("redacted", stored, domain.slots)
    later.update(ActionExecuted("action_listen"))
    texts = [e.text for e in later.applied_events() if isinstance(e, UserUttered)]
    assert texts == ["[mot de passe]"]
    # Nor do the states: the replay of the clear text is not continued.
    states = past_states.past_states(later, domain)
    assert states == rasa_states(later, domain)
    assert "Secret#2026pass" not in repr(states)


def test_training_trackers_are_left_to_rasa(domain):
    from rasa.shared.core.generator import TrackerWithCachedStates

    tracker = TrackerWithCachedStates("training", domain.slots, domain=domain)
    tracker.update(ActionExecuted("action_listen"))
    past_states.past_states(tracker, domain)
    assert past_states._replays == {} and past_states._applied == {}
