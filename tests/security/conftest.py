"""The attack suite's stack and its attacker.

``attack_stack``: the real product as deployed behind its proxy: the Rasa server, the action
server and the outbox sender with an SMTP server on loopback (the shared `servers` fixture of
tests/e2e, started once per run) and, in front, the real web app as its own process
(``python -m bot.web``, the production entry point: no DEVELOPMENT, a SESSION_SECRET,
127.0.0.1 as its trusted proxy). Every file the run writes is under ``attack_stack.work``:
the tracker store, the event broker's output, the databases, every process's log.

``Client``: what a browser or a script sends to the web app, with its own cookie jar (a
"browser") and its own address (X-Forwarded-For, believed from the trusted proxy only), so
that tests can play several people, or one attacker with many sessions or many addresses.

The limits are the product's defaults except the per-address ones, lowered to 20 messages a
minute and (on the shared stack, tests/factories.py) 3 handoff tickets a day, so that a flood
from one address costs a few seconds (the mechanism is the same).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.factories import SESSION_SECRET, Processes, free_port

ADDRESS_LIMIT = 20  # a minute, per client address (RATE_LIMIT_ADDRESS below)
_addresses = (f"198.51.100.{n}" for n in itertools.cycle(range(1, 255)))


@dataclass
class AttackStack:
    url: str  # the web app, as the browser sees it
    rasa_url: str  # Rasa's REST channel, reachable on loopback only
    work: Path  # the run's folder
    database_url: str
    servers: Any  # tests/e2e/conftest.Servers: the SMTP inbox

    @property
    def web_log(self) -> Path:
        return self.work / "web.log"

    def senders(self) -> set[str]:
        """Every conversation id in Rasa's tracker store."""
        with sqlite3.connect(self.work / "conversations.db") as connection:
            return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}

    def events(self, sender: str) -> list[dict]:
        with sqlite3.connect(self.work / "conversations.db") as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
        return [json.loads(data) for (data,) in rows]

    def error_lines(self) -> list[str]:
        """ERROR lines and tracebacks in the logs of every process of the run."""
        found = []
        for log in sorted(self.work.glob("*.log")):
            for line in log.read_text(errors="replace").splitlines():
                if " ERROR " in line or "Traceback" in line:
                    found.append(f"{log.name}: {line}")
        return found


@pytest.fixture(scope="session")
def attack_stack(servers) -> Iterator[AttackStack]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEVELOPMENT", "SMTP_HOST", "MAILBOX_DIR", "AIOHTTP_NO_EXTENSIONS")
    }
    env.update(
        DATABASE_URL=servers.database_url,
        RASA_URL=servers.rasa_url,
        ACTION_ENDPOINT_URL=servers.action_endpoint_url,
        WEB_PORT=str(port),
        PUBLIC_BASE_URL=url,
        SESSION_SECRET=SESSION_SECRET,
        TERMS_URL="https://help.example.test/conditions-generales",
        TRUSTED_PROXIES="127.0.0.1",
        RATE_LIMIT_ADDRESS=f"{ADDRESS_LIMIT} per minute",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    processes = Processes(servers.log_dir)
    processes.start("web", [sys.executable, "-m", "bot.web"], env)
    try:
        processes.wait("web", url + "/healthz", timeout=120)
        yield AttackStack(url, servers.rasa_url, servers.log_dir, servers.database_url, servers)
    finally:
        processes.stop()


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def texts(self) -> str:
        if not isinstance(self.body, list):
            return ""
        return "\n".join(answer.get("text") or "" for answer in self.body)


class Client:
    """One browser (its own cookies) at one address; ``thread`` is its tab's id."""

    def __init__(self, stack: AttackStack, language: str = "fr", address: str | None = None):
        self.stack = stack
        self.language = language
        self.address = address or next(_addresses)
        self.thread = os.urandom(16).hex()
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of an IP address host
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    def forget_cookies(self) -> None:
        self.session.cookie_jar.clear()

    async def post(
        self, path: str, body: Any = None, *, data: bytes | None = None, headers=None
    ) -> Reply:
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        if data is None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        async with self.session.post(self.stack.url + path, data=data, headers=headers) as reply:
            raw = await reply.read()
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = raw
            return Reply(reply.status, decoded, dict(reply.headers))

    async def say(self, text: str, *, patient: bool = True, **extra: Any) -> Reply:
        """A chat message as the widget sends it; ``patient``: waits out a 429 as the widget
        does (Retry-After), then sends again."""
        body = {
            "message": text,
            "metadata": {"language": self.language},
            "thread": self.thread,
            **extra,
        }
        while True:
            reply = await self.post("/webhooks/rest/webhook", body)
            if reply.status != 429 or not patient:
                return reply
            await asyncio.sleep(int(reply.headers["Retry-After"]))

    async def give_password(self, password: str) -> Reply:
        """The widget's masked field: the web app checks the password; on success only the
        marker goes to the assistant, whose reply is returned."""
        body = {
            "password": password,
            "metadata": {"language": self.language},
            "thread": self.thread,
            "language": self.language,
        }
        reply = await self.post("/chat/password", body)
        if reply.status != 200 or not reply.body.get("accepted"):
            return reply
        return await self.say("/password_given")

    async def converse(self, turns: list[tuple[str, str]]) -> list[Reply]:
        """Each (message, expected words); a message "password:..." goes through the field."""
        replies = []
        for text, expected in turns:
            if text.startswith("password:"):
                reply = await self.give_password(text.removeprefix("password:"))
            else:
                reply = await self.say(text)
            assert reply.status == 200, (text, reply)
            shown = reply.texts or str(reply.body.get("message", ""))
            assert expected.lower() in shown.lower(), (text, shown)
            replies.append(reply)
        return replies
