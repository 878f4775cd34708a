"""The action server runs each action off its event loop, with the domain's responses."""

from __future__ import annotations

import asyncio
import threading

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401 - installs the action server's way of running actions
from actions.server import with_responses
from bot.responses import load_domain

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
