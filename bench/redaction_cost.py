"""How long the tracker store's redaction takes per saved turn, by conversation length.

RedactingSQLTrackerStore redacts the whole tracker on every save (whether a message answered
the password question depends on the events before it): this prints the cost per save.

    .venv/bin/python -m bench.redaction_cost
"""

from __future__ import annotations

import time

from bot.privacy.redaction import redact_events
from tests.privacy.test_redaction import registration, user


def conversation(turns: int) -> list[dict]:
    events = registration()
    while len(events) < turns * 5:
        events += [user(f"question {len(events)} sur la facturation, code ABCD-1234-EFGH-5678")]
        events += registration()[10:15]
    return events


def main() -> None:
    for turns in (10, 50, 200):
        events = conversation(turns)
        rounds = 50
        start = time.perf_counter()
        for _ in range(rounds):
            redact_events(events, len(events) - 5)  # a turn adds about 5 events
        per_save = (time.perf_counter() - start) / rounds * 1000
        start = time.perf_counter()
        for _ in range(rounds):
            redact_events(events)
        everything = (time.perf_counter() - start) / rounds * 1000
        print(
            f"{len(events):5d} events: {per_save:6.2f} ms per save (5 new events), "
            f"{everything:6.2f} ms to redact them all"
        )


if __name__ == "__main__":
    main()
