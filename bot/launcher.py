"""`make run`: prepare and start every process of the product, stop them all on Ctrl-C or
SIGTERM.

Processes: the development mailbox (with DEVELOPMENT set and SMTP_HOST unset), the outbox
sender, the Rasa action server, the Rasa server (REST channel) and the web app (help-centre
page, widget, activation page, /mailbox). Logs go to var/log/. No Rasa import here: the Rasa
processes are started as commands.

`make run` sets DEVELOPMENT=true: only then are the published demo invitations written (into
the development database), the development mailbox started and a session secret generated
under var/ when SESSION_SECRET is unset.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import io
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot import db
from bot.cli import cmd_demo_data
from bot.mail import dev_server
from bot.settings import PROJECT_ROOT, VAR_DIR, Settings, get_settings, production_problem
from bot.web.sessions import SessionSecretError, load_secret

LOG_DIR = VAR_DIR / "log"
BIN = Path(sys.executable).parent
MODEL = PROJECT_ROOT / "models" / "onboarding.tar.gz"


def server_commands(
    action_port: int,
    rasa_port: int,
    model: Path,
    outbox_interval: float = 5.0,
    endpoints: Path | str = "endpoints.yml",
) -> dict[str, list[str]]:
    """How each long-running process is started (also used by the end-to-end tests).

    The action server and the Rasa server need ACTION_ENDPOINT_URL and TRACKER_STORE_URL in
    their environment (endpoints.yml reads them), and the project root on PYTHONPATH (the
    tracker store class lives in rasa_ext/).
    """
    rasa = str(BIN / "rasa")
    settings = get_settings()
    return {
        "outbox": [
            str(BIN / "python"),
            "-m",
            "bot",
            "outbox",
            "flush",
            "--watch",
            "--interval",
            str(outbox_interval),
        ],
        # rasa_sdk has no --interface option: it binds to SANIC_HOST (0.0.0.0 without it).
        # Only the Rasa server calls the action server, so it listens on loopback by default
        # and no browser (the widget's origin) can reach it.
        "actions": [
            "env",
            f"SANIC_HOST={settings.action_interface}",
            # Rasa's HTTP client keeps idle connections to the action server for 15 s, Sanic
            # closes them after 5 s: a call that reuses one then fails ("Can not write request
            # body"). The server must keep them longer than the client.
            "SANIC_KEEP_ALIVE_TIMEOUT=75",
            rasa,
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(action_port),
        ],
        "rasa": [
            rasa,
            "run",
            "--model",
            str(model),
            "--port",
            str(rasa_port),
            # The widget reaches Rasa through the web app's same-origin proxy; Rasa's HTTP
            # API (--enable-api) is not started at all.
            "--interface",
            settings.rasa_interface,
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
        ],
    }


def web_command() -> list[str]:
    """The web app (port from WEB_PORT). Kept out of server_commands(): the end-to-end tests
    start every process listed there and do not need the web app."""
    return [str(BIN / "python"), "-m", "bot.web"]


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


class StopRequested(Exception):
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP was received: the launcher stops everything."""


