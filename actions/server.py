"""How the action server runs the actions: off its event loop, with the domain's responses.

`rasa run actions --actions actions` serves every action from one asyncio event loop. The
actions do blocking work (SQL in a transaction, the Argon2id hash of a password, the account's
creation): on the loop, one conversation's slow step held up every other conversation's action.
Each action now runs in a worker thread, on that thread's own event loop; the server's loop only
reads requests and writes answers. SQLite, PostgreSQL's driver and Argon2 release the GIL
while they work, so the threads overlap where it matters.

A form's validation action also asks the form's next question when an action asks it, in the
same call (actions/form_questions.py; Rasa then does not call the ask action: rasa_ext/forms.py).

Rasa sends the domain without its responses (rasa_ext/action_call.py: they were most of every
call's payload); the few actions that assemble a phrase read them from the same files, loaded
once here (bot.responses.load_domain).

Installed when the ``actions`` package is imported (actions/__init__.py), i.e. when rasa_sdk
loads the actions; the action tests call the actions directly and are not affected.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa_sdk import FormValidationAction
from rasa_sdk.executor import ActionExecutor

from actions.form_questions import asks_its_questions
from bot.responses import load_domain

# Enough to overlap database waits and hashes on a small machine; more only queue for the CPU.
WORKERS = 8

_local = threading.local()


def _start_worker() -> None:
    _local.loop = asyncio.new_event_loop()


_workers = ThreadPoolExecutor(
    max_workers=WORKERS, thread_name_prefix="action", initializer=_start_worker
)


def with_responses(domain: dict[str, Any] | None) -> dict[str, Any]:
    """The domain Rasa sent, with the responses of the project's files when it sent none."""
    domain = domain or {}
    if domain.get("responses"):
        return domain
    return {**domain, "responses": load_domain()["responses"]}


def off_the_loop(run: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """``run(dispatcher, tracker, domain)`` in a worker thread, on that thread's event loop."""

    def in_worker(dispatcher: Any, tracker: Any, domain: Any) -> Any:
        result = run(dispatcher, tracker, domain)
        return _local.loop.run_until_complete(result) if asyncio.iscoroutine(result) else result

    @functools.wraps(run)
    async def action(dispatcher: Any, tracker: Any, domain: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _workers, in_worker, dispatcher, tracker, with_responses(domain)
        )

    return action


_RASA_REGISTER = ActionExecutor.register_function


def _register_function(self: ActionExecutor, name: str, f: Callable) -> None:
    action = getattr(f, "__self__", None)
    if isinstance(action, FormValidationAction):
        f = asks_its_questions(action)  # the form's next question in the same call
    _RASA_REGISTER(self, name, off_the_loop(f))


def install() -> None:
    ActionExecutor.register_function = _register_function
