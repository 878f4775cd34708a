"""Fuzz run through the REST channel of the running stack (bench/fuzz.py).

FUZZ_MESSAGES fuzz messages (10,000 by default; each conversation also sends its form answers
first) from 20 conversations at a time, during and outside the registration form. Every
message must get an HTTP 200 with something for the user to read, the servers must log no
stack trace, and no message typed where the password was asked may be stored in clear in the
tracker store or published to the event broker.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from pathlib import Path

from bench.fuzz import invitation_factory, run_fuzz

FUZZ_MESSAGES = int(os.environ.get("FUZZ_MESSAGES") or 10_000)
CONCURRENCY = int(os.environ.get("FUZZ_CONCURRENCY") or 20)

# What Python and Sanic print for an unhandled error, and every ERROR line of the servers
# (a custom action that failed, a tracker store that could not save...).
CRASH = re.compile(
    r"Traceback \(most recent call last\)|Exception occurred while handling uri|\bERROR\b"
)


def log_sizes(log_dir: Path) -> dict[Path, int]:
    return {log: log.stat().st_size for log in log_dir.glob("*.log")}


def new_log_text(sizes: dict[Path, int]) -> dict[str, str]:
    texts = {}
    for log, size in sizes.items():
        with log.open("rb") as file:
            file.seek(size)
            texts[log.name] = file.read().decode("utf-8", "replace")
    return texts


def stored_texts(log_dir: Path) -> str:
    """Everything the tracker store and the event broker hold, as text."""
    parts = []
    database = log_dir / "conversations.db"
    if database.exists():
        with sqlite3.connect(database) as connection:
            parts += [row[0] for row in connection.execute("SELECT data FROM events")]
    broker = log_dir / "broker.jsonl"
    if broker.exists():
        parts.append(broker.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_fuzz_through_the_rest_channel(servers):
    sizes = log_sizes(servers.log_dir)
    report = asyncio.run(
        run_fuzz(
            servers.rasa_url,
            FUZZ_MESSAGES,
            concurrency=CONCURRENCY,
            seed=int(os.environ.get("FUZZ_SEED") or 1),
            new_invitation=invitation_factory(servers.database_url, seed=7),
        )
    )
    print("\nfuzz:", report.summary())

    assert report.fuzz_sent >= FUZZ_MESSAGES
    assert report.errors == [], report.errors[:10]
    # Every input is answered, Rasa's built-in "/restart" and "/session_start" typed as text too.
    assert report.empty == []
    crashes = {
        name: [line[:300] for line in text.splitlines() if CRASH.search(line)]
        for name, text in new_log_text(sizes).items()
    }
    assert {name: lines for name, lines in crashes.items() if lines} == {}

    # Passwords: whatever was typed at the password question is stored nowhere in clear.
    # Long, distinctive answers only (short ones like "oui" legitimately appear elsewhere),
    # and those that JSON stores as they are (no escapes), so that a search can find them.
    secrets = {
        text
        for text in report.password_answers
        if len(text) >= 8
        and text not in report.sent_elsewhere
        and text.isascii()
        and text.isprintable()
        and not set(text) & {'"', "\\"}
    }
    assert secrets, "the fuzz run never reached the password question"
    stored = stored_texts(servers.log_dir)
    assert stored, "nothing stored: the tracker store is not the configured one"
    leaked = [secret for secret in secrets if secret in stored]
    assert leaked == []
