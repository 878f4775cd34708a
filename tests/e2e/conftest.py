"""The real product on free loopback ports: action server, Rasa server, SMTP server.

The model is the newest one in models/ (`make model` trains it when the data changed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import db
from bot.launcher import server_commands
from tests.conftest import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def newest_model() -> Path:
    # ONBOARDING_MODEL: a model trained elsewhere (e.g. from domain edits not yet in models/)
    if os.environ.get("ONBOARDING_MODEL"):
        return Path(os.environ["ONBOARDING_MODEL"])
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model in models/: run `make model` (make test does it)")
    return models[-1]


# Loading the model takes about 30 s on an idle machine, several minutes on a busy one
# (E2E_START_TIMEOUT, seconds, for a machine shared by many test runs).
START_TIMEOUT = float(os.environ.get("E2E_START_TIMEOUT") or 600)


def wait_until_up(
    url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


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


class Servers:
    def __init__(
        self,
        rasa_url: str,
        smtp: SmtpServer,
        database_url: str,
        log_dir: Path,
        action_endpoint_url: str = "",
    ):
        self.rasa_url = rasa_url
        self.action_endpoint_url = action_endpoint_url  # the web app's /healthz checks it
        self.smtp = smtp
        self.database_url = database_url
        self.log_dir = log_dir

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        return say_rest(self.rasa_url, sender, text, metadata)


def start_servers(tmp_path_factory) -> Iterator[Servers]:
    """What the session fixture `servers` (tests/conftest.py) yields: one start for tests/e2e
    and tests/web, since loading the model is the slow part."""
    work = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{work / 'onboarding.db'}"
    smtp = SmtpServer(free_port())
    smtp.start()
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "PUBLIC_BASE_URL": "https://help.example.test",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'conversations.db'}",
        "PYTHONPATH": str(ROOT),
    }
    db.upgrade(database_url)
    # The product's endpoints plus Rasa's file event broker, so that tests can read what a
    # broker receives (tests/e2e/test_no_secret_on_disk.py).
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml").read_text()
        + f"event_broker:\n  type: file\n  path: {work / 'broker.jsonl'}\n"
    )
    logs = {name: work / f"{name}.log" for name in ("actions", "rasa", "outbox")}
    commands = server_commands(
        action_port, rasa_port, newest_model(), outbox_interval=0.5, endpoints=endpoints
    )
    processes = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=logs[name].open("w"), stderr=subprocess.STDOUT
        )
        for name, command in commands.items()
    }
    try:
        wait_until_up(
            f"http://127.0.0.1:{action_port}/health", processes["actions"], logs["actions"]
        )
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes["rasa"], logs["rasa"])
        yield Servers(
            f"http://127.0.0.1:{rasa_port}",
            smtp,
            database_url,
            work,
            action_endpoint_url=env["ACTION_ENDPOINT_URL"],
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()


@pytest.fixture
def conversation_id() -> str:
    return uuid.uuid4().hex
