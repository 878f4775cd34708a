"""The staff console's page times on a large tracker store (target: every page under 1 s).

    .venv/bin/python bench/console.py [--conversations 100000] [--repeat 5]

Writes ``--conversations`` conversations over 90 days into a temporary SQLite tracker store in
Rasa's schema: the twelve conversations of tests/analytics/analytics_data.py (registrations,
failures, handoffs, questions, fallbacks; about 80 events each) for one conversation in five,
and short question-and-answer conversations (about 15 events) for the others, with the
accounts, tickets (one conversation in twenty), inbox entries and access log rows that go
with them. Then it builds the conversation index (``python -m bot conversation-index``, timed),
starts the web app, signs in as support and as analyst, and times each console page
``--repeat`` times (median and worst, in ms, and the worst's ratio to the 1 s target). Last,
it adds 100 conversations and times the first page after them (the index follows on request).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "analytics")]

from sqlalchemy import create_engine, insert, text  # noqa: E402

from bot import db  # noqa: E402

TARGET_SECONDS = 1.0
DAYS = 90
BATCH = 20_000


def templates() -> tuple[list[tuple[str, list[dict]]], list[tuple[str, list[dict]]]]:
    """(long conversations, short ones), each as (name, events with relative timestamps)."""
    from analytics_data import WEEK_1, Script, scenarios  # imports Rasa: the generator only

    def relative(script) -> list[dict]:
        events = [event.as_dict() for event in script.events]
        start = events[0]["timestamp"]
        for event in events:
            event["timestamp"] -= start
        return events

    long = [(s.sender, relative(s)) for s in scenarios()]
    short = []
    questions = [
        ("fr", "faq/free", "c'est gratuit ?"),
        ("en", "faq/free", "is it free?"),
        ("fr", "faq/where_invitation_code", "où trouver mon code d'invitation"),
        ("en", "faq/what_crn", "what is a CRN"),
        ("fr", None, "blablabla xyz"),
        ("en", None, "qwerty uiop"),
    ]
    for number, (language, faq, said) in enumerate(questions):
        script = Script(f"short-{number}", WEEK_1, language)
        if faq:
            script.faq(faq, said)
        else:
            script.not_understood(said)
        script.faq("faq/sender_address", "quelle adresse envoie les emails ?")
        short.append((script.sender, relative(script)))
    return long, short


def write_store(url: str, conversations: int) -> tuple[int, list[str]]:
    long, short = templates()
    engine = create_engine(url, future=True)
    start = datetime.now(timezone.utc) - timedelta(days=DAYS)
    spacing = DAYS * 86400 / conversations
    rows, senders, batch = 0, [], []
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
    events_table = None
    for number in range(conversations):
        name, events = long[number % len(long)] if number % 5 == 0 else short[number % len(short)]
        sender = f"{name}-{number}"
        senders.append(sender)
        at = start.timestamp() + number * spacing
        for event in events:
            data = dict(event, timestamp=event["timestamp"] + at)
            batch.append(
                {
                    "sender_id": sender,
                    "type_name": data["event"],
                    "timestamp": data["timestamp"],
                    "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        if len(batch) >= BATCH or number == conversations - 1:
            if events_table is None:
                from sqlalchemy import MetaData, Table

                events_table = Table("events", MetaData(), autoload_with=engine)
            with engine.begin() as connection:
                connection.execute(insert(events_table), batch)
            rows += len(batch)
            batch = []
    engine.dispose()
    return rows, senders


def write_accounts_and_work(database_url: str, senders: list[str]) -> None:
    from bot.models import StaffAccess, Ticket
    from bot.staff.accounts import Role, add_staff

    now = db.utcnow()
    with db.session_scope(database_url) as session:
        add_staff(session, "support@bench.example", Role.SUPPORT, BENCH_PASSWORD)
        add_staff(session, "analyst@bench.example", Role.ANALYST, BENCH_PASSWORD)
        session.execute(
            insert(Ticket),
            [
                {
                    "conversation_id": sender,
                    "language": "fr",
                    "reason": "user_request",
                    "step": "company",
                    "summary": "Company: 732 829 320 (FR)",
                    "created_at": now - timedelta(seconds=len(senders) - index),
                }
                for index, sender in enumerate(senders)
                if index % 20 == 0
            ],
        )
        session.execute(
            insert(StaffAccess),
            [
                {
                    "at": now - timedelta(minutes=i),
                    "staff_email": "analyst@bench.example",
                    "action": "transcript",
                    "target": "C-0000",
                }
                for i in range(10_000)
            ],
        )


BENCH_PASSWORD = "Bench-Console-2026!"  # noqa: S105 - a throwaway staff account


async def time_pages(app, pages: dict[str, list[str]], repeat: int) -> list[tuple]:
    import re

    from aiohttp.test_utils import TestClient, TestServer

    results = []
    async with TestClient(TestServer(app)) as client:
        for role, paths in pages.items():
            client.session.cookie_jar.clear()
            html = await (await client.get("/console/sign-in")).text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
            signed = await client.post(
                "/console/sign-in",
                data={"csrf": csrf, "email": f"{role}@bench.example", "password": BENCH_PASSWORD},
                allow_redirects=False,
            )
            assert signed.status == 302, await signed.text()
            for path in paths:
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = await client.get(path)
                    body = await response.read()
                    times.append(time.perf_counter() - started)
                    assert response.status == 200, (path, response.status)
                results.append((role, path, statistics.median(times), max(times), len(body)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", type=Path, help="the folder of an earlier run: time the pages")
    args = parser.parse_args()
    work = args.reuse or Path(tempfile.mkdtemp(prefix="console-bench-"))
    store_url = f"sqlite:///{work / 'conversations.db'}"
    database_url = f"sqlite:///{work / 'onboarding.db'}"
    os.environ.update(
        DATABASE_URL=database_url,
        TRACKER_STORE_URL=store_url,
        CONSOLE_SESSION_KEY="b" * 43 + "=",
        PUBLIC_BASE_URL="http://localhost:8000",
    )
    from bot.settings import reset_settings

    reset_settings()
    if args.reuse is None:
        db.upgrade(database_url)
        started = time.perf_counter()
        events, senders = write_store(store_url, args.conversations)
        print(
            f"store: {len(senders)} conversations, {events} events over {DAYS} days, written "
            f"in {time.perf_counter() - started:.0f} s ({work})"
        )
        write_accounts_and_work(database_url, senders)

    from bot.analytics import conversation_index

    started = time.perf_counter()
    built = conversation_index.sync(store_url, accounts_url=database_url)
    took = time.perf_counter() - started
    print(
        f"index built: {built.conversations} conversations in {took:.0f} s "
        f"({built.conversations / took:.0f} conversations/s, {built.events_read / took:.0f} "
        "events/s)"
    )
    started = time.perf_counter()
    again = conversation_index.sync(store_url, accounts_url=database_url)
    print(
        f"index, nothing new: {1000 * (time.perf_counter() - started):.0f} ms "
        f"({again.conversations} summarised again)"
    )

    from bot.settings import load_settings
    from bot.web.app import create_app

    with db.session_scope(database_url) as session:
        total = session.scalar(text("SELECT count(*) FROM conversation_summaries"))
        reference = session.scalar(
            text(
                "SELECT reference FROM conversation_summaries WHERE outcome = 'registered' "
                "ORDER BY started_at LIMIT 1 OFFSET :n"
            ),
            {
                "n": session.scalar(
                    text(
                        "SELECT count(*) / 2 FROM conversation_summaries "
                        "WHERE outcome = 'registered'"
                    )
                )
            },
        )
    print(f"index: {total} conversations")
    middle = datetime.now(timezone.utc) - timedelta(days=DAYS // 2)
    week = (middle - timedelta(days=7)).date().isoformat(), middle.date().isoformat()
    pages = {
        "support": [
            "/console/tickets",
            "/console/tickets?status=open&page=50",
            "/console/tickets/T-000100",
            "/console/accounts?email=nobody%40example.fr",
        ],
        "analyst": [
            "/console/conversations",
            "/console/conversations?language=en&outcome=abandoned",
            "/console/conversations?topic=faq/free&fallback=no",
            "/console/conversations?fallback=yes&reviewed=no&step=none",
            f"/console/conversations?since={week[0]}&until={week[1]}",
            "/console/conversations?page=1000",
            f"/console/conversations/{reference}",
            "/console/report",
            f"/console/report?language=fr&period=day&since={week[0]}&until={week[1]}",
            "/console/report.csv",
            "/console/inbox",
            "/console/access-log",
        ],
    }
    results = asyncio.run(time_pages(create_app(load_settings()), pages, args.repeat))
    print(f"\n{'page':<72}{'median ms':>10}{'worst ms':>10}{'worst/1 s':>10}{'kB':>7}")
    for role, path, median, worst, size in results:
        print(
            f"{role[:2]} {path[:68]:<69}{median * 1000:>10.0f}{worst * 1000:>10.0f}"
            f"{worst / TARGET_SECONDS:>10.2f}{size / 1000:>7.0f}"
        )
    slowest = max(results, key=lambda r: r[3])
    print(f"slowest page: {slowest[1]} worst {slowest[3] * 1000:.0f} ms")

    # 100 new conversations: the first page after them brings the index up to date.
    more, _ = write_more(store_url, 100)
    after = asyncio.run(
        time_pages(create_app(load_settings()), {"analyst": ["/console/report"]}, 1)
    )
    print(f"report after {more} new events (index follows on request): {after[0][3] * 1000:.0f} ms")


def write_more(url: str, conversations: int) -> tuple[int, None]:
    long, _ = templates()
    engine = create_engine(url, future=True)
    now = time.time()
    rows = []
    for number in range(conversations):
        name, events = long[number % len(long)]
        for event in events:
            data = dict(event, timestamp=event["timestamp"] + now - 3600)
            rows.append(
                {
                    "sender_id": f"new-{name}-{number}",
                    "type_name": data["event"],
                    "timestamp": data["timestamp"],
                    "data": json.dumps(data),
                }
            )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:sender_id, :type_name, :timestamp, :data)"
            ),
            rows,
        )
    engine.dispose()
    return len(rows), None


if __name__ == "__main__":
    main()
