"""How `make run` (bot/launcher.py) stops what it started, on real processes: every child's
process group is stopped, what ignores SIGTERM is killed after the timeout, a second signal
kills at once, and a signal never interrupts the stopping itself.

The whole product started and stopped by SIGINT and SIGTERM: tests/web/test_web_launcher.py.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot import launcher
from bot.launcher import Children, StopRequested


@pytest.fixture
def children(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "LOG_DIR", tmp_path)
    started = Children()
    yield started
    started.hurry = True
    started.stop()


def members(pgid: int) -> list[int]:
    """The running processes of group ``pgid`` (zombies, already ended, are not counted)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def group_alive(pgid: int, seconds: float = 2) -> bool:
    """Some process of the group still runs ``seconds`` later (a killed one takes a moment)."""
    deadline = time.monotonic() + seconds
    while members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(members(pgid))


def wait_for_group(pgid: int, seconds: float = 5) -> None:
    """The shell has started its background commands (the group has more than its leader)."""
    deadline = time.monotonic() + seconds
    while len(members(pgid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_stop_ends_every_child_with_its_own_children(children):
    child = children.start("server", ["sh", "-c", "sleep 60 & sleep 60 & wait"], dict(os.environ))
    wait_for_group(child.pid)
    children.stop()
    assert child.poll() is not None
    assert not group_alive(child.pid)


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout(children, monkeypatch):
    monkeypatch.setattr(Children, "STOP_TIMEOUT", 1.0)
    child = children.start("stubborn", ["sh", "-c", "trap '' TERM; sleep 60"], dict(os.environ))
    wait_for_group(child.pid)
    started = time.monotonic()
    children.stop()
    assert 0.9 <= time.monotonic() - started < 10
    assert child.returncode == -signal.SIGKILL
    assert not group_alive(child.pid)


def test_what_a_child_leaves_in_its_group_is_killed_too(children):
    # The child ends by itself and leaves behind a process that ignores SIGTERM.
    command = ["sh", "-c", "(trap '' TERM; sleep 60) & sleep 0.5"]
    child = children.start("leaver", command, dict(os.environ))
    wait_for_group(child.pid)
    child.wait(timeout=10)
    assert members(child.pid)  # the orphaned sleep
    children.stop()
    assert not group_alive(child.pid)


def test_a_second_signal_kills_what_is_left_at_once(children, monkeypatch):
    monkeypatch.setattr(Children, "STOP_TIMEOUT", 60.0)
    child = children.start("stubborn", ["sh", "-c", "trap '' TERM; sleep 60"], dict(os.environ))
    wait_for_group(child.pid)
    children._on_signal(signal.SIGTERM, None)
    children._on_signal(signal.SIGTERM, None)  # a second Ctrl-C or SIGTERM
    started = time.monotonic()
    children.stop()
    assert time.monotonic() - started < 10
    assert not group_alive(child.pid)


def test_a_signal_only_takes_note_and_the_launcher_stops_at_its_next_step(children):
    children._on_signal(signal.SIGTERM, None)  # never raises, whatever is running
    with pytest.raises(StopRequested, match="SIGTERM"):
        children.pause(5)
    with pytest.raises(StopRequested):
        children.start("late", ["sleep", "60"], dict(os.environ))
    assert children.running == {}  # nothing started once a stop was asked
