"""Where the servers spend their CPU under load: py-spy samples, grouped by component.

`python -m bench.load --profile` records the Rasa server and the action server with py-spy
(sampling from outside: no code change, little overhead) and prints, for each, the share of
on-CPU samples per component (TensorFlow inference, featurizers, tracker store, ...).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

BIN = Path(sys.executable).parent

# Threads parked in these functions wait (for a socket, a job): py-spy's idle detection misses
# them with --nonblocking, so they are left out of the shares.
IDLE_LEAVES = ("(selectors.py", "(concurrent/futures/thread.py", "(threading.py", "(queue.py")
IDLE_LEAVES += ("serve (sanic/server/runners.py",)

# First match wins, most specific first: a stack is charged to one component.
COMPONENTS: list[tuple[str, tuple[str, ...]]] = [
    ("password strength (zxcvbn)", ("zxcvbn",)),
    ("password hashing", ("argon2", "passlib", "bcrypt", "hashlib.scrypt")),
    ("tracker store (SQL events)", ("tracker_store.py",)),
    (
        "remote action call (tracker to JSON, response schema check)",
        ("rasa/core/actions/action.py",),
    ),
    ("lock store", ("lock_store.py",)),
    ("TensorFlow inference (DIET, ResponseSelector)", ("tensorflow", "keras")),
    ("NLU featurizers and tokenizer", ("featurizers", "tokenizers", "sklearn")),
    ("dialogue policies (rules, memoization)", ("rasa/core/policies",)),
    ("language detection", ("langid", "bot/checks/language.py")),
    ("SQLAlchemy / database driver", ("sqlalchemy", "sqlite3", "psycopg2")),
    ("mail templates (Jinja2)", ("jinja2",)),
    ("events and tracker (de)serialisation", ("rasa/shared/core", "json/")),
    ("custom actions code (bot/, actions/)", (" (bot/", " (actions/")),
    ("HTTP servers and clients", ("sanic", "aiohttp", "rasa_sdk/endpoint")),
    ("asyncio event loop", ("asyncio",)),
]


def start(pid: int, output: Path, rate: int = 50) -> subprocess.Popen:
    """Start sampling ``pid`` (its threads included) until :func:`stop`."""
    command = [str(BIN / "py-spy"), "record", "-p", str(pid), "-f", "raw", "-o", str(output)]
    command += ["-r", str(rate), "--nonblocking"]
    return subprocess.Popen(  # noqa: S603 - our own command
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(process: subprocess.Popen) -> str:
    """Stop py-spy (SIGINT makes it write its file); returns its error output, if any."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, error = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, error = process.communicate()
    return error.decode(errors="replace") if process.returncode not in (0, None) else ""


def summarise(raw: Path) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """(samples, share per component, share per innermost function) from a py-spy raw file."""
    components: Counter = Counter()
    leaves: Counter = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        if any(idle in stack.rsplit(";", 1)[-1] for idle in IDLE_LEAVES):
            continue
        total += count
        name = next((label for label, keys in COMPONENTS if any(k in stack for k in keys)), "other")
        components[name] += count
        leaves[stack.rsplit(";", 1)[-1]] += count
    if not total:
        return 0, [], []
    share = [(name, 100 * n / total) for name, n in components.most_common()]
    top = [(name, 100 * n / total) for name, n in leaves.most_common(8)]
    return total, share, top


def report(name: str, raw: Path) -> str:
    total, share, top = summarise(raw)
    if not total:
        return f"{name}: no samples (is py-spy allowed to read the process? run as root)"
    lines = [f"{name}: {total} on-CPU samples"]
    lines += [f"  {pct:5.1f}%  {label}" for label, pct in share if pct >= 1]
    lines.append("  hottest functions (self):")
    lines += [f"  {pct:5.1f}%  {frame[:110]}" for frame, pct in top]
    return "\n".join(lines)
