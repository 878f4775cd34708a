"""The action server runs each action off its event loop, with the domain's responses."""

from __future__ import annotations

import asyncio
import threading

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401 - installs the action server's way of running actions
from actions.server import with_responses
from bot.responses import load_domain
from tests.actions.helpers import completed_registration, make_tracker

RELEASED = threading.Event()


class SlowStep(Action):
    """Blocks its thread (as a hash or a transaction does) until another action has run."""

    def name(self) -> str:
        return "test_slow_step"

    async def run(self, dispatcher, tracker, domain) -> list:
        released = RELEASED.wait(timeout=10)
        dispatcher.utter_message(text="released" if released else "blocked")
        return []


class QuickStep(Action):
    def name(self) -> str:
        return "test_quick_step"

    async def run(self, dispatcher, tracker, domain) -> list:
        RELEASED.set()
        dispatcher.utter_message(text="quick")
        return []


def call(name: str) -> dict:
    return {"next_action": name, "sender_id": name, "tracker": {"sender_id": name, "events": []}}


async def test_a_blocking_action_does_not_hold_up_another_conversation():
    executor = ActionExecutor()
    executor.register_action(SlowStep)
    executor.register_action(QuickStep)
    RELEASED.clear()
    slow, quick = await asyncio.gather(
        executor.run(call("test_slow_step")), executor.run(call("test_quick_step"))
    )
    # On the event loop, the slow action would have held it 10 s and never been released.
    assert [r["text"] for r in slow["responses"]] == ["released"]
    assert [r["text"] for r in quick["responses"]] == ["quick"]


def test_the_responses_rasa_no_longer_sends_are_the_projects():
    sent = {k: v for k, v in load_domain().items() if k != "responses"}
    assert with_responses(sent)["responses"] is load_domain()["responses"]
    assert with_responses(sent)["slots"] is sent["slots"]
    reworded = {**sent, "responses": {"utter_greet": [{"text": "Salut"}]}}
    assert with_responses(reworded) is reworded  # what Rasa sends wins


# --- a form's next question, in the validation call ---------------------------------------------


@pytest.fixture(scope="module")
def served():
    """The actions as `rasa run actions --actions actions` registers them."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


async def validation_call(served, domain, **turn) -> tuple[list[str], list[tuple]]:
    """What the action server answers Rasa's form validation call: responses, slot events."""
    tracker = make_tracker(domain, **turn)
    without_responses = {k: v for k, v in domain.items() if k != "responses"}
    answer = await served.run(
        {
            "next_action": "validate_registration_form",
            "sender_id": tracker.sender_id,
            "tracker": tracker.current_state(),
            "domain": without_responses,
        }
    )
    slots = [(e["name"], e["value"]) for e in answer["events"] if e["event"] == "slot"]
    return [r.get("response") for r in answer["responses"]], slots


@pytest.mark.parametrize(("language", "id_name"), [("fr", "SIREN"), ("en", "SIREN")])
async def test_the_identifier_question_comes_with_the_country_answer(
    served, domain, language, id_name
):
    said_, slots = await validation_call(
        served,
        domain,
        slots={"requested_slot": "country", "language": language},
        extracted={"country": "France"},
        text="France",
    )
    assert said_ == ["utter_ask_company_id"]
    assert slots == [("country", "FR"), ("requested_slot", "company_id")]


async def test_a_question_asked_by_a_response_is_left_to_rasa(served, domain, database):
    said_, slots = await validation_call(
        served,
        domain,
        slots=completed_registration(
            requested_slot="email", email=None, email_confirmed=None, password=None
        ),
        extracted={"email": "jean.dupont@acme-industrie.fr"},
        text="jean.dupont@acme-industrie.fr",
    )
    # The next question, the address read back, is an action's: asked here; a response's
    # (utter_ask_password) would not be.
    assert said_ == ["utter_confirm_email"]
    assert ("requested_slot", "email_confirmed") in slots
    said_, slots = await validation_call(
        served,
        domain,
        slots=completed_registration(
            requested_slot="email_confirmed", email_confirmed=None, password=None
        ),
        extracted={"email_confirmed": True},
        text="oui",
        intent="affirm",
    )
    assert said_ == [] and ("requested_slot", "password") not in slots


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_unclear_yes_or_no_is_told_then_asked_again_in_one_call(served, domain, language):
    said_, slots = await validation_call(
        served,
        domain,
        slots=completed_registration(
            requested_slot="email_confirmed", email_confirmed=None, language=language
        ),
        text="zorglub wibble",
        intent="inform",
    )
    assert said_ == ["utter_answer_yes_or_no", "utter_confirm_email"]
    assert slots[-1] == ("requested_slot", "email_confirmed")


async def test_the_summary_comes_with_the_last_answer(served, domain):
    filled = {k: v for k, v in completed_registration().items() if k != "job_title"}
    said_, slots = await validation_call(
        served,
        domain,
        slots={**filled, "confirmed": None, "requested_slot": "job_title"},
        extracted={"job_title": "Comptable"},
        text="Comptable",
    )
    assert said_ == ["utter_registration_summary"]
    assert slots[-1] == ("requested_slot", "confirmed")
