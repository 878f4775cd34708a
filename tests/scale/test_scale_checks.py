"""The scale test's checks catch what they are there for: lost, duplicated or leaked events.

`make scale-test` itself needs PostgreSQL, Redis, nginx and two Rasa replicas; these tests run
its checking functions on a small SQLite events table laid out like Rasa's.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench.load import Conversation, RunResult, Turn
from bench.scale_test import check_tracker_events, replicas_per_conversation

SECRET = "Tr0ub4dor&3-Quai"


@pytest.fixture
def tracker(tmp_path):
    path = tmp_path / "tracker.db"
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
        " timestamp REAL, data TEXT)"
    )
    connection.commit()

    def add(sender: str, type_name: str, text: str | None, timestamp: float) -> None:
        data = json.dumps({"event": type_name, "text": text, "timestamp": timestamp})
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            (sender, type_name, timestamp, data),
        )
        connection.commit()

    yield f"sqlite:///{path}", add
    connection.close()


def conversation() -> Conversation:
    turns = [Turn("bonjour", "x"), Turn(SECRET, "y", secret=True), Turn("oui", "z")]
    return Conversation("c1", "registration-fr", turns)


def test_a_complete_redacted_conversation_passes(tracker):
    url, add = tracker
    add("c1", "user", "bonjour", 1.0)
    add("c1", "bot", "Bonjour !", 1.1)
    add("c1", "user", "[mot de passe masqué]", 2.0)
    add("c1", "user", "oui", 3.0)
    sent = {"c1": ["bonjour", SECRET, "oui"]}
    assert check_tracker_events(url, [conversation()], sent) == []


@pytest.mark.parametrize(
    "stored, problem",
    [
        (["bonjour", "[masqué]"], "3 messages sent, 2 user events"),  # one lost
        (["bonjour", "[masqué]", "non"], "sent 'oui', stored 'non'"),  # out of order / wrong
        (["bonjour", SECRET, "oui"], "unredacted"),  # a password written to the store
    ],
)
def test_a_lost_wrong_or_leaked_event_is_reported(tracker, stored, problem):
    url, add = tracker
    for i, text in enumerate(stored):
        add("c1", "user", text, float(i))
    problems = check_tracker_events(url, [conversation()], {"c1": ["bonjour", SECRET, "oui"]})
    assert any(problem in p for p in problems), problems


def test_a_duplicated_event_is_reported(tracker):
    url, add = tracker
    add("c1", "user", "bonjour", 1.0)
    add("c1", "user", "bonjour", 1.0)  # the same event written twice by two replicas
    problems = check_tracker_events(url, [], {"c1": ["bonjour"]})
    assert any("duplicated" in p for p in problems), problems


def test_simultaneous_messages_may_be_stored_in_either_order(tracker):
    url, add = tracker
    for i, text in enumerate(["Bonjour", "b", "a"]):
        add("burst-001", "user", text, float(i))
    assert check_tracker_events(url, [], {"burst-001": ["Bonjour", "a", "b"]}) == []
    assert check_tracker_events(url, [], {"burst-001": ["Bonjour", "a", "c"]}) != []


def test_the_nginx_log_tells_which_replica_served_each_conversation(tmp_path):
    log = tmp_path / "access.log"
    lines = [
        {"upstream": "127.0.0.1:1", "status": "200", "body": json.dumps({"sender": "c1"})},
        {"upstream": "127.0.0.1:2", "status": "200", "body": json.dumps({"sender": "c1"})},
        {"upstream": "127.0.0.1:1", "status": "200", "body": json.dumps({"sender": "c2"})},
        {"upstream": "127.0.0.1:2", "status": "200", "body": ""},  # GET / health check
    ]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    spread, per_replica = replicas_per_conversation(log)
    assert spread == {"c1": {"127.0.0.1:1", "127.0.0.1:2"}, "c2": {"127.0.0.1:1"}}
    assert per_replica == {"127.0.0.1:1": 2, "127.0.0.1:2": 2}


def test_percentiles_are_nearest_rank_in_milliseconds():
    result = RunResult("ours", 1, 1, latencies=[i / 1000 for i in range(1, 101)])
    assert (result.percentile(50), result.percentile(95), result.percentile(99)) == (
        50.0,
        95.0,
        99.0,
    )
