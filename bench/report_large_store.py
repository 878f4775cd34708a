"""How fast the analysts' report reads a large tracker store, and how much memory it takes.

    .venv/bin/python bench/report_large_store.py [--copies 200]

Writes ``copies`` x 12 generated conversations (tests/analytics/analytics_data.py scenarios, about
100 events each) into a temporary SQLite store in Rasa's schema, then times
``iter_summaries`` + ``build_report`` + each rendering and prints the peak Python memory
(tracemalloc). The read is batched by conversation: memory should grow with the number of
conversations (one small summary each), not with the number of events.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "analytics")]

from sqlalchemy import create_engine, text  # noqa: E402

from bot import db  # noqa: E402
from bot.analytics.conversations import iter_summaries  # noqa: E402
from bot.analytics.report import build_report, render_csv, render_html, render_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    from analytics_data import scenarios  # imports Rasa: only the generator needs it

    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    store_url = f"sqlite:///{work / 'conversations.db'}"
    accounts_url = f"sqlite:///{work / 'onboarding.db'}"
    db.upgrade(accounts_url)
    engine = create_engine(store_url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
        templates = [(s.sender, [e.as_dict() for e in s.events]) for s in scenarios()]
        started = time.perf_counter()
        rows = 0
        for copy in range(args.copies):
            batch = []
            for sender, events in templates:
                for event in events:
                    batch.append(
                        {
                            "sender_id": f"{sender}-{copy}",
                            "type_name": event["event"],
                            "timestamp": event["timestamp"] + copy * 3600,
                            "intent_name": (event.get("parse_data") or {})
                            .get("intent", {})
                            .get("name"),
                            "action_name": event.get("name"),
                            "data": json.dumps(event),
                        }
                    )
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name,"
                    " action_name, data) VALUES (:sender_id, :type_name, :timestamp,"
                    " :intent_name, :action_name, :data)"
                ),
                batch,
            )
            rows += len(batch)
    engine.dispose()
    conversations = args.copies * len(templates)
    print(
        f"store: {conversations} conversations, {rows} events, written in "
        f"{time.perf_counter() - started:.1f} s ({work})"
    )

    tracemalloc.start()
    started = time.perf_counter()
    report = build_report(iter_summaries(store_url, accounts_url=accounts_url))
    read = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"read + figures: {read:.2f} s ({conversations / read:.0f} conversations/s, "
        f"{rows / read:.0f} events/s), peak Python memory {peak / 1e6:.1f} MB"
    )
    for name, render in (("text", render_text), ("csv", render_csv), ("html", render_html)):
        started = time.perf_counter()
        size = len(render(report))
        print(f"render {name}: {time.perf_counter() - started:.2f} s, {size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
