"""The whole product as `make run` starts it, driven by Debian's Chromium through Playwright.

Processes on free loopback ports: the development mailbox (DEVELOPMENT set and SMTP_HOST
unset, as `make run`; messages kept in a temporary folder), the outbox sender, the action
server, the Rasa server, and the web app (help-centre page, widget, chat API, activation page,
/mailbox), served by its own hardened runner (bot/web/server.py). The web app runs in this process
on a thread so that a test can stop it and start it again on the same port, pointed at a Rasa
that does not answer: that is how the "assistant unavailable" path is produced for real.

The browser is /usr/bin/chromium (`make test` installs it with apt-get); Playwright never
downloads one. The flags keep Chromium from calling Google's services, which the closed test
network refuses.

Why not tests/e2e's `servers` fixture: the links in the emails must point at this web app
(PUBLIC_BASE_URL) and mail must reach the development mailbox that /mailbox reads, as with
`make run`, whereas `servers` keeps mail in memory and links on a fictitious host.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot import db
from bot.checks.identifiers import CompanyId
from bot.launcher import server_commands
from bot.mail import dev_server
from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.server import AppRunner
from tests.e2e.conftest import newest_model
from tests.factories import ROOT, SESSION_SECRET, Processes, StackEnvironment, free_port, invite

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 900
SCREENSHOTS = ROOT / "var" / "screenshots"


class WebApp:
    """The web app on a fixed port, in a thread; stop() and start() simulate outages."""

    def __init__(self, env: dict[str, str], port: int, rasa_url: str, mailbox_dir: Path):
        self.env, self.port, self.rasa_url, self.mailbox_dir = env, port, rasa_url, mailbox_dir
        self.url = f"http://127.0.0.1:{port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    def start(self, rasa_url: str | None = None, **settings: str) -> None:
        """``settings``: environment variables to change for this start (e.g. a rate limit)."""
        app = create_app(
            load_settings({**self.env, **settings}),
            rasa_url=rasa_url or self.rasa_url,
            mailbox_dir=self.mailbox_dir,
        )
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def serve() -> None:
            self._runner = AppRunner(app)
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="web-app", daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("the web app did not start")

    def stop(self) -> None:
        if not self._loop:
            return
        runner, loop = self._runner, self._loop
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(15)
        loop.close()
        self._loop = self._runner = self._thread = None


class Stack:
    def __init__(
        self,
        web_app: WebApp,
        database_url: str,
        mailbox_dir: Path,
        work: Path,
        tracker_store_url: str = "",
    ):
        self.web = web_app
        self.database_url = database_url
        self.mailbox_dir = mailbox_dir
        self.work = work  # the run's folder: databases and every log of the processes
        self.tracker_store_url = tracker_store_url  # what the analysts' report reads

    @property
    def url(self) -> str:
        return self.web.url

    def invite(self, company: CompanyId, code: str) -> None:
        invite(self.database_url, company, code=code)


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("browser")
    mailbox_dir = work / "mailbox"
    smtp_port, web_port = free_port(), free_port()
    # SMTP_HOST unset: the development mailbox, as `make run` without a mail server.
    environment = StackEnvironment(
        work, smtp_port=None, public_base_url=f"http://127.0.0.1:{web_port}"
    )
    environment.extra = {
        "SMTP_PORT": str(smtp_port),
        "WEB_PORT": str(web_port),
        "RASA_PORT": str(environment.rasa_port),
        "DEVELOPMENT": "true",
        "SESSION_SECRET": SESSION_SECRET,
        # Every browser of the suite comes from 127.0.0.1: one office behind one address.
        "RATE_LIMIT_ADDRESS": "600 per minute",
    }
    env = environment.env()
    db.upgrade(environment.database_url)
    mail_server = dev_server.start(smtp_port, mailbox_dir)
    commands = server_commands(
        environment.action_port, environment.rasa_port, newest_model(), outbox_interval=0.5
    )
    processes = Processes(work)
    web_app = WebApp(env, web_port, environment.rasa_url, mailbox_dir)
    try:
        processes.start_all(commands, env)
        # Generous: loading the model takes minutes when the machine's cores are busy.
        processes.wait_for_stack(environment, timeout=STARTUP_TIMEOUT)
        web_app.start()
        yield Stack(
            web_app, environment.database_url, mailbox_dir, work, environment.tracker_store_url
        )
    finally:
        web_app.stop()
        processes.stop()
        mail_server.stop()
        db.dispose_engines()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    # Module scope, not session: while sync Playwright runs, its event loop counts as the
    # running loop of the main thread, so every later asyncio.run() and async test of the
    # session would fail ("cannot be called from a running event loop").
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    # Imported here so that collecting the other suites does not need Playwright.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Every alert/confirm/prompt a page opened: a script injected through the chat would."""
    return []


@pytest.fixture
def context(browser, dialogs) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.on(
        "page", lambda page: page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    )
    yield context
    context.close()


@pytest.fixture
def phone_context(browser, dialogs) -> Iterator:
    """A 375 px wide phone screen."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    context.on(
        "page", lambda page: page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    )
    yield context
    context.close()
