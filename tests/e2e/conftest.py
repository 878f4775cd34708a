"""The real product on free loopback ports: action server, Rasa server, SMTP server.

The model is the newest one in models/ (`make model` trains it when the data changed).
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot import db
from bot.launcher import server_commands
from tests.factories import (
    ROOT,
    ActionCallCounter,
    Processes,
    SmtpServer,
    StackEnvironment,
    activation_token_in,
)


def newest_model() -> Path:
    # ONBOARDING_MODEL: a model trained elsewhere (e.g. from domain edits not yet in models/)
    if os.environ.get("ONBOARDING_MODEL"):
        return Path(os.environ["ONBOARDING_MODEL"])
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model in models/: run `make model` (make test does it)")
    return models[-1]


def say_rest(
    rasa_url: str, sender: str, text: str, metadata: dict | None = None, *, timeout: float = 60
) -> list[dict]:
    """One message through Rasa's REST channel, as the widget sends it; the bot's replies."""
    body: dict = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    request = urllib.request.Request(
        rasa_url + "/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200
        return json.loads(response.read())


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def converse(servers, sender: str, turns: list[tuple[str, str]], metadata=None) -> list[dict]:
    """Send each message through ``servers.say``; each reply must contain the expected words."""
    everything = []
    for message, expected in turns:
        replies = servers.say(sender, message, metadata)
        everything += replies
        assert expected.lower() in texts(replies).lower(), (message, replies)
    return everything


def wait_for_mail(
    smtp: SmtpServer, address: str, timeout: float = 30, log: Path | None = None
) -> EmailMessage:
    """The last mail ``smtp`` received for ``address``; fails (with ``log``) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = smtp.inbox.to(address)
        if mails:
            return mails[-1]
        time.sleep(0.3)
    detail = log.read_text(errors="replace")[-2000:] if log else ""
    pytest.fail(f"no mail to {address} within {timeout} s:\n{detail}")


def activation_token(message: EmailMessage) -> str:
    return activation_token_in(message.get_body(("plain",)).get_content())


class Servers:
    def __init__(
        self,
        rasa_url: str,
        smtp: SmtpServer,
        database_url: str,
        log_dir: Path,
        action_endpoint_url: str = "",
        action_calls: ActionCallCounter | None = None,
    ):
        self.rasa_url = rasa_url
        self.action_endpoint_url = action_endpoint_url  # the web app's /healthz checks it
        self.smtp = smtp
        self.database_url = database_url
        self.log_dir = log_dir
        # What Rasa called on the action server, per conversation (tests/e2e/test_action_calls.py)
        self.action_calls = action_calls

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        return say_rest(self.rasa_url, sender, text, metadata)


def start_servers(tmp_path_factory) -> Iterator[Servers]:
    """What the session fixture `servers` (tests/conftest.py) yields: one start for tests/e2e
    and tests/web, since loading the model is the slow part."""
    work = tmp_path_factory.mktemp("e2e")
    smtp = SmtpServer()
    smtp.start()
    environment = StackEnvironment(work, smtp_port=smtp.port)
    db.upgrade(environment.database_url)
    # The product's endpoints plus Rasa's file event broker, so that tests can read what a
    # broker receives (tests/e2e/test_no_secret_on_disk.py).
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml").read_text()
        + f"event_broker:\n  type: file\n  path: {work / 'broker.jsonl'}\n"
    )
    commands = server_commands(
        environment.action_port,
        environment.rasa_port,
        newest_model(),
        outbox_interval=0.5,
        endpoints=endpoints,
    )
    processes = Processes(work)
    # Rasa calls the action server through a counter, which notes each call (tests/factories.py).
    action_calls = ActionCallCounter(environment.action_endpoint_url)
    action_calls.start()
    try:
        processes.start_all(
            commands, {**environment.env(), "ACTION_ENDPOINT_URL": action_calls.url}
        )
        processes.wait_for_stack(environment)
        yield Servers(
            environment.rasa_url,
            smtp,
            environment.database_url,
            work,
            action_endpoint_url=environment.action_endpoint_url,
            action_calls=action_calls,
        )
    finally:
        processes.stop()
        action_calls.stop()
        smtp.stop()


@pytest.fixture
def conversation_id() -> str:
    return uuid.uuid4().hex
