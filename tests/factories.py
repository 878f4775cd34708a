"""Test data and server environments, shared by every test suite and by bench/.

- Invitations and accounts: ``add_invitation`` / ``invite`` (one invitation, in a session or
  in the database at a URL), ``registration`` (what a conversation collects) and
  ``register_supplier`` (an invitation plus the pending account the conversation creates).
- Servers: ``free_port``, ``StackEnvironment`` (the ports and environment variables of a
  Rasa + action server + outbox sender stack), ``Processes`` (starts such processes with a log
  each, waits until they answer, stops them), ``SmtpServer`` (aiosmtpd on loopback) and
  ``ActionCallCounter`` (a proxy before the action server that notes which actions each
  conversation called).

No pytest import: bench/ uses this module outside pytest.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from bot.checks.identifiers import CompanyId

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PASSWORD = "Tr0ub4dor&3-Quai"
CUSTOMER = "ACME Industries"
FRENCH_COMPANY = CompanyId("FR", "732829320")  # a valid SIREN (its checksum holds)
BRITISH_COMPANY = CompanyId("GB", "SC123456")
# Issued before "now" on every clock of the test machine, well within the validity period.
ISSUED_AGO = timedelta(days=3)
PUBLIC_BASE_URL = "https://help.example.test"
# The web app's SESSION_SECRET in tests (bot/web/sessions.py refuses a weak one).
# Handoff tickets a day per client address on the test stack (the product's default: 10).
CLIENT_TICKETS = 3
SESSION_SECRET = "test-session-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

# Loading the model takes well under a minute on an idle machine, minutes on a busy one
# (E2E_START_TIMEOUT, seconds, for a machine shared by many test runs).
START_TIMEOUT = float(os.environ.get("E2E_START_TIMEOUT") or 600)


# --- invitations and accounts ------------------------------------------------------------------


def add_invitation(
    session,
    company: CompanyId = FRENCH_COMPANY,
    *,
    code: str | None = None,
    customer: str = CUSTOMER,
    issued_at: datetime | None = None,
):
    """An invitation stored in ``session``; the code is random unless given."""
    from bot import db
    from bot.registration.invitations import create_invitation

    issued_at = issued_at or db.utcnow() - ISSUED_AGO
    return create_invitation(session, company, customer, code=code, issued_at=issued_at)


def invite(
    database_url: str | None,
    company: CompanyId = FRENCH_COMPANY,
    *,
    code: str | None = None,
    customer: str = CUSTOMER,
    issued_at: datetime | None = None,
) -> str:
    """An invitation in the database at ``database_url`` (None: the configured one); its code."""
    from bot import db

    with db.session_scope(database_url) as session:
        invitation = add_invitation(
            session, company, code=code, customer=customer, issued_at=issued_at
        )
        return invitation.code


@functools.cache
def password_hash() -> str:
    """The hash of PASSWORD, computed once: argon2id is slow on purpose."""
    from bot.checks.passwords import hash_password

    return hash_password(PASSWORD)


def registration(company: CompanyId, code: str, email: str, *, language: str = "fr"):
    """What the conversation collects before it creates the account."""
    from bot.registration.accounts import Registration

    return Registration(
        company_id=company,
        invitation_code=code,
        email=email,
        password_hash=password_hash(),
        first_name="Jean",
        last_name="Dupont",
        phone="+33612345678",
        language=language,
    )


def add_account(
    session,
    email: str,
    *,
    company: CompanyId = FRENCH_COMPANY,
    code: str,
    language: str = "fr",
    customer: str = "ACME",
    now: datetime | None = None,
):
    """An invitation and the pending account registered with it; the RegistrationResult."""
    from bot import db
    from bot.registration.accounts import register

    now = now or db.utcnow()
    add_invitation(session, company, code=code, customer=customer, issued_at=now - ISSUED_AGO)
    return register(session, registration(company, code, email, language=language), now=now)


def register_supplier(
    database_url: str,
    email: str,
    *,
    language: str = "fr",
    code: str = "WEBT-FR00-0000-0001",
    company: CompanyId = FRENCH_COMPANY,
    registered_at: datetime | None = None,
) -> str:
    """A pending account as the conversation creates it; returns its activation token."""
    from sqlalchemy import select

    from bot import db
    from bot.models import OutboxMail

    with db.session_scope(database_url) as session:
        add_account(
            session, email, company=company, code=code, language=language, now=registered_at
        )
        mail = session.scalars(
            select(OutboxMail)
            .where(OutboxMail.kind == "activation", OutboxMail.to_address == email)
            .order_by(OutboxMail.id.desc())
        ).first()
        return activation_token_in(mail.text_body)


def activation_token_in(text: str) -> str:
    """The token of the activation link in a mail's text."""
    link = next(word for word in text.split() if "/activate?" in word)
    return parse_qs(urlparse(link).query)["token"][0]


# --- servers -----------------------------------------------------------------------------------


