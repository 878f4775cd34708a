"""The domain (domain.yml, data/responses/) and the actions agree: names, languages, buttons,
unused responses, not_intent."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action

import actions.activation
import actions.answers
import actions.fallback
import actions.handoff
import actions.registration
import actions.registration_form
import actions.session
from actions.common import REGISTRATION_SLOTS
from bot.checks.answers import NOT_AN_ANSWER
from bot.checks.passwords import PasswordRule
from bot.responses import load_domain
from rasa_ext.language_policy import IN_THE_MESSAGE_LANGUAGE, UTTERED
from tests.actions.helpers import ROOT
from tests.conftest import rasa_domain

DOMAIN = load_domain()
RESPONSES: dict[str, list[dict]] = DOMAIN["responses"]
ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]
PLACEHOLDER = re.compile(r"{(\w+)}")

# Response families the actions name by prefix (f"utter_password_rule_{rule.value}",
# "utter_label_" + intent, "utter_" + the answer's key for utter_faq/* and utter_chitchat/*):
# their members are checked against what fills the prefix.
DYNAMIC_PREFIXES = ("utter_password_rule_", "utter_label_", "utter_faq", "utter_chitchat")
RETRIEVAL_INTENTS = {"faq", "chitchat"}
# Responses Rasa's own default actions utter (two-stage fallback).
RASA_DEFAULT_RESPONSES = {"utter_ask_rephrase", "utter_default"}
# Responses the language policy utters (rasa_ext/language_policy.py), written in the language of
# the supplier's message (slot message_language), not in the conversation's.
MESSAGE_LANGUAGE_RESPONSES = set(IN_THE_MESSAGE_LANGUAGE)


def action_sources() -> dict[Path, ast.Module]:
    """The actions' code, and what decides for them in bot/ what they say."""
    paths = [*(ROOT / "actions").glob("*.py"), ROOT / "bot" / "registration_start.py"]
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in paths}


def responses_named_in_actions() -> set[str]:
    """Every complete response name written in actions/*.py (prefixes excluded)."""
    names = set()
    for tree in action_sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"utter_\w+(/\w+)?", node.value) and not node.value.endswith("_"):
                    names.add(node.value)
    return names


def story_and_rule_actions() -> set[str]:
    names = set()
    for folder in ("rules", "stories"):
        for path in (ROOT / "data" / folder).glob("*.yml"):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for item in content.get("rules", []) + content.get("stories", []):
                for step in item.get("steps", []):
                    if "action" in step:
                        names.add(step["action"])
    return names


def unused_in_stories() -> list[str]:
    """What `rasa data validate` reports as "not used in any story or rule"."""
    used = story_and_rule_actions()
    return sorted({name.split("/")[0] for name in RESPONSES} - used)


def form_questions() -> set[str]:
    return {
        f"utter_ask_{slot}"
        for form in DOMAIN["forms"].values()
        for slot in form.get("required_slots", [])
    }


def variations(name: str) -> tuple[list[dict], list[dict]]:
    french = [v for v in RESPONSES[name] if not v.get("condition")]
    english = [v for v in RESPONSES[name] if v.get("condition") == ENGLISH]
    return french, english


def placeholders(v: dict) -> set[str]:
    texts = [v.get("text", "")] + [b["title"] for b in v.get("buttons", [])]
    return {p for text in texts for p in PLACEHOLDER.findall(text)}


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(responses_named_in_actions()))
def test_response_named_in_the_actions_exists(name):
    assert name in RESPONSES


def test_the_check_sees_the_responses_of_the_actions():
    named = responses_named_in_actions()
    assert {"utter_invitation_mismatch", "utter_not_given", "utter_something_else"} <= named


def implemented_actions() -> dict[str, type]:
    modules = [
        actions.activation,
        actions.answers,
        actions.fallback,
        actions.handoff,
        actions.registration,
        actions.registration_form,
        actions.session,
    ]
    found = {}
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__:
                found[cls().name()] = cls
    return found


def test_every_custom_action_is_declared_in_the_domain_and_the_other_way_round():
    assert sorted(implemented_actions()) == sorted(DOMAIN["actions"])


