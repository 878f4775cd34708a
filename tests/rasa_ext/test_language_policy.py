"""The conversation's language, kept by the rule policy in the Rasa server: requests switch, a
message plainly in the other language gets one offer, another language gets its own answer, the
password is never read for its language. The policy is trained on the project's rules."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot.checks.answers import CONFIDENT
from rasa_ext import language_policy
from rasa_ext.language_policy import LanguageRulePolicy

ROOT = Path(__file__).resolve().parents[2]
FORM = "registration_form"


@pytest.fixture(scope="module")
def trained():
    logging.getLogger("rasa").setLevel(logging.WARNING)
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    domain = importer.get_domain()
    config = next(
        p for p in importer.get_config()["policies"] if p["name"].endswith("LanguageRulePolicy")
    )
    policy = LanguageRulePolicy.create(
        {**LanguageRulePolicy.get_default_config(), **config},
        LocalModelStorage(Path(tempfile.mkdtemp(prefix="language-policy-"))),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(load_data(importer, domain, augmentation_factor=0), domain)
    return policy, domain


def said(text, intent="inform", confidence=0.95, entities=()):
    return UserUttered(
        text,
        {"name": intent, "confidence": confidence},
        list(entities),
        {"text": text, "intent": {"name": intent, "confidence": confidence}},
    )


def conversation(domain, *events, language="fr", form_asks=None):
    """A session on a page in ``language``, then ``events``; ``form_asks``: the registration
    form is asking for that slot."""
    start = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    if language:
        start.insert(1, SlotSet("language", language))
    if form_asks:
        start += [
            said("je voudrais créer mon compte", "start_registration"),
            ActionExecuted(FORM),
            ActiveLoop(FORM),
            SlotSet("requested_slot", form_asks),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events("conv", [*start, *events], domain.slots)


def predict(trained, tracker):
    """(action, events applied first) as Rasa would run them, applied to the tracker."""
    policy, domain = trained
    prediction = policy.predict_action_probabilities(tracker, domain)
    best = prediction.probabilities.index(max(prediction.probabilities))
    action = domain.action_names_or_texts[best]
    events = [*prediction.events, *prediction.optional_events]
    for event in [*events, ActionExecuted(action)]:
        tracker.update(event)
    return action, events


def slot_events(events):
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


# --- requests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "wanted"), [("fr", "en"), ("en", "fr")])
def test_a_request_switches_both_ways_before_the_confirmation(trained, current, wanted):
    tracker = conversation(
        trained[1],
        said("…", "change_language", entities=[{"entity": "language", "value": wanted}]),
        language=current,
    )
    action, events = predict(trained, tracker)
    assert (action, slot_events(events)) == ("utter_language_switched", {"language": wanted})
    # Nothing was under way: what the assistant can do, in the new language, then listen.
    assert predict(trained, tracker)[0] == "utter_what_can_i_do"
    assert predict(trained, tracker)[0] == "action_listen"


@pytest.mark.parametrize(("page", "wanted"), [("fr", "en"), ("en", "fr")])
def test_after_the_other_language_notice_a_switch_asks_what_to_do(trained, page, wanted):
    """ "Ich verstehe kein Französisch. Englisch geht zur Not." got the notice, then "English
    then" got "Sure, I will continue in English." and nothing more (fifth tester m8)."""
    tracker = conversation(
        trained[1],
        said("Ich verstehe kein Französisch, bitte auf Deutsch", "change_language"),
        language=page,
    )
    assert predict(trained, tracker)[0] == "utter_other_language"
    assert predict(trained, tracker)[0] == "action_listen"
    tracker.update(said("…", "change_language", entities=[{"entity": "language", "value": wanted}]))
    assert predict(trained, tracker) == ("utter_language_switched", [SlotSet("language", wanted)])
    assert predict(trained, tracker)[0] == "utter_what_can_i_do"
    assert predict(trained, tracker)[0] == "action_listen"


@pytest.mark.parametrize(("page", "wanted"), [("fr", "en"), ("en", "fr")])
def test_a_switch_after_an_answer_leaves_the_answer_to_go_on_from(trained, page, wanted):
    tracker = conversation(
        trained[1],
        said("où trouver le code d'invitation ?", "faq", 0.97),
        ActionExecuted("action_answer_question"),
        ActionExecuted("action_listen"),
        said("…", "change_language", entities=[{"entity": "language", "value": wanted}]),
        language=page,
    )
    assert predict(trained, tracker)[0] == "utter_language_switched"
    assert predict(trained, tracker)[0] == "action_listen"


@pytest.mark.parametrize(("current", "other"), [("fr", "en"), ("en", "fr"), (None, "en")])
def test_a_request_that_names_no_language_switches_to_the_other_one(trained, current, other):
    tracker = conversation(
        trained[1], said("une autre langue", "change_language"), language=current
    )
    assert predict(trained, tracker) == ("utter_language_switched", [SlotSet("language", other)])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_during_the_form_the_question_is_asked_again_in_the_new_language(trained, language):
    wanted = "en" if language == "fr" else "fr"
    tracker = conversation(
        trained[1],
        said("…", "change_language", entities=[{"entity": "language", "value": wanted}]),
        language=language,
        form_asks="email",
    )
    policy, domain = trained
    # The form runs first and rejects the message (not an answer); the language is set already.
    first = policy.predict_action_probabilities(tracker, domain)
    for event in first.events:
        tracker.update(event)
    tracker.update(ActionExecutionRejected(FORM))
    action, _ = predict(trained, tracker)
    assert (action, tracker.get_slot("language")) == ("utter_language_switched", wanted)
    assert predict(trained, tracker)[0] == FORM


