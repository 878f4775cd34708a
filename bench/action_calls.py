"""Which messages call the action server, and how many times (`python -m bench.action_calls`).

Starts the product on free loopback ports with a counting proxy between the Rasa server and the
action server, runs the load benchmark's conversations (French and English registrations,
help-centre questions) one message at a time, and prints, for every message, the custom actions
Rasa called for it. The target (issue 17): one call per message at most, none where Rasa alone
can answer. Exit status 1 when a message made more than one call.

The proxy adds a hop: the latencies it prints are not the product's (`make bench` measures those).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

from bench.load import (
    OUR_MODEL,
    PASSWORD_GIVEN,
    Conversation,
    give_password,
    our_conversations,
)
from tests.factories import ActionCallCounter, Processes, SmtpServer, StackEnvironment


def audit(base_url: str, proxy: ActionCallCounter, conversations: list[Conversation]) -> list[dict]:
    """For each message: the conversation, the message, the actions called for it."""
    from bench.load import _reply_text

    rows: list[dict] = []

    async def run() -> None:
        url = base_url + "/webhooks/rest/webhook"
        hashing = asyncio.Semaphore(1)
        async with aiohttp.ClientSession() as http:
            for conversation in conversations:
                for index, turn in enumerate(conversation.turns, 1):
                    text = turn.text
                    if turn.masked:  # the widget's masked field: the web app's check first
                        await give_password(conversation, text, hashing, [])
                        text = PASSWORD_GIVEN
                    before = len(proxy.calls)
                    body = {"sender": conversation.sender, "message": text}
                    if conversation.metadata is not None:
                        body["metadata"] = conversation.metadata
                    async with http.post(url, json=body) as response:
                        replies = await response.json()
                    ok = turn.expect.lower() in _reply_text(replies).lower()
                    rows.append(
                        {
                            "conversation": conversation.kind,
                            "message": index,
                            "text": "[secret]" if turn.secret else turn.text,
                            "calls": proxy.of(conversation.sender, before),
                            "answered_as_expected": ok,
                        }
                    )

    asyncio.run(run())
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.action_calls", description=__doc__)
    parser.add_argument("--model", type=Path, default=OUR_MODEL)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    args = parser.parse_args(argv)

    from bot import db
    from bot.launcher import server_commands

    work = Path(tempfile.mkdtemp(prefix="action-calls-"))
    smtp = SmtpServer()
    smtp.start()
    environment = StackEnvironment(work, smtp_port=smtp.port)
    db.upgrade(environment.database_url)
    proxy = ActionCallCounter(environment.action_endpoint_url)
    proxy.start()
    env = {**environment.env(), "ACTION_ENDPOINT_URL": proxy.url}
    commands = server_commands(
        environment.action_port, environment.rasa_port, args.model, outbox_interval=2
    )
    processes = Processes(work)
    try:
        processes.start_all(commands, env)
        processes.wait_for_stack(environment, timeout=900)
        started = time.perf_counter()
        conversations = our_conversations(environment.database_url, 4)
        rows = audit(environment.rasa_url, proxy, conversations)
    finally:
        processes.stop()
        proxy.stop()
        smtp.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    width = max(len(r["text"]) for r in rows)
    for row in rows:
        calls = ", ".join(row["calls"]) or "-"
        flag = " <-- more than one" if len(row["calls"]) > 1 else ""
        wrong = "" if row["answered_as_expected"] else " (unexpected answer)"
        print(
            f"{row['conversation']:<16} {row['message']:>2}  {row['text'][:width]:<{width}}  "
            f"{calls}{flag}{wrong}"
        )
    per_message = Counter(len(r["calls"]) for r in rows)
    print(
        f"\n{len(rows)} messages in {time.perf_counter() - started:.0f} s; calls per message: "
        + ", ".join(f"{n}: {per_message[n]}" for n in sorted(per_message))
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 1 if any(len(r["calls"]) > 1 for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
