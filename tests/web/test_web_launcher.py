"""`make run` (python -m bot.launcher) as a user and a service manager run it: everything comes
up, the page and /healthz answer, Ctrl-C (SIGINT) and SIGTERM sent to `make run` both stop
every process and free every port, also when the signal comes during the start-up, and a
second run works without duplicating the demo data."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import db
from bot.checks.invitation_codes import normalise_code
from bot.launcher import prepare_database
from bot.models import Invitation
from bot.settings import get_settings, reset_settings
from tests.factories import SESSION_SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]
# The Rasa server loads its model in about a minute; many more on a saturated machine.
START_TIMEOUT = 900


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc (no psutil needed)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


LAUNCHER = [sys.executable, "-m", "bot.launcher"]
# `make run` itself, without re-checking the model (the tests use the one in models/).
MAKE_RUN = ["make", "--no-print-directory", "-o", "model", "run"]


class Launcher:
    def __init__(self, env: dict[str, str], command: list[str] = LAUNCHER) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # like a terminal: the test sends SIGINT itself
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        reader = threading.Thread(target=self._read, daemon=True)
        self.reader_name = reader.name
        reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, prefix: str) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            if line.startswith(prefix):
                return line
        self.stop()
        logs = "".join(
            f"--- {log.name}\n{log.read_text()[-1500:]}" for log in (ROOT / "var/log").glob("*.log")
        )
        pytest.fail(f"no {prefix!r} line:\n{''.join(self.output)}\n{logs}")

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Send ``signum`` (SIGINT: what Ctrl-C sends) to the process started; its exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signum)
        try:
            return self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise

    def rest_of_output(self, timeout: float = 90) -> str:
        """What is printed until the output closes (every process writing to it has ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.output.append(self.lines.get(timeout=0.5))
            except queue.Empty:
                if self.process.stdout.closed or not self._reader_alive():
                    break
        return "".join(self.output)

    def _reader_alive(self) -> bool:
        return any(t.name == self.reader_name and t.is_alive() for t in threading.enumerate())


def get(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def launcher_env(tmp_path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The environment of `make run` on free ports with its own databases; the ports."""
    ports = {name: free_port() for name in ("WEB_PORT", "RASA_PORT", "ACTION_PORT", "SMTP_PORT")}
    base = f"http://127.0.0.1:{ports['WEB_PORT']}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SMTP_HOST", "RASA_URL", "ACTION_ENDPOINT_URL")
    }
    env.update({name: str(port) for name, port in ports.items()})
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'onboarding.db'}",
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
        PUBLIC_BASE_URL=base,
        DEVELOPMENT="true",  # what `make run` sets
    )
    return env, ports


def rasa_in(processes: set[int]) -> bool:
    """The Rasa server (`rasa run --model ...`) is among ``processes``."""
    for pid in processes:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run" in command and b"--model" in command:
            return True
    return False


def assert_all_gone(processes: set[int], ports: dict[str, int], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [pid for pid in processes if alive(pid)]
    assert not [name for name, port in ports.items() if listening(port)]


# Each run loads the Rasa model (about 80 s): the first run is stopped as Ctrl-C does, the
# second, `make run` itself, as a service manager does (SIGTERM to make's process).
@pytest.mark.timeout(2 * START_TIMEOUT + 300)
def test_make_run_serves_the_product_and_ctrl_c_or_sigterm_stops_everything(tmp_path):
    env, ports = launcher_env(tmp_path)
    base = env["PUBLIC_BASE_URL"]
    database_url = env["DATABASE_URL"]

    for run, command, signum in ((1, LAUNCHER, signal.SIGINT), (2, MAKE_RUN, signal.SIGTERM)):
        launcher = Launcher(env, command)
        try:
            ready = launcher.wait_for("Ready: open ")
            assert ready.strip() == f"Ready: open {base}/ (English: {base}/en/)"
            printed = "".join(launcher.output)
            link = f"{base}/?invitation={normalise_code('ACME-FR00-0000-0001')}"
            assert link in printed  # the demo invitation links, ready to click
            assert f"{base}/mailbox" in printed
            assert f"{base}/console/" in printed  # the staff console, and its first account
            assert "python -m bot staff add you@example.com --role analyst" in printed
            status, sign_in = get(base + "/console/tickets")
            assert status == 200 and "Connexion à la console" in sign_in

            status, page = get(link)
            assert status == 200 and 'data-invitation-code="ACMEFR0000000001"' in page
            secret = f"launcher-secret-{run}-{time.time_ns()}"
            status, _ = get(base + f"/activate?token={secret}")
            assert status == 404  # unknown token: a page that says so
            status, health = get(base + "/healthz")
            assert status == 200
            assert json.loads(health) == {"database": True, "rasa": True, "actions": True}
            status, replies = get(
                base + "/webhooks/rest/webhook",
                json.dumps(
                    {
                        "sender": f"launcher-{run}",
                        "message": "bonjour",
                        "metadata": {"language": "fr"},
                    }
                ).encode(),
            )
            assert status == 200 and json.loads(replies)
            children = descendants(launcher.process.pid)
            assert len(children) >= 4  # outbox, actions, rasa, web
        finally:
            code = launcher.stop(signum)
        output = launcher.rest_of_output()
        if command is LAUNCHER:
            assert code == 0, output
        else:
            # make ends at once on SIGTERM; the launcher then stops everything by itself
            assert code == -signal.SIGTERM, output
        assert f"Stopping ({signal.Signals(signum).name})" in output
        assert_all_gone(children, ports)
        web_log = (ROOT / "var" / "log" / "web.log").read_text()
        assert "GET /activate 404" in web_log and secret not in web_log  # no token in logs

    with db.session_scope(database_url) as session:  # the second run created nothing again
        assert session.scalar(select(func.count(Invitation.id))) == 5
    db.dispose_engines()


def test_the_demo_invitations_go_only_into_a_development_database(tmp_path, monkeypatch):
    """Their codes are published in the README: in any other database they would be valid
    invitations that anyone knows."""
    for development, expected in (("false", 0), ("true", 5)):
        database_url = f"sqlite:///{tmp_path / f'{development}.db'}"
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("DEVELOPMENT", development)
        reset_settings()
        printed = prepare_database(get_settings())
        with db.session_scope(database_url) as session:
            assert session.scalar(select(func.count(Invitation.id))) == expected
        assert bool(printed) is bool(expected)
    reset_settings()
    db.dispose_engines()


@pytest.mark.parametrize(
    ("unset", "given", "refusal"),
    [
        ("SESSION_SECRET", {}, "SESSION_SECRET is required"),
        # the terms question would link to a page nobody serves (an outside tester's M2)
        ("TERMS_URL", {"SESSION_SECRET": SESSION_SECRET}, "TERMS_URL is required"),
    ],
)
def test_without_development_the_launcher_refuses_to_start_unsafe(tmp_path, unset, given, refusal):
    env = {k: v for k, v in os.environ.items() if k not in (unset, "DEVELOPMENT")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'onboarding.db'}", **given)
    result = subprocess.run(
        [sys.executable, "-m", "bot.launcher"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert refusal in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "onboarding.db").exists()  # nothing was prepared or started


@pytest.mark.timeout(START_TIMEOUT + 120)
def test_sigterm_during_the_start_up_stops_what_was_started_and_a_second_one_hurries(tmp_path):
    env, ports = launcher_env(tmp_path)
    launcher = Launcher(env)
    try:
        launcher.wait_for("Development mailbox: ")
        deadline = time.monotonic() + START_TIMEOUT
        # The action server answers, the Rasa server and the web app are starting: the Rasa
        # server is loading its model, the slow part of the start-up.
        while not rasa_in(descendants(launcher.process.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        children = descendants(launcher.process.pid)
        assert rasa_in(children) and len(children) >= 4, launcher.output
    finally:
        os.kill(launcher.process.pid, signal.SIGTERM)
        time.sleep(0.2)
        started = time.monotonic()
        code = launcher.stop(signal.SIGTERM)  # a second SIGTERM: kill without waiting
    assert code == 0, launcher.rest_of_output()
    assert time.monotonic() - started < 15
    assert "Stopping (SIGTERM)" in launcher.rest_of_output()
    assert_all_gone(children, ports)
