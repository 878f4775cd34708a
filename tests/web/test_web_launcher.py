"""`make run` (python -m bot.launcher) as a user runs it: everything comes up, the page and
/healthz answer, Ctrl-C stops every process and frees every port, and a second run works
without duplicating the demo data."""

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
from tests.factories import free_port

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


class Launcher:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # like a terminal: the test sends SIGINT itself
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

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

    def stop(self) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)  # what Ctrl-C sends
        try:
            return self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


def get(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.timeout(2 * START_TIMEOUT + 300)
def test_make_run_serves_the_product_and_ctrl_c_stops_everything(tmp_path):
    ports = {name: free_port() for name in ("WEB_PORT", "RASA_PORT", "ACTION_PORT", "SMTP_PORT")}
    base = f"http://127.0.0.1:{ports['WEB_PORT']}"
    database_url = f"sqlite:///{tmp_path / 'onboarding.db'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SMTP_HOST", "RASA_URL", "ACTION_ENDPOINT_URL")
    }
    env.update({name: str(port) for name, port in ports.items()})
    env.update(
        DATABASE_URL=database_url,
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'conversations.db'}",
        PUBLIC_BASE_URL=base,
        DEVELOPMENT="true",  # what `make run` sets
    )

    for run in (1, 2):
        launcher = Launcher(env)
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
            code = launcher.stop()
        assert code == 0, "".join(launcher.output)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [pid for pid in children if alive(pid)]
        assert not [name for name, port in ports.items() if listening(port)]
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


def test_without_development_the_launcher_needs_a_session_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SESSION_SECRET", "DEVELOPMENT")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'onboarding.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot.launcher"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "SESSION_SECRET is required" in result.stderr
    assert not (tmp_path / "onboarding.db").exists()  # nothing was prepared or started
