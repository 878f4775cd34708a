"""`make run`: prepare and start every process of the product, stop them all on Ctrl-C.

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
from bot.settings import PROJECT_ROOT, VAR_DIR, Settings, get_settings
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


def _start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = (LOG_DIR / f"{name}.log").open("a")
    return subprocess.Popen(  # noqa: S603 - our own commands
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C is handled here, children are stopped in order
    )


# Generous: loading the Rasa model takes minutes on a busy 2-core machine, and a process that
# dies is noticed at once anyway (poll below).
def _wait(url: str, process: subprocess.Popen, name: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped at start-up: see {LOG_DIR / (name + '.log')}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{name} did not answer on {url} within {timeout:.0f} s")


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


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


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    # Ctrl-C and `kill` both stop every process cleanly, also when started from a script
    # (a background job starts with SIGINT ignored, and SIGTERM would kill only this process).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(prog="python -m bot.launcher", description=__doc__)
    parser.add_argument("--shell", action="store_true", help="talk in the terminal (rasa shell)")
    args = parser.parse_args(argv)

    settings = get_settings()
    if not args.shell:
        try:  # the web app's: generated once under var/ in development (make run)
            load_secret(settings)
        except SessionSecretError as error:
            print(f"Not started: {error}", file=sys.stderr)
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

    mail_server = None
    if settings.dev_mailbox:
        mail_server = dev_server.start(settings.smtp_port, settings.mailbox_dir)
        where = f"127.0.0.1:{settings.smtp_port}, messages in {settings.mailbox_dir}"
        print(f"Development mailbox: SMTP on {where}")
    commands = server_commands(action_port, rasa_port, MODEL)
    processes = {name: _start(name, commands[name], env) for name in ("outbox", "actions")}
    try:
        _wait(f"http://127.0.0.1:{action_port}/health", processes["actions"], "actions")
        if args.shell:
            return subprocess.call(  # noqa: S603
                [str(BIN / "rasa"), "shell", "--model", str(MODEL), "--endpoints", "endpoints.yml"],
                cwd=PROJECT_ROOT,
                env=env,
            )
        processes["rasa"] = _start("rasa", commands["rasa"], env)
        processes["web"] = _start("web", web_command(), env)
        _wait(f"http://127.0.0.1:{rasa_port}/", processes["rasa"], "rasa")
        # /healthz answers 200 once the database, Rasa and the action server all answer.
        _wait(f"http://127.0.0.1:{settings.web_port}/healthz", processes["web"], "web")
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
        while all(p.poll() is None for p in processes.values()):
            time.sleep(1)
        stopped = [name for name, p in processes.items() if p.poll() is not None]
        print(f"Stopped unexpectedly: {', '.join(stopped)} (see {LOG_DIR})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...")
        return 0
    finally:
        _stop(processes)
        if mail_server:
            mail_server.stop()


if __name__ == "__main__":
    sys.exit(main())