def files_in(directory: Path) -> dict[Path, bytes]:
    """Every file under ``directory`` and its bytes, those removed while reading left out:
    SQLite deletes its ``-wal`` and ``-shm`` files when the last connection closes (their
    content is then in the database file, read too)."""
    found = {}
    for path in sorted(directory.rglob("*")):
        try:
            if path.is_file():
                found[path] = path.read_bytes()
        except FileNotFoundError:
            continue
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class StackEnvironment:
    """Ports and environment variables of the product's processes, files under ``work``.

    ``smtp_port=None`` leaves SMTP_HOST unset: mail goes to the development mailbox, as with
    `make run` without a mail server.
    """

    work: Path
    smtp_port: int | None
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    database_url: str = ""  # default: onboarding.db in work
    tracker_store_url: str = ""  # default: conversations.db in work
    public_base_url: str = PUBLIC_BASE_URL
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.database_url = self.database_url or f"sqlite:///{self.work / 'onboarding.db'}"
        self.tracker_store_url = (
            self.tracker_store_url or f"sqlite:///{self.work / 'conversations.db'}"
        )

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def action_health_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/health"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "TRACKER_STORE_URL": self.tracker_store_url,
            "PUBLIC_BASE_URL": self.public_base_url,
            "ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            # Every test of a session talks to one site: its hourly ticket limit (tested in
            # tests/registration/test_drafts_and_tickets.py) would make them depend on each
            # other's count. The per-contact limit stays (tests use addresses of their own).
            "HANDOFF_TICKETS_PER_HOUR": "100000",
            # Per client address (the web app's reference: tests/security, one address per
            # test client), lowered so that an attack test reaches it in a few messages.
            "HANDOFF_TICKETS_PER_CLIENT_PER_DAY": str(CLIENT_TICKETS),
            **self.extra,
        }
        if self.smtp_port is None:
            env.pop("SMTP_HOST", None)
        else:
            env["SMTP_HOST"] = "127.0.0.1"
            env["SMTP_PORT"] = str(self.smtp_port)
        return env


class ServerDidNotStart(RuntimeError):
    pass


def wait_until_up(
    url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT
) -> None:
    """Poll ``url`` until it answers; fail with the end of the log if the process stops first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise ServerDidNotStart(
        f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


class Processes:
    """Started processes, each in its own session so that its children stop with it; the
    output of process ``name`` goes to ``log_dir/name.log`` (appended on a restart)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(
        self, name: str, command: list[str], env: Mapping[str, str], cwd: Path = ROOT
    ) -> subprocess.Popen:
        with self.log(name).open("a") as log:
            self.running[name] = subprocess.Popen(
                command,
                cwd=cwd,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.running[name]

    def start_all(self, commands: Mapping[str, list[str]], env: Mapping[str, str]) -> None:
        for name, command in commands.items():
            self.start(name, command, env)

    def wait(self, name: str, url: str, timeout: float = START_TIMEOUT) -> None:
        wait_until_up(url, self.running[name], self.log(name), timeout)

    def wait_for_stack(self, environment: StackEnvironment, timeout: float = START_TIMEOUT):
        """The action server and the Rasa server of ``environment`` answer."""
        self.wait("actions", environment.action_health_url, timeout)
        self.wait("rasa", environment.rasa_url + "/", timeout)

    def pid(self, name: str) -> int:
        return self.running[name].pid

    def stop_one(self, name: str) -> None:
        process = self.running[name]
        self._signal(process, signal.SIGTERM)
        process.wait(timeout=20)

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                self._signal(process, signal.SIGCONT)  # a paused process cannot stop
                self._signal(process, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait()

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, smtp_session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """aiosmtpd on loopback, keeping every message in ``inbox``; start/stop simulate an outage."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None


class ActionCallCounter:
    """A proxy on loopback in front of the action server: Rasa calls it instead, it forwards
    every request and notes, for each conversation, the actions called, in order."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/").removesuffix("/webhook")
        self.port = free_port()
        self.calls: list[tuple[str, str]] = []  # (conversation id, action), in order

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def of(self, sender: str, since: int = 0) -> list[str]:
        """The actions called for conversation ``sender``, from call number ``since`` on."""
        return [action for who, action in self.calls[since:] if who == sender]

    def start(self) -> None:
        import asyncio
        import json
        import threading

        import aiohttp
        from aiohttp import web

        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def forward(request: web.Request) -> web.Response:
            body = await request.read()
            if request.path == "/webhook":
                call = json.loads(body)
                self.calls.append((call.get("sender_id", ""), call.get("next_action", "")))
            async with self._http.request(
                request.method,
                self.target + request.path_qs,
                data=body or None,
                headers={"Content-Type": request.content_type},
            ) as answer:
                return web.Response(
                    body=await answer.read(),
                    status=answer.status,
                    content_type=answer.content_type,
                )

        async def serve() -> None:
            self._http = aiohttp.ClientSession()
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{path:.*}", forward)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
            ready.set()

        def run() -> None:
            self._loop.run_until_complete(serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True, name="action-call-counter")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the action call counter did not start")

    def stop(self) -> None:
        import asyncio

        async def close() -> None:
            await self._http.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