class Children:
    """The processes this launcher started, and how they are all stopped.

    Each child runs in its own session (its own process group): a terminal's Ctrl-C reaches only
    the launcher, which stops the children, and a child's own children (a server's workers) are
    stopped with it. The signal handlers only take note: the launcher checks between steps and
    while it waits (every fraction of a second), so that a signal can never interrupt the
    stopping itself (raising from the handler did, and left the servers running without their
    parent). A second signal makes the stopping kill what is still running without waiting.
    """

    STOP_TIMEOUT = 20.0  # seconds a child has to stop after SIGTERM before it is killed
    # SIGHUP too: a closed terminal must not leave the servers running without the launcher.
    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.running: dict[str, subprocess.Popen] = {}
        self.stop_requested: str | None = None  # the name of the signal received
        self.hurry = False

    def install_signal_handlers(self) -> None:
        for signum in self.SIGNALS:
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame) -> None:
        if self.stop_requested:
            self.hurry = True
        else:
            self.stop_requested = signal.Signals(signum).name

    def check(self) -> None:
        """Raise StopRequested once a signal asked to stop (called between steps)."""
        if self.stop_requested:
            raise StopRequested(self.stop_requested)

    def pause(self, seconds: float) -> None:
        """Sleep, but notice a stop request within a fifth of a second."""
        deadline = time.monotonic() + seconds
        while True:
            self.check()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.2))

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        self.check()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with (LOG_DIR / f"{name}.log").open("a") as log:
            process = subprocess.Popen(  # noqa: S603 - our own commands
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = process
        return process

    def stopped(self) -> list[str]:
        return [name for name, process in self.running.items() if process.poll() is not None]

    def stop(self) -> None:
        """SIGTERM to every child's process group, then SIGKILL to what is left after
        STOP_TIMEOUT, or at once after a second signal."""
        for process in self.running.values():
            _signal_group(process.pid, signal.SIGCONT)  # a stopped process cannot exit
            _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.STOP_TIMEOUT
        for process in self.running.values():
            while process.poll() is None and time.monotonic() < deadline and not self.hurry:
                time.sleep(0.1)
        for process in self.running.values():
            # A group can outlive its leader (a server's workers): what is left is killed.
            if process.poll() is None or _group_alive(process.pid):
                _signal_group(process.pid, signal.SIGKILL)
            process.wait()


def _signal_when_parent_ends(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent ends (prctl
    PR_SET_PDEATHSIG). GNU make ends at once on SIGTERM and leaves its recipe running: with
    this, stopping `make run` stops the launcher, which stops everything. Elsewhere than on
    Linux, nothing (stop the launcher itself)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# Generous: loading the Rasa model takes minutes on a busy 2-core machine, and a process that
# dies is noticed at once anyway (poll below).
def _wait(children: Children, url: str, name: str, timeout: float = 600) -> None:
    process = children.running[name]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children.check()
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped at start-up: see {LOG_DIR / (name + '.log')}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            children.pause(0.5)
    raise SystemExit(f"{name} did not answer on {url} within {timeout:.0f} s")


def _staff_exists() -> bool:
    from bot.staff.accounts import list_staff

    with db.session_scope() as session:
        return bool(list_staff(session))


def prepare_database(settings: Settings) -> str:
    """Migrate the database; in development only, write the demo invitations (whose codes the
    README publishes: in any other database they would be valid invitations anyone knows).
    Returns what the demo data printed (printed with the URL to open, once all is up)."""
    db.upgrade(settings.database_url)
    if not settings.development:
        return ""
    demo = io.StringIO()
    with contextlib.redirect_stdout(demo):
        cmd_demo_data(argparse.Namespace())
    return demo.getvalue()


def main(argv: list[str] | None = None) -> int:
    # Ctrl-C and `kill` (SIGTERM: what a service manager sends) both stop every process
    # cleanly, at any moment, the start-up included. Both are handled: a background job starts
    # with SIGINT ignored.
    children = Children()
    children.install_signal_handlers()
    parser = argparse.ArgumentParser(prog="python -m bot.launcher", description=__doc__)
    parser.add_argument("--shell", action="store_true", help="talk in the terminal (rasa shell)")
    parser.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop everything, as on SIGTERM, when the process that started the launcher ends "
        "(make run: make does not pass SIGTERM on to what it runs)",
    )
    args = parser.parse_args(argv)
    if args.stop_with_parent:
        _signal_when_parent_ends(signal.SIGTERM)
    mail_server = None
    try:
        settings = get_settings()
        if not args.shell:
            try:  # the web app's: generated once under var/ in development (make run)
                load_secret(settings)
            except SessionSecretError as error:
                print(f"Not started: {error}", file=sys.stderr)
                return 2
            problem = production_problem(settings)
            if problem is not None:
                print(f"Not started: {problem}", file=sys.stderr)
                return 2
        action_port, rasa_port = _port("ACTION_PORT", 5055), _port("RASA_PORT", 5005)
        env = {
            **os.environ,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            # Rasa refuses to start on an unset ${VAR} in endpoints.yml.
            "TRACKER_STORE_URL": settings.tracker_store_url,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        # The web app proxies to this launcher's Rasa, whatever RASA_URL says.
        env["WEB_PORT"] = str(settings.web_port)
        env["RASA_URL"] = f"http://127.0.0.1:{rasa_port}"
        demo = prepare_database(settings)
        children.check()

        if settings.dev_mailbox:
            mail_server = dev_server.start(settings.smtp_port, settings.mailbox_dir)
            where = f"127.0.0.1:{settings.smtp_port}, messages in {settings.mailbox_dir}"
            print(f"Development mailbox: SMTP on {where}", flush=True)
        commands = server_commands(action_port, rasa_port, MODEL)
        for name in ("outbox", "actions"):
            children.start(name, commands[name], env)
        _wait(children, f"http://127.0.0.1:{action_port}/health", "actions")
        if args.shell:
            return _shell(children, env)
        children.start("rasa", commands["rasa"], env)
        children.start("web", web_command(), env)
        _wait(children, f"http://127.0.0.1:{rasa_port}/", "rasa")
        # /healthz answers 200 once the database, Rasa and the action server all answer.
        _wait(children, f"http://127.0.0.1:{settings.web_port}/healthz", "web")
        base = settings.public_base_url
        if demo:
            print("Demo invitations (code, country, company, state, invitation link):")
            print(demo, end="")
        if settings.dev_mailbox:
            print(f"Development mailbox (the emails sent): {base}/mailbox")
        print(f"Staff console (support and analysts): {base}/console/")
        if not _staff_exists():
            print(
                "  No staff account yet. Create the first one (the password is asked):\n"
                "  .venv/bin/python -m bot staff add you@example.com --role analyst"
                "   (or --role support)"
            )
        print(f"Logs: {LOG_DIR}. Press Ctrl-C to stop.")
        print(f"Ready: open {base}/ (English: {base}/en/)", flush=True)
        while not children.stopped():
            children.pause(1)
        stopped = ", ".join(children.stopped())
        print(f"Stopped unexpectedly: {stopped} (see {LOG_DIR})", file=sys.stderr)
        return 1
    except StopRequested as request:
        print(f"\nStopping ({request})...", flush=True)
        return 0
    finally:
        children.stop()
        if mail_server:
            mail_server.stop()


def _shell(children: Children, env: dict[str, str]) -> int:
    """`make shell`: rasa shell in this terminal (its process group: Ctrl-C reaches it too)."""
    shell = subprocess.Popen(  # noqa: S603
        [str(BIN / "rasa"), "shell", "--model", str(MODEL), "--endpoints", "endpoints.yml"],
        cwd=PROJECT_ROOT,
        env=env,
    )
    try:
        while shell.poll() is None:
            children.pause(0.2)
        return shell.returncode
    finally:
        if shell.poll() is None:
            shell.terminate()
            try:
                shell.wait(timeout=Children.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                shell.kill()
                shell.wait()


if __name__ == "__main__":
    sys.exit(main())