# --- languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(RESPONSES) - MESSAGE_LANGUAGE_RESPONSES))
def test_response_has_one_french_and_one_english_variation(name):
    french, english = variations(name)

    assert (len(french), len(english), len(RESPONSES[name])) == (1, 1, 2)
    assert french[0].get("text") and english[0].get("text")
    assert len(french[0].get("buttons", [])) == len(english[0].get("buttons", []))
    assert placeholders(french[0]) == placeholders(english[0])
    # A custom payload is the same in both languages, except its `language`, which names the
    # variation's own (the widget answers the password question in that language).
    french_custom, english_custom = (
        dict(french[0].get("custom") or {}),
        dict(english[0].get("custom") or {}),
    )
    assert (french_custom.pop("language", "fr"), english_custom.pop("language", "en")) == (
        "fr",
        "en",
    )
    assert french_custom == english_custom


@pytest.mark.parametrize(
    "name",
    sorted(
        n for n in RESPONSES if "buttons" in RESPONSES[n][0] and n not in MESSAGE_LANGUAGE_RESPONSES
    ),
)
def test_intent_buttons_do_the_same_in_both_languages(name):
    french, english = variations(name)
    intents = [b["payload"] for b in french[0]["buttons"] if b["payload"].startswith("/")]
    english_intents = [b["payload"] for b in english[0]["buttons"] if b["payload"].startswith("/")]

    assert intents == english_intents


# --- unused responses --------------------------------------------------------------------------


@pytest.mark.parametrize("name", unused_in_stories())
def test_response_unused_in_stories_is_used_elsewhere(name):
    named = responses_named_in_actions()
    dynamic = any(name.startswith(prefix) for prefix in DYNAMIC_PREFIXES)

    used = name in named or dynamic or name in form_questions()
    # UTTERED: what the language policy says itself
    assert used or name in RASA_DEFAULT_RESPONSES | set(UTTERED), (
        f"{name} is used by nothing: dead response"
    )


@pytest.mark.parametrize("name", sorted(MESSAGE_LANGUAGE_RESPONSES))
def test_language_policy_responses_have_a_variation_per_message_language(name):
    languages = {
        condition["value"]
        for variation in RESPONSES[name]
        for condition in variation.get("condition") or []
        if condition["name"] == "message_language"
    }
    unconditioned = [v for v in RESPONSES[name] if not v.get("condition")]
    expected = {"en"} if name == "utter_offer_language" else {"de", "nl", "it", "es", "pt"}
    assert languages == expected and len(unconditioned) == 1
    # The same two buttons in every wording: continue in French, continue in English (braces
    # doubled: Rasa fills the payload as a text, and "{{" gives "{").
    payloads = {tuple(sorted(b["payload"] for b in v["buttons"])) for v in RESPONSES[name]}
    assert payloads == {
        ('/change_language{{"language": "en"}}', '/change_language{{"language": "fr"}}')
    }


@pytest.mark.parametrize("name", ["utter_already_registered", "utter_password_accepted"])
def test_removed_dead_responses_stay_removed(name):
    # A second registration in the same conversation is legitimate and an accepted password is
    # not acknowledged: nothing would utter them.
    assert name not in RESPONSES
    assert name not in responses_named_in_actions()
    assert name not in story_and_rule_actions()


def test_password_rule_responses_match_the_rules():
    rule_responses = {n for n in RESPONSES if n.startswith("utter_password_rule_")}

    assert rule_responses == {f"utter_password_rule_{rule.value}" for rule in PasswordRule}


def test_every_label_names_something_the_user_can_ask():
    retrieval_keys = {n.removeprefix("utter_").replace("/", "_") for n in RESPONSES if "/" in n}
    suggestible = set(DOMAIN["intents"]) - actions.fallback.NOT_SUGGESTED
    labels = {n.removeprefix("utter_label_") for n in RESPONSES if n.startswith("utter_label_")}

    assert labels - retrieval_keys - suggestible == set()


