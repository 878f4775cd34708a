"""Run the off-script conversation set against the real stack and report the outcomes.

    .venv/bin/python -m bench.conversations [--concurrency 3] [--only ID_OR_CATEGORY ...]
        [--model models/onboarding.tar.gz] [--json var/conversations/results.json] [--keep]

Starts the action server, the Rasa server and the outbox sender on free ports, with an SMTP
server on loopback and fresh SQLite databases in a temporary folder (as the end-to-end tests
do), creates each persona's invitation, plays the conversations ``--concurrency`` at a time,
prints a table by category and language, and writes every conversation (outcome, turns,
transcript) as JSON. A measurement, not a gate: the exit status is 0 whatever the outcomes,
1 when the stack cannot start. ``--report FILE`` prints the tables of a saved run again.

Columns: conversations completed at the first try, completed after a restart (a new
conversation, or three answers or more asked again), ended with an advisor, stuck, with an
account created under another address; then those where the assistant asked again an answer
already given ("re-asked"), whose account holds a wrong value ("wrong data"), whose last question
was not in the language the persona writes ("other lang"), that ended as the persona expected,
and the median number of messages the supplier sent.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.conversations.driver import (
    Player,
    Product,
    Result,
    prepare,
    wait_for_setup_mails,
    write_json,
)
from bench.conversations.script import load_conversations

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = ("completed", "completed_after_restart", "advisor", "stuck", "wrong_account")
HEADERS = ("completed", "restart", "advisor", "stuck", "wrong acct")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def result_from_dict(data: dict) -> Result:
    names = {f.name for f in dataclasses.fields(Result)}
    return Result(**{key: value for key, value in data.items() if key in names})


def table(results: list[Result]) -> str:
    """Outcomes by category and language, then by language, then overall (plain text)."""
    groups: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for result in results:
        groups[(result.category, result.speaks)].append(result)
        groups[("all", result.speaks)].append(result)
        groups[("all", "both")].append(result)
    header = (
        f"{'category':<20} {'lang':<4} {'n':>3} "
        + " ".join(f"{h:>10}" for h in HEADERS)
        + f" {'re-asked':>8} {'wrong data':>10} {'other lang':>10} {'expected':>8} {'turns':>6}"
    )
    lines = [header, "-" * len(header)]
    categories = sorted({c for c, _ in groups if c != "all"})
    for category in [*categories, "all"]:
        for language in ("fr", "en", "both"):
            rows = groups.get((category, language))
            if not rows:
                continue
            counts = [sum(r.outcome == o for r in rows) for o in OUTCOMES]
            wrong = sum(bool(r.wrong_data) for r in rows)
            lost = sum(bool(r.lost_answers) for r in rows)
            other = sum(r.final_language not in (None, r.speaks) for r in rows)
            expected = sum(r.as_expected for r in rows)
            turns = statistics.median(r.turns for r in rows)
            lines.append(
                f"{category:<20} {language:<4} {len(rows):>3} "
                + " ".join(f"{c:>10}" for c in counts)
                + f" {lost:>8} {wrong:>10} {other:>10} {expected:>8} {turns:>6g}"
            )
        if category == categories[-1]:
            lines.append("-" * len(header))
    return "\n".join(lines)


def details(results: list[Result]) -> str:
    """One line per conversation that did not go as expected: what happened."""
    lines = []
    for r in results:
        other_language = r.final_language not in (None, r.speaks)
        if r.as_expected and not r.wrong_data and not r.lost_answers and not other_language:
            continue
        notes = [f"{r.outcome}", f"{r.turns} turns"]
        if r.stuck_reason:
            notes.append(f"stopped: {r.stuck_reason}")
        if r.lost_answers:
            notes.append(f"asked again: {', '.join(r.lost_answers)}")
        if r.wrong_data:
            notes.append(f"wrong in the account: {', '.join(r.wrong_data)}")
        if r.handoffs:
            notes.append(f"tickets: {r.handoffs}")
        if other_language:
            notes.append(f"answered in {r.final_language}")
        lines.append(f"  {r.id:<44} " + "; ".join(notes))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conversations", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=3, help="conversations at a time")
    parser.add_argument("--only", nargs="*", help="conversation ids or categories to run")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "onboarding.tar.gz")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "var" / "conversations" / "results.json"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    parser.add_argument(
        "--wording-only",
        action="store_true",
        help="recognise questions from the replies' wording alone (checks the driver itself)",
    )
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="print the tables of a saved run, run nothing"
    )
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        results = [result_from_dict(r) for r in saved["conversations"]]
        print(
            f"{saved['date']}; load average {saved.get('load_average_before')}; "
            f"model {saved.get('model')}"
        )
        print(table(results))
        print(details(results))
        return 0

    conversations = load_conversations()
    if args.only:
        wanted = set(args.only)
        conversations = [c for c in conversations if c.id in wanted or c.category in wanted]
    if not conversations:
        print("no conversation matches --only", file=sys.stderr)
        return 2
    if not args.model.exists():
        print(f"no model at {args.model}: run `make model`", file=sys.stderr)
        return 1

    from bot import db
    from bot.launcher import server_commands
    from tests.factories import Processes, ServerDidNotStart, SmtpServer, StackEnvironment

    work = Path(tempfile.mkdtemp(prefix="conversations-"))
    load_before = _load()
    print(
        f"{len(conversations)} conversations; load average {load_before} "
        f"({os.cpu_count()} cores); work dir {work}",
        flush=True,
    )
    smtp = SmtpServer()
    smtp.start()
    environment = StackEnvironment(work, smtp_port=smtp.port)
    db.upgrade(environment.database_url)
    prepare(conversations, environment.database_url)
    commands = server_commands(
        environment.action_port, environment.rasa_port, args.model, outbox_interval=0.5
    )
    processes = Processes(work)
    started = time.monotonic()
    try:
        processes.start_all(commands, environment.env())
        try:
            processes.wait_for_stack(environment, timeout=900)
        except ServerDidNotStart as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Servers up in {time.monotonic() - started:.0f} s", flush=True)
        product = Product(
            environment.rasa_url,
            environment.database_url,
            environment.tracker_store_url,
            smtp.inbox,
            wording_only=args.wording_only,
        )
        wait_for_setup_mails(product, conversations)
        run_started = time.monotonic()

        def play(conversation):
            result = Player(conversation, product).run()
            print(f"  {result.id:<44} {result.outcome:<24} {result.turns:>3} turns", flush=True)
            return result

        with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
            results = list(pool.map(play, conversations))
        run_seconds = time.monotonic() - run_started
    finally:
        processes.stop()
        smtp.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(table(results))
    unexpected = details(results)
    if unexpected:
        print("\nNot as expected, or with answers lost or wrong:")
        print(unexpected)
    context = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "model": str(args.model),
        "cores": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": _load(),
        "concurrency": args.concurrency,
        "wording_only": args.wording_only,
        "run_seconds": round(run_seconds),
    }
    write_json(results, args.json, context)
    print(
        f"\n{context['date']}; {run_seconds:.0f} s; load average after {_load()}; JSON: {args.json}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