@pytest.mark.parametrize(
    ("confidence", "switched"), [(0.6, False), (CONFIDENT - 0.01, False), (CONFIDENT, True)]
)
def test_at_the_password_question_an_unsure_request_is_the_password(trained, confidence, switched):
    # The form takes the message as the password below the same confidence (test_session.py).
    tracker = conversation(
        trained[1],
        said(
            "Anglais!2024x",
            "change_language",
            confidence,
            entities=[{"entity": "language", "value": "en"}],
        ),
        form_asks="password",
    )
    _, events = predict(trained, tracker)
    assert slot_events(events).get("language") == ("en" if switched else None)


# --- a message plainly in the other language --------------------------------------------------


@pytest.mark.parametrize(
    ("page", "text", "written"),
    [
        ("fr", "where do I find the invitation code?", "en"),
        ("en", "où trouver le code d'invitation ?", "fr"),
    ],
)
def test_a_message_in_the_other_language_is_answered_then_offered_once(
    trained, page, text, written
):
    tracker = conversation(trained[1], said(text, "faq", 0.97), language=page)
    action, events = predict(trained, tracker)
    assert (action, slot_events(events)) == (
        "action_answer_question",
        {"message_language": written},
    )
    assert tracker.get_slot("language") == page  # never a silent switch
    action, events = predict(trained, tracker)
    assert (action, slot_events(events)) == ("utter_offer_language", {"language_offered": True})
    assert predict(trained, tracker)[0] == "action_listen"
    # A second message in that language: answered, not offered again.
    tracker.update(said(text, "faq", 0.97))
    assert predict(trained, tracker) == ("action_answer_question", [])
    assert predict(trained, tracker) == ("action_listen", [])


def test_the_first_message_sets_the_language_when_the_page_did_not(trained):
    tracker = conversation(
        trained[1], said("Hello, I would like some help please", "greet"), language=None
    )
    assert predict(trained, tracker) == ("utter_greet", [SlotSet("language", "en")])
    assert predict(trained, tracker) == ("action_listen", [])


def test_an_answer_in_the_other_language_continues_the_form_then_offers(trained):
    tracker = conversation(
        trained[1],
        said("my name is John Smith", "inform"),
        SlotSet("first_name", "my name is John Smith"),
        form_asks="first_name",
    )
    action, events = predict(trained, tracker)
    assert (action, slot_events(events)) == (FORM, {"message_language": "en"})
    tracker.update(SlotSet("requested_slot", "last_name"))
    assert predict(trained, tracker)[0] == "utter_offer_language"
    assert predict(trained, tracker)[0] == "action_listen"
    assert tracker.active_loop_name == FORM


# --- the platform's other languages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wo finde ich meinen Einladungscode?", "de"),
        ("Ik heb de activeringsmail niet ontvangen", "nl"),
        ("Dove trovo il mio codice di invito?", "it"),
        ("¿Dónde encuentro mi código de invitación?", "es"),
        ("Não recebi o email de ativação", "pt"),
    ],
)
def test_a_message_in_another_language_gets_the_answer_in_that_language(trained, text, language):
    # Whatever the classifier made of it: an FAQ, an unsure guess.
    for intent, confidence in (("faq", 0.9), ("nlu_fallback", 0.7)):
        tracker = conversation(trained[1], said(text, intent, confidence))
        action, events = predict(trained, tracker)
        assert (action, slot_events(events)) == (
            "utter_other_language",
            {"message_language": language},
        )
        assert predict(trained, tracker)[0] == "action_listen"


def test_an_answer_in_another_language_is_not_kept_and_the_question_stays(trained):
    text = "Ich bin der Geschäftsführer der Firma"
    tracker = conversation(
        trained[1], said(text), SlotSet("job_title", text), form_asks="job_title"
    )
    action, events = predict(trained, tracker)
    assert action == "utter_other_language"
    assert slot_events(events) == {"message_language": "de", "job_title": None}
    assert predict(trained, tracker)[0] == "action_listen"
    assert (tracker.active_loop_name, tracker.get_slot("requested_slot")) == (FORM, "job_title")


@pytest.mark.parametrize("name", ["Van den Berg", "Maria Garcia Lopez"])
def test_a_name_that_looks_foreign_is_an_answer(trained, name):
    tracker = conversation(
        trained[1], said(name), SlotSet("last_name", name), form_asks="last_name"
    )
    assert predict(trained, tracker) == (FORM, [])


# --- the password ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "The Old Lighthouse Keeper Sleeps 9!",
        "Ich bin ein Berliner und das ist geheim 7!",
        "je ne parle pas anglais 42!",
    ],
)
def test_the_password_is_never_read_for_its_language(trained, password, monkeypatch):
    read = []
    monkeypatch.setattr(language_policy, "written_in", lambda *a: read.append(a) or "de")
    tracker = conversation(trained[1], said(password, "inform", 0.4), form_asks="password")
    assert predict(trained, tracker) == (FORM, [])
    assert read == []


def test_a_failing_detection_costs_no_answer(trained, monkeypatch):
    def broken(*_):
        raise ZeroDivisionError

    monkeypatch.setattr(language_policy, "written_in", broken)
    tracker = conversation(trained[1], said("where is my invitation code?", "faq", 0.97))
    assert predict(trained, tracker) == ("action_answer_question", [])