def test_every_action_intent_that_can_be_suggested_has_a_label():
    suggestible = set(DOMAIN["intents"]) - actions.fallback.NOT_SUGGESTED
    suggestible -= RETRIEVAL_INTENTS
    labels = {n.removeprefix("utter_label_") for n in RESPONSES if n.startswith("utter_label_")}

    assert suggestible - labels == set()


def test_every_faq_topic_the_nlu_can_choose_can_be_offered_as_a_button():
    """The "not sure" reply offers the closest topics that have a label: a topic without one is
    never offered, however close (a new topic's label was once forgotten)."""
    nlu = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))
    topics = {item["intent"] for item in nlu["nlu"] if item.get("intent", "").startswith("faq/")}
    labelled = {
        n.removeprefix("utter_label_").replace("faq_", "faq/", 1)
        for n in RESPONSES
        if n.startswith("utter_label_faq_")
    }

    assert topics and topics - labelled == set()


# --- not_intent --------------------------------------------------------------------------------


# The handoff's contact question takes any answer (actions/handoff.py explains one without an
# address, then opens the ticket without it): only a refusal ("-": no address) or the request
# withdrawn ("!": no ticket) is not an answer there.
ANY_ANSWER_SLOTS = {
    "handoff_contact": {"-": {"deny", "skip"}, "!": {"cancel", "start_registration"}}
}


def not_intent_lists() -> list[tuple[str, list[str]]]:
    return [
        (slot, mapping["not_intent"])
        for slot, spec in DOMAIN["slots"].items()
        for mapping in spec.get("mappings", [])
        if "not_intent" in mapping and slot not in ANY_ANSWER_SLOTS
    ]


@pytest.mark.parametrize(("slot", "refusals"), ANY_ANSWER_SLOTS.items())
def test_a_refusal_at_the_contact_question_is_never_taken_for_an_address(slot, refusals):
    mappings = DOMAIN["slots"][slot]["mappings"]
    declined = [m for m in mappings if m["type"] == "from_intent"]
    assert {m["value"]: set(m["intent"]) for m in declined} == refusals
    [text] = [m for m in mappings if m["type"] == "from_text"]
    assert set(text["not_intent"]) == set().union(*refusals.values())


def test_not_intent_lists_exist():
    # The registration's answers are read by the form's validation action (custom mappings);
    # only the address correction after the registration and a returning supplier's address
    # are from_text mappings.
    slots = {slot for slot, _ in not_intent_lists()}
    assert slots == {"new_email", "activation_email"}


@pytest.mark.parametrize(("slot", "not_intent"), not_intent_lists())
def test_not_intent_list_is_the_actions_list(slot, not_intent):
    assert sorted(not_intent) == sorted(NOT_AN_ANSWER)
    assert len(not_intent) == len(set(not_intent))


@pytest.mark.parametrize(
    "slot",
    [
        "country",
        "company_id",
        "invitation_code",
        "email",
        "first_name",
        "last_name",
        "phone",
        "job_title",
    ],
)
def test_typed_answers_are_read_by_the_form_not_by_a_mapping(slot):
    """A message may answer several questions or correct one: extract_<slot> reads it."""
    assert DOMAIN["slots"][slot]["mappings"] == [{"type": "custom"}]
    assert hasattr(actions.registration_form.ValidateRegistrationForm, f"extract_{slot}")


def test_not_an_answer_names_only_domain_intents():
    assert NOT_AN_ANSWER <= set(DOMAIN["intents"])


# --- slot mappings, applied by Rasa itself -----------------------------------------------------


async def slots_rasa_extracts(requested_slot: str, text: str, intent: str) -> dict:
    """The slots Rasa's action_extract_slots sets for this answer to ``requested_slot``."""
    domain = rasa_domain()
    tracker = DialogueStateTracker.from_events(
        "conv-1",
        [
            ActionExecuted("action_listen"),
            ActiveLoop("registration_form"),
            SlotSet("requested_slot", requested_slot),
            UserUttered(text, intent={"name": intent, "confidence": 0.95}),
        ],
        slots=domain.slots,
    )
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    events = await ActionExtractSlots(None).run(CollectingOutputChannel(), nlg, tracker, domain)
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


