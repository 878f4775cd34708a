"""Rasa's REST channel, with an answer when the assistant cannot process a message.

Rasa 3.6's REST channel answers ``[]`` (silence) when a custom action fails: the processor
logs "Encountered an exception while running action" and carries on without the action's
events, so the user waits for an answer that never comes. It also waits up to 5 minutes for
a hung action server (``DEFAULT_REQUEST_TIMEOUT``, not configurable in endpoints.yml). This
channel keeps the REST channel's URL and payloads, and adds, when processing fails or takes
longer than ``MESSAGE_TIMEOUT`` seconds, the polite ``utter_try_again_later`` response in the
conversation's language. No stack trace and no 500 reach the user.

Registered in credentials.yml as ``rasa_ext.channels.RestInput``; its name stays ``rest``
so the widget still posts to ``/webhooks/rest/webhook``.

It also refuses, with a 400 and before anything is processed or stored, a conversation id
outside a strict format (bot/checks/conversation_ids.py): the web app sends ids it derived
itself, and other clients of this channel get no newline, quote or 10,000-character id in.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request

from bot.checks.conversation_ids import is_conversation_id
from bot.checks.language import DEFAULT_LANGUAGE, LANGUAGES
from bot.checks.sentences import without_invisible
from bot.responses import load_domain, response_text
from bot.settings import get_settings

log = logging.getLogger(__name__)

RESPONSE = "utter_try_again_later"


def last_resort(responses: dict[str, list[dict]]) -> dict[str, str]:
    """RESPONSE in every language, from the project's domain files: what the channel says when
    the model's domain lacks it (an old model). Raises at start-up rather than leave silence."""
    texts = {language: response_text(responses, RESPONSE, language) for language in LANGUAGES}
    missing = [language for language, text in texts.items() if not text]
    if missing:
        raise ValueError(f"the domain has no {RESPONSE} response in {', '.join(missing)}")
    return texts


# What rasa.core.processor logs when it swallows a failed action (Rasa 3.6).
_ACTION_FAILED = "Encountered an exception while running action"

# The failures noticed while the current message is processed (one list per request: asyncio
# tasks copy the context, so the processor's log calls see the request's list).
_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "rest_failures", default=None
)


class _FailedActionHandler(logging.Handler):
    """Notes, for the message being processed, that an action failed and was skipped."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _failures.get()
        if failures is not None and str(record.msg).startswith(_ACTION_FAILED):
            failures.append(str(record.msg))


_handler = _FailedActionHandler(level=logging.ERROR)


def _install_handler() -> None:
    processor_log = logging.getLogger("rasa.core.processor")
    if _handler not in processor_log.handlers:
        processor_log.addHandler(_handler)


class RestInput(RasaRestInput):
    """``POST /webhooks/rest/webhook``: Rasa's REST channel that never answers with silence."""

    def __init__(self, timeout_seconds: float | None = None) -> None:
        self.timeout_seconds = timeout_seconds or get_settings().message_timeout_seconds
        self.last_resort = last_resort(load_domain().get("responses") or {})
        self._app: Sanic | None = None

    @classmethod
    def name(cls) -> str:
        return "rest"  # the route stays /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        return cls()  # the timeout is MESSAGE_TIMEOUT, read with the other settings

    # A body that is JSON but not an object ("[]", "42") would make Rasa's channel raise
    # AttributeError, a 500: read it as an empty request instead.
    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        try:
            body = request.json
        except Exception:  # Sanic raises its own error on invalid JSON
            return {}
        return body if isinstance(body, dict) else {}

    async def _extract_sender(self, req: Request) -> str | None:
        sender = self._body(req).get("sender")
        return None if sender is None else str(sender)

    def _extract_message(self, req: Request) -> str | None:
        message = self._body(req).get("message")
        return None if message is None else without_invisible(str(message))

    def _extract_input_channel(self, req: Request) -> str:
        channel = self._body(req).get("input_channel")
        return channel if isinstance(channel, str) and channel else self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return self._body(request).get("metadata")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        _install_handler()
        blueprint = super().blueprint(self._guarded(on_new_message))

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app  # to read the conversation's language and the domain's wording

        @blueprint.middleware("request")
        async def strict_sender(request: Request) -> Any:
            if request.method == "POST" and request.path.endswith("/webhook"):
                if not is_conversation_id(self._body(request).get("sender")):
                    log.info("message refused: conversation id outside the accepted format")
                    return response.json({"error": "invalid_sender"}, status=400)
            return None

        return blueprint

    def _guarded(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[UserMessage], Awaitable[None]]:
        async def handle(message: UserMessage) -> None:
            failures: list[str] = []
            token = _failures.set(failures)
            try:
                await asyncio.wait_for(on_new_message(message), self.timeout_seconds)
            except asyncio.TimeoutError:
                # The processing is cancelled: the message is not recorded, the user sends
                # it again. An action that finished meanwhile is safe to repeat (the account
                # creation recognises a repeated confirmation).
                failures.append(f"no answer within {self.timeout_seconds:g} s")
            except Exception as error:  # whatever it is, the user gets an answer
                log.exception("message from %s not processed", message.sender_id)
                failures.append(type(error).__name__)
            finally:
                _failures.reset(token)
            if failures:
                log.warning("conversation %s: %s", message.sender_id, "; ".join(failures))
                text = await self._apology(message)
                await message.output_channel.send_text_message(message.sender_id, text)

        return handle

    async def _apology(self, message: UserMessage) -> str:
        language = await self._language(message)
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        domain = getattr(agent, "domain", None)
        responses = getattr(domain, "responses", None) or {}
        return response_text(responses, RESPONSE, language) or self.last_resort[language]

    async def _language(self, message: UserMessage) -> str:
        """The page's language from the message metadata, else the conversation's slot."""
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        if metadata.get("language") in LANGUAGES:
            return metadata["language"]
        try:
            agent = self._app.ctx.agent
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            language = tracker.get_slot("language") if tracker else None
        except Exception:  # the tracker store may be what failed
            language = None
        return language if language in LANGUAGES else DEFAULT_LANGUAGE
