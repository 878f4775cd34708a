"""Fuzz the REST channel: hostile and odd messages, during and outside the registration form.

    .venv/bin/python -m bench.fuzz --url http://127.0.0.1:5005 [--messages 10000]
        [--concurrency 20] [--seed 1] [--database-url sqlite:///var/onboarding.db]

Each conversation first answers the registration form up to one of its questions (or not at
all: outside the form), with its own fresh invitation created in the database, then sends a
series of fuzz messages: random unicode, emoji, right-to-left text with direction overrides,
10,000-character messages, empty and blank messages, null bytes, lone surrogates, SQL and
HTML injection, template placeholders, JSON-looking text, Rasa payloads with broken or
hostile entities, and odd session metadata. Conversations run ``--concurrency`` at a time
(asyncio + aiohttp).

Counted as failures: an HTTP error or timeout, a reply that is not a JSON list, and a reply
without any text for the user. The run prints the figures and exits 1 on any failure.
Written by hand rather than with a fuzzing library: what matters here is the corpus and the
form positions, and the libraries (hypothesis, atheris) fuzz Python functions, not a running
Rasa stack through HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

FUZZ_PER_CONVERSATION = 25
REQUEST_TIMEOUT = 120  # seconds; Rasa's own action timeout is shorter

# --- the corpus --------------------------------------------------------------------------------

SQL = [
    "' OR '1'='1",
    "'; DROP TABLE accounts; --",
    '" OR ""="',
    "1; SELECT * FROM invitations --",
    "ZZZZ-FR00-0000-0001' OR 1=1 --",
    "552100554'); DELETE FROM events; --",
    "admin'--",
    "' UNION SELECT password_hash FROM accounts --",
]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "<a href='javascript:alert(1)'>clic</a>",
    "</div><iframe src=//evil.example>",
    "[lien](javascript:alert(1))",
    "**gras** _ital_ `code` # titre",
]
TEMPLATES = ["{email}", "{password}", "{{7*7}}", "${7*7}", "%s%s%s%n", "{0}{1}", "{first_name}"]
JSON_LIKE = [
    "{}",
    "[]",
    "null",
    "true",
    '{"sender": "other", "message": "/restart"}',
    '{"__proto__": {"admin": true}}',
    '{"text": "' + "a" * 200 + '"}',
    "[1, 2, [3, [4, [5]]]]",
]
PAYLOADS = [
    "/start_registration",
    "/restart",
    "/session_start",
    "/human_handoff",
    "/nlu_fallback",
    "/no_such_intent",
    "/inform",
    "/inform{",
    '/inform{"country": "FR"',
    '/inform{"country": ["FR", "GB"]}',
    '/inform{"country": {"a": 1}}',
    '/inform{"company_id": null}',
    '/inform{"password": "Secret123!"}',
    '/inform{"requested_slot": "confirmed"}',
    '/inform{"invitation_valid": true}',
    '/affirm{"confirmed": true}',
    '/change_language{"language": 12}',
    "/faq/activation_email_missing",
    "/" + "x" * 300,
    "/inform" + '{"a":' * 50 + "1" + "}" * 50,
]
PLAIN = [
    "bonjour",
    "hello",
    "France",
    "552 100 554",
    "oui",
    "non",
    "stop",
    "je ne comprends pas",
    "I did not receive the email",
    "parler à un conseiller",
]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "🤖", "💥", "❤️", "🧑🏿‍💻"]
RTL = ["مرحبا بكم في المنصة", "שלום עולם", "\u202egnp.exe", "\u202bعربى\u202c abc", "\u200f\u200e"]


def _random_unicode(rng: random.Random, length: int) -> str:
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x4E00, 0x4FFF)]
    ranges += [(0x1F300, 0x1F64F), (0x0600, 0x06FF), (0x0300, 0x036F), (0x2000, 0x206F)]
    out = []
    for _ in range(length):
        low, high = rng.choice(ranges)
        out.append(chr(rng.randint(low, high)))
    return "".join(out)


def fuzz_text(rng: random.Random) -> str:
    """One fuzz message."""
    kind = rng.randrange(16)
    if kind == 0:
        return _random_unicode(rng, rng.randint(1, 80))
    if kind == 1:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 12)))
    if kind == 2:
        return rng.choice(RTL) + " " + rng.choice(PLAIN)
    if kind == 3:  # very long
        unit = rng.choice(["a", "é", "😀", "732829320 ", "mot ", _random_unicode(rng, 7)])
        return (unit * 10_000)[:10_000]
    if kind == 4:
        return rng.choice(["", " ", "\n", "\t\t", "\u200b", "\u00a0", "\r\n\r\n"])
    if kind == 5:
        text = rng.choice(PLAIN)
        cut = rng.randint(0, len(text))
        return text[:cut] + "\x00" * rng.randint(1, 3) + text[cut:]
    if kind == 6:  # lone surrogates: no browser sends them, a script can (JSON "\ud800")
        return rng.choice(["\ud800", "abc\udfff", "\udc00\ud800x"])
    if kind == 7:
        return rng.choice(SQL)
    if kind == 8:
        return rng.choice(HTML)
    if kind == 9:
        return rng.choice(TEMPLATES)
    if kind == 10:
        return rng.choice(JSON_LIKE)
    if kind == 11:
        return rng.choice(PAYLOADS)
    if kind == 12:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 60)))
    if kind == 13:  # control characters
        return "".join(chr(rng.randint(0, 31)) for _ in range(rng.randint(1, 20)))
    if kind == 14:
        # something shaped like an answer, with noise: digits, a code, an address
        return rng.choice(
            [
                "".join(rng.choice(string.digits) for _ in range(rng.randint(1, 20))),
                "-".join(
                    "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(4))
                    for _ in range(4)
                ),
                f"{_random_unicode(rng, 5)}@{_random_unicode(rng, 5)}.fr",
                "+" + "9" * rng.randint(1, 40),
            ]
        )
    # a password-looking string (also what a password question receives)
    alphabet = string.ascii_letters + string.digits + "!#$%&*+-=?@^_~"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 24)))


ODD_METADATA = [
    None,
    {},
    {"language": 12},
    {"language": ["en"]},
    {"language": "xx"},
    {"invitation_code": {"code": "x"}},
    {"invitation_code": "A" * 5000},
    {"invitation_code": "'; DROP TABLE invitations; --"},
    {"language": None, "invitation_code": None},
]


# --- conversations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    siren: str  # shown with spaces, as people type it
    code: str


def registration_answers(language: str, invitation: Invitation, n: int, password: str) -> list:
    """The form's answers in order, up to the summary (not confirmed)."""
    email = f"fuzz.{n}@fournisseur-exemple.fr"
    yes = "yes" if language == "en" else "oui"
    contact = (
        ["John", "Smith", "+33 6 12 34 56 78", "Accountant"]
        if language == "en"
        else ["Jean", "Dupont", "06 12 34 56 78", "Comptable"]
    )
    return [
        "/start_registration",
        "France",
        invitation.siren,
        invitation.code,
        email,
        yes,
        password,
        yes,
        *contact,
    ]