@pytest.mark.parametrize(("intent", "value"), [("affirm", True), ("deny", False)])
async def test_a_yes_or_no_to_the_summary_fills_only_confirmed(intent, value):
    assert await slots_rasa_extracts("confirmed", "oui" if value else "non", intent) == {
        "confirmed": value
    }


@pytest.mark.parametrize(
    "slot", ["correction_menu", "field_to_correct", "refusals", "country_inferred"]
)
def test_the_forms_bookkeeping_is_set_only_by_the_actions(slot):
    spec = DOMAIN["slots"][slot]

    assert spec["mappings"] == [{"type": "custom"}]
    assert spec.get("influence_conversation") is False


def test_invitation_valid_is_set_only_by_the_actions_and_never_asked():
    spec = DOMAIN["slots"]["invitation_valid"]

    assert spec["type"] == "bool"
    assert spec["mappings"] == [{"type": "custom"}]
    assert spec.get("influence_conversation") is False
    assert "invitation_valid" not in DOMAIN["forms"]["registration_form"]["required_slots"]


def test_registration_slots_forget_the_invitation_check():
    # Everything the form asks, in its order, plus the slots the validation sets beside an
    # answer (the invitation check, suggestions, the menu, the refusals, the questions asked
    # only when needed): a restart forgets them all.
    required = DOMAIN["forms"]["registration_form"]["required_slots"]
    assert [s for s in REGISTRATION_SLOTS if s in required] == required
    assert set(REGISTRATION_SLOTS) - set(required) == {
        "invitation_valid",
        "email_suggestion",
        "email_suggestion_declined",
        "phone_suggestion",
        "country_inferred",
        "country_confirmed",
        "correction_menu",
        "field_to_correct",
        "refusals",
    }


# --- fallback rules ----------------------------------------------------------------------------


def fallback_rules() -> dict[str, dict]:
    content = yaml.safe_load((ROOT / "data" / "rules" / "fallback.yml").read_text("utf-8"))
    return {rule["rule"]: rule for rule in content["rules"]}


@pytest.mark.parametrize("form", ["registration_form", "email_change_form"])
def test_an_unsure_message_during_a_form_continues_the_form(form):
    rules = [
        r
        for r in fallback_rules().values()
        if r.get("condition") == [{"active_loop": form}]
        and r["steps"][0] == {"intent": "nlu_fallback"}
    ]

    assert len(rules) == 1
    assert rules[0]["steps"] == [
        {"intent": "nlu_fallback"},
        {"action": form},
        {"active_loop": form},
    ]


def test_the_two_stage_fallback_runs_only_outside_a_form():
    rules = fallback_rules()

    assert rules["not understood"]["condition"] == [{"active_loop": None}]
    assert rules["not understood"]["steps"] == [
        {"intent": "nlu_fallback"},
        {"action": "action_two_stage_fallback"},
        {"active_loop": "action_two_stage_fallback"},
    ]
    two_stage = [
        name
        for name, rule in rules.items()
        if {"action": "action_two_stage_fallback"} in rule["steps"]
    ]
    assert two_stage == ["not understood"]


def test_every_nlu_fallback_rule_has_a_condition_on_the_form():
    conditions = sorted(
        str((rule.get("condition") or [{}])[0].get("active_loop", "no condition"))
        for rule in fallback_rules().values()
        if {"intent": "nlu_fallback"} in rule["steps"]
    )

    assert conditions == ["None", "email_change_form", "registration_form"]


def test_a_payload_with_entities_has_its_braces_doubled():
    """Rasa fills every response with the slots, payloads included, and reads "{...}" as a
    slot's name: an ERROR in its log each time (the buttons themselves came out unchanged)."""
    payloads = [
        button["payload"]
        for variations in RESPONSES.values()
        for variation in variations
        for button in variation.get("buttons") or []
    ]
    with_entities = [p for p in payloads if p.startswith("/") and "{" in p]
    assert with_entities  # the language offer, the "which is wrong?" menu, ...
    assert all(p.count("{{") == 1 and p.endswith("}}") for p in with_entities), with_entities