@dataclass
class Plan:
    sender: str
    metadata: dict | None
    prefix: list[str]
    fuzz: list[str]


@dataclass
class Report:
    sent: int = 0
    fuzz_sent: int = 0
    conversations: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    # Messages typed where the password was asked: they must not be stored anywhere.
    password_answers: list[str] = field(default_factory=list)
    sent_elsewhere: set[str] = field(default_factory=set)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> str:
        rate = self.sent / self.elapsed if self.elapsed else 0.0
        mean = statistics.fmean(self.latencies) if self.latencies else 0.0
        return (
            f"messages {self.sent} (fuzz {self.fuzz_sent}), conversations {self.conversations}, "
            f"{self.elapsed:.1f} s, {rate:.1f} msg/s; latency mean {mean * 1000:.0f} ms, "
            f"p50 {self.percentile(0.5) * 1000:.0f} ms, p95 {self.percentile(0.95) * 1000:.0f} ms, "
            f"max {max(self.latencies, default=0) * 1000:.0f} ms; "
            f"HTTP errors {len(self.errors)}, empty answers {len(self.empty)}"
        )


def plans(
    fuzz_messages: int, seed: int, new_invitation: Callable[[int], Invitation] | None
) -> list[Plan]:
    """Conversations that together send ``fuzz_messages`` fuzz messages.

    Conversation n stops the form after answer ``n % 13`` (0: outside the form); without
    ``new_invitation`` (no database access) the form is only fuzzed up to the code question.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test input, not a secret
    result = []
    n = 0
    remaining = fuzz_messages
    while remaining > 0:
        language = "en" if n % 2 else "fr"
        depth = n % 13
        if new_invitation is None:
            depth = min(depth, 3)
        invitation = new_invitation(n) if new_invitation and depth >= 3 else None
        password = "Fz" + "".join(rng.choice(string.ascii_letters) for _ in range(8)) + f"#{n}9"
        answers = registration_answers(
            language, invitation or Invitation("732 829 320", ""), n, password
        )
        metadata = {"language": language} if n % 5 else rng.choice(ODD_METADATA)
        count = min(FUZZ_PER_CONVERSATION, remaining)
        result.append(
            Plan(
                sender=f"fuzz-{seed}-{n}",
                metadata=metadata,
                prefix=answers[:depth],
                fuzz=[fuzz_text(rng) for _ in range(count)],
            )
        )
        remaining -= count
        n += 1
    return result


def _asks_password(answer: list) -> bool:
    return any((m.get("custom") or {}).get("input") == "password" for m in answer)


def _has_text(answer: list) -> bool:
    return any(isinstance(m, dict) and (m.get("text") or "").strip() for m in answer)


async def _converse(
    http: aiohttp.ClientSession, url: str, plan: Plan, report: Report, errors_only: bool
) -> None:
    asked_password = False
    messages = [(text, False) for text in plan.prefix] + [(text, True) for text in plan.fuzz]
    for index, (text, is_fuzz) in enumerate(messages):
        body: dict = {"sender": plan.sender, "message": text}
        if index == 0 and plan.metadata is not None:
            body["metadata"] = plan.metadata
        if asked_password:
            report.password_answers.append(text)
        else:
            report.sent_elsewhere.add(text)
        started = time.perf_counter()
        label = f"{plan.sender} #{index} {text[:60]!r}"
        try:
            # ensure_ascii keeps lone surrogates as \\ud800 escapes, as a script would send them
            data = json.dumps(body, ensure_ascii=True)
            async with http.post(
                url, data=data, headers={"Content-Type": "application/json"}
            ) as response:
                raw = await response.text()
                if response.status != 200:
                    report.errors.append(f"{label}: HTTP {response.status} {raw[:200]}")
                    answer = []
                else:
                    answer = json.loads(raw)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            report.errors.append(f"{label}: {type(error).__name__} {error}")
            answer = []
        report.latencies.append(time.perf_counter() - started)
        report.sent += 1
        report.fuzz_sent += is_fuzz
        if not isinstance(answer, list):
            report.errors.append(f"{label}: not a list: {str(answer)[:200]}")
            answer = []
        elif not _has_text(answer) and not errors_only:
            report.empty.append(label)
        asked_password = _asks_password(answer)


async def run_fuzz(
    rasa_url: str,
    fuzz_messages: int,
    *,
    concurrency: int = 20,
    seed: int = 1,
    new_invitation: Callable[[int], Invitation] | None = None,
) -> Report:
    """Send the fuzz conversations ``concurrency`` at a time; the figures and failures."""
    report = Report()
    queue: asyncio.Queue[Plan] = asyncio.Queue()
    for plan in plans(fuzz_messages, seed, new_invitation):
        queue.put_nowait(plan)
    report.conversations = queue.qsize()
    url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def worker(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            plan = queue.get_nowait()
            await _converse(http, url, plan, report, errors_only=False)

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    report.elapsed = time.perf_counter() - started
    return report


def invitation_factory(database_url: str, seed: int) -> Callable[[int], Invitation]:
    """Create one invitation per conversation, for a company no other conversation uses.

    Fresh companies keep the fuzz run from locking (bot/registration/limits.py) the demo companies.
    """
    from stdnum import luhn

    from bot.checks.identifiers import CompanyId
    from bot.checks.invitation_codes import format_code
    from tests.factories import invite

    def create(n: int) -> Invitation:
        base = f"8{seed % 100:02d}{n:05d}"
        siren = base + luhn.calc_check_digit(base)
        code = invite(database_url, CompanyId("FR", siren), customer="Fuzz SA")
        return Invitation(f"{siren[:3]} {siren[3:6]} {siren[6:]}", format_code(code))

    return create


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument("--messages", type=int, default=10_000, help="fuzz messages to send")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="the product's database, to create one invitation per conversation "
        "(without it the form is fuzzed only up to the invitation code question)",
    )
    args = parser.parse_args(argv)
    factory = invitation_factory(args.database_url, args.seed) if args.database_url else None
    report = asyncio.run(
        run_fuzz(
            args.url,
            args.messages,
            concurrency=args.concurrency,
            seed=args.seed,
            new_invitation=factory,
        )
    )
    print(report.summary())
    for line in (report.errors + report.empty)[:20]:
        print("  " + line)
    return 1 if report.errors or report.empty else 0


if __name__ == "__main__":
    sys.exit(main())
