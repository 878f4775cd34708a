"""Load and latency benchmark through the REST channel (`make bench`).

Runs N concurrent scripted conversations (registrations with a fresh invitation each, and
help-centre questions, in French and English) against our assistant, and the same client
against a bare Rasa 3.6 assistant (`rasa init --no-prompt`, moodbot) as a reference. Prints
per-message latency p50/p95/p99, throughput, errors and the server processes' peak RSS, then,
for each concurrency level, the ratios ours / bare of p50, p95, throughput, the Rasa server's peak
RSS and the cold start (launch to the first answer, each server started alone), and the
per-message cost (latency and the servers' CPU time) at message 5 and at message 50 of one
conversation. The figures go to var/bench/last-run.json (or --json).

The password is given as the widget gives it: the masked field posts it to the web app, which
checks it and keeps its Argon2id hash in the conversation's draft (``bot.web.chat.
accept_password``, called here in a thread, at most ``HASHES_AT_ONCE`` at once as in the web
app), and the assistant then gets ``/password_given``. The check's time is reported on its own
("password checks"); the message latencies are the assistant's, as for every other message.

A message is an error when the HTTP call fails or times out, or when the reply lacks the words
the script expects (a wrong answer under load is a failure, not a fast reply).

The bench starts its own servers on free loopback ports with a temporary SQLite database and
an SMTP server on loopback; the bare model is trained once and cached under var/bench/bare.
`bench/scale_test.py` reuses the client (`run_conversations`) against nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.web.chat import HASHES_AT_ONCE, accept_password
from tests.factories import (
    BIN,
    CUSTOMER,
    PASSWORD,
    ROOT,
    Processes,
    SmtpServer,
    StackEnvironment,
    free_port,
)

BENCH_DIR = ROOT / "var" / "bench"
BARE_DIR = BENCH_DIR / "bare"
OUR_MODEL = ROOT / "models" / "onboarding.tar.gz"


# --- conversations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    text: str
    expect: str  # words the reply must contain, case-insensitive
    secret: bool = False  # a password or an invitation code: stored redacted
    # the widget's masked field: the text goes to the web app's password check, the assistant
    # gets "/password_given"
    masked: bool = False


@dataclass
class Conversation:
    sender: str
    kind: str
    turns: list[Turn]
    metadata: dict | None = None
    email: str | None = None  # the account this conversation creates, if any
    database_url: str | None = None  # where the web app keeps a masked password's hash


def _siren(rng: random.Random) -> str:
    from stdnum import luhn

    body = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    return body + luhn.calc_check_digit(body)


def _letters(value: int | str) -> str:
    """A number as letters: an address like jean.dupont, not one the redaction takes for a
    code (a token with digits in it may be masked in the tracker store)."""
    number = int(value, 16) if isinstance(value, str) else value
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if not number:
            return word


@dataclass(frozen=True)
class Registration:
    country: str  # "FR" or "GB"
    company_id: str
    code: str
    email: str
    database_url: str


def create_invitations(database_url: str, french: int, english: int) -> list[Registration]:
    """Fresh invitations (one per registration), each for its own company, in the database."""
    from bot import db
    from bot.checks.identifiers import CompanyId
    from bot.checks.invitation_codes import format_code
    from tests.factories import add_invitation

    run = uuid.uuid4().hex[:8]
    rng = random.Random(run)  # noqa: S311 - test data, not secrets
    sirens: set[str] = set()
    while len(sirens) < french:
        sirens.add(_siren(rng))
    crns = {f"SC{n:06d}" for n in rng.sample(range(1, 1_000_000), english)}
    companies = [("FR", s) for s in sorted(sirens)] + [("GB", c) for c in sorted(crns)]
    registrations = []
    with db.session_scope(database_url) as session:
        for i, (country, company_id) in enumerate(companies):
            invitation = add_invitation(session, CompanyId(country, company_id), customer=CUSTOMER)
            domain = "acme-industrie.fr" if country == "FR" else "northwind.co.uk"
            email = f"{_letters(run)}.{_letters(i)}@{domain}"
            registrations.append(
                Registration(country, company_id, format_code(invitation.code), email, database_url)
            )
    return registrations


def registration_fr(reg: Registration, typed_password: bool = False) -> Conversation:
    """Typed from the first message, as a supplier who has the invitation email open."""
    siren = f"{reg.company_id[:3]} {reg.company_id[3:6]} {reg.company_id[6:]}"
    turns = [
        Turn("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
        Turn("c'est en France", "SIREN"),
        Turn(siren, "code d'invitation"),
        Turn(reg.code.lower(), "adresse email", secret=True),
        Turn(reg.email, reg.email),
        Turn("oui", "mot de passe"),
        Turn(PASSWORD, "Conditions Générales", secret=True, masked=not typed_password),
        Turn("J'accepte", "prénom"),
        Turn("Jean", "nom de famille"),
        Turn("Dupont", "téléphone"),
        Turn("06 12 34 56 78", "fonction"),
        Turn("Comptable", "récapitulatif"),
        Turn("oui", "noreply@sis-id.com"),
    ]
    return Conversation(
        uuid.uuid4().hex,
        "registration-fr",
        turns,
        {"language": "fr"},
        email=reg.email,
        database_url=reg.database_url,
    )


def registration_en(reg: Registration, typed_password: bool = False) -> Conversation:
    """From the invitation link: the widget passes the code in the metadata."""
    turns = [
        Turn("/start_registration", "invitation code is already filled in"),
        Turn("United Kingdom", "Companies House number"),
        Turn(reg.company_id, f"invitation from {CUSTOMER}"),
        Turn(reg.email, "is it correct"),
        Turn("yes", "password"),
        Turn(PASSWORD, "Terms of Use", secret=True, masked=not typed_password),
        Turn("I accept", "first name"),
        Turn("John", "last name"),
        Turn("Smith", "phone number"),
        Turn("020 7946 0958", "job title"),
        Turn("skip", "summary"),
        Turn("yes", "noreply@sis-id.com"),
    ]
    metadata = {"language": "en", "invitation_code": reg.code}
    return Conversation(
        uuid.uuid4().hex,
        "registration-en",
        turns,
        metadata,
        email=reg.email,
        database_url=reg.database_url,
    )


def faq_fr() -> Conversation:
    turns = [
        Turn("Bonjour", "assistant My Sis ID"),
        Turn("où trouver le code d'invitation ?", "email d'invitation"),
        Turn("c'est quoi un SIREN", "9 chiffres"),
        Turn("je n'ai pas reçu d'invitation", "invitation de votre client"),
        Turn("au revoir", "au revoir"),
    ]
    return Conversation(uuid.uuid4().hex, "faq-fr", turns, {"language": "fr"})


def faq_en() -> Conversation:
    turns = [
        Turn("Hello", "My Sis ID assistant"),
        Turn("where do I find the invitation code?", "invitation email"),
        Turn("what is a SIREN?", "9-digit"),
        Turn("I never received an invitation", "by invitation from your customer"),
        Turn("goodbye", "goodbye"),
    ]
    return Conversation(uuid.uuid4().hex, "faq-en", turns, {"language": "en"})


def our_conversations(
    database_url: str, count: int, *, typed_passwords: bool = False
) -> list[Conversation]:
    """``count`` conversations, a quarter of each kind, interleaved. The password is given in
    the widget's masked field, or typed in the chat (``typed_passwords``: the assistant then
    checks and hashes it, and its conversation log must hold it masked)."""
    per_kind = [count // 4 + (1 if i < count % 4 else 0) for i in range(4)]
    registrations = create_invitations(database_url, per_kind[0], per_kind[2])
    french = [registration_fr(r, typed_passwords) for r in registrations if r.country == "FR"]
    english = [registration_en(r, typed_passwords) for r in registrations if r.country == "GB"]
    kinds = [
        french,
        [faq_fr() for _ in range(per_kind[1])],
        english,
        [faq_en() for _ in range(per_kind[3])],
    ]
    mixed = []
    for i in range(max(per_kind)):
        mixed += [kind[i] for kind in kinds if i < len(kind)]
    return mixed


def moodbot_conversations(count: int) -> list[Conversation]:
    """The bare `rasa init` assistant's two paths, in the same proportions every run."""
    happy = [
        Turn("hello", "how are you"),
        Turn("I am great", "carry on"),
        Turn("bye", "bye"),
    ]
    sad = [
        Turn("hi", "how are you"),
        Turn("I am very sad", "did that help you"),
        Turn("yes", "carry on"),
        Turn("goodbye", "bye"),
    ]
    return [
        Conversation(uuid.uuid4().hex, "moodbot", list(happy if i % 2 else sad))
        for i in range(count)
    ]


# The per-message cost at message 5 and at message 50 of one conversation: the same kind of
# message at both places (a help-centre question asked during the registration, which the form
# then asks again: NLU, rules, one action call, the tracker store), so that any difference is the
# conversation's length. 5 questions cycle: messages 5 and 50 are the same question.
GROWTH_MESSAGES = (5, 50)
_QUESTIONS_FR = [
    Turn("où trouver le code d'invitation ?", "email d'invitation"),
    Turn("c'est quoi un SIREN", "9 chiffres"),
    Turn("je n'ai pas reçu d'invitation", "invitation de votre client"),
    Turn("où trouver le code d'invitation ?", "email d'invitation"),
    Turn("c'est quoi un SIREN", "9 chiffres"),
]


def long_registration_fr(length: int = 52) -> Conversation:
    """A registration that stops at the SIREN question while the supplier asks questions."""
    turns = [
        Turn("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
        Turn("c'est en France", "SIREN"),
    ]
    while len(turns) < length:
        turns.append(_QUESTIONS_FR[(len(turns) - 2) % len(_QUESTIONS_FR)])
    return Conversation(uuid.uuid4().hex, "long-fr", turns, {"language": "fr"})


def long_moodbot(length: int = 52) -> Conversation:
    """The bare assistant's paths over and over; messages 5 and 50 are the same message."""
    cycle = [
        Turn("hello", "how are you"),
        Turn("I am great", "carry on"),
        Turn("hi", "how are you"),
        Turn("I am very sad", "did that help you"),
        Turn("yes", "carry on"),
    ]
    turns = [cycle[i % len(cycle)] for i in range(length)]
    return Conversation(uuid.uuid4().hex, "long-moodbot", turns)


# --- the client --------------------------------------------------------------------------------


@dataclass
class RunResult:
    label: str
    concurrency: int
    conversations: int
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered message
    # the same latencies by step ("registration-fr turn 7"): which turns make the tail
    by_step: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # senders whose every turn succeeded
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> texts sent, in order
    wall_seconds: float = 0.0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    # per conversation, the latency (s) and the servers' CPU time (s) of each message, in order
    # (filled when run_conversations is given the servers' pids; meaningful at concurrency 1)
    per_turn: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    # seconds of each password check of the masked field (the web app's work, not a message)
    password_checks: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        """Latency at quantile ``q`` (0-100) in milliseconds; nearest-rank on sorted data."""
        return _percentile(self.latencies, q)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_seconds if self.wall_seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "concurrency": self.concurrency,
            "conversations": self.conversations,
            "completed": len(self.completed),
            "messages": len(self.latencies),
            "errors": len(self.errors),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies or [0.0]) * 1000, 1),
            "messages_per_s": round(self.throughput, 2),
            "wall_s": round(self.wall_seconds, 1),
            "peak_rss_mb": {k: round(v) for k, v in self.peak_rss_mb.items()},
            "first_errors": self.errors[:10],
            "slowest_steps_mean_ms": {k: round(v * 1000) for k, v in self.slowest_steps()},
            "password_checks": len(self.password_checks),
            "password_check_p50_ms": round(_percentile(self.password_checks, 50), 1),
            "password_check_p95_ms": round(_percentile(self.password_checks, 95), 1),
        }

    def slowest_steps(self, count: int = 5) -> list[tuple[str, float]]:
        """The ``count`` steps with the highest mean latency (seconds), slowest first."""
        means = {step: statistics.fmean(values) for step, values in self.by_step.items()}
        return sorted(means.items(), key=lambda item: -item[1])[:count]


def _percentile(seconds: Sequence[float], q: float) -> float:
    """Quantile ``q`` (0-100) in milliseconds; nearest-rank on sorted data."""
    if not seconds:
        return float("nan")
    ordered = sorted(seconds)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1] * 1000


def _reply_text(replies: list[dict]) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes and their descendants, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0, list(pids), set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
        todo += _children(current)
    return total / tick


async def _converse(
    http: aiohttp.ClientSession,
    url: str,
    conversation: Conversation,
    result: RunResult,
    timeout: float,
    pids: Sequence[int],
    hashing: asyncio.Semaphore,
) -> None:
    sent = result.sent.setdefault(conversation.sender, [])
    per_turn = result.per_turn.setdefault(conversation.sender, []) if pids else None
    for index, turn in enumerate(conversation.turns):
        where = f"{conversation.kind} {conversation.sender[:8]} turn {index + 1}"
        text = turn.text
        if turn.masked:
            unmet = await give_password(conversation, turn.text, hashing, result.password_checks)
            if unmet:
                result.errors.append(f"{where}: the password check refused it: {unmet}")
                return
            text = PASSWORD_GIVEN
        cpu_before = cpu_seconds(pids) if pids else 0.0
        body: dict = {"sender": conversation.sender, "message": text}
        if conversation.metadata is not None:
            body["metadata"] = conversation.metadata
        started = time.perf_counter()
        sent.append(text)
        try:
            async with http.post(
                url, json=body, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                raw = await response.text()
                elapsed = time.perf_counter() - started
                if response.status != 200:
                    result.errors.append(f"{where}: HTTP {response.status} {raw[:200]!r}")
                    return
                replies = json.loads(raw)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            result.errors.append(f"{where}: {type(error).__name__}: {error}")
            return
        result.latencies.append(elapsed)
        if per_turn is not None:
            per_turn.append((elapsed, cpu_seconds(pids) - cpu_before))
        result.by_step.setdefault(f"{conversation.kind} turn {index + 1}", []).append(elapsed)
        if turn.expect.lower() not in _reply_text(replies).lower():
            shown = "[secret]" if turn.secret else repr(turn.text)
            result.errors.append(
                f"{where}: {shown} expected {turn.expect!r}, got {_reply_text(replies)[:200]!r}"
            )
            return
    result.completed.append(conversation.sender)


# The widget's payload once the web app has kept the password (bot/web/static/widget.js).
PASSWORD_GIVEN = "/password_given"  # noqa: S105 - a payload, not a password


async def give_password(
    conversation: Conversation,
    password: str,
    hashing: asyncio.Semaphore,
    timings: list[float],
) -> list[str]:
    """What the web app does for the widget's masked field, with its own function, ``hashing``
    bounding the checks at once as the web app does; the time taken appended to ``timings``.
    Returns the unmet rules (empty: accepted and kept in the draft)."""
    if conversation.database_url is None:
        raise ValueError("a masked turn needs the conversation's database_url")
    started = time.perf_counter()
    async with hashing:
        unmet = await asyncio.to_thread(
            accept_password, conversation.database_url, conversation.sender, password
        )
    timings.append(time.perf_counter() - started)
    if unmet is None:
        raise RuntimeError(f"{conversation.sender}: the password was not asked (no address)")
    return unmet


async def run_conversations(
    base_url: str,
    conversations: Sequence[Conversation],
    concurrency: int,
    *,
    label: str = "",
    timeout: float = 120.0,
    pids: Sequence[int] = (),
) -> RunResult:
    """Run the conversations, at most ``concurrency`` at once; each waits for every reply.

    With ``pids`` (the servers' processes), each message's CPU time is recorded too.
    """
    result = RunResult(label, concurrency, len(conversations))
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    gate = asyncio.Semaphore(concurrency)
    hashing = asyncio.Semaphore(HASHES_AT_ONCE)  # the web app's limit on password checks
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def one(conversation: Conversation) -> None:
        async with gate:
            await _converse(http, url, conversation, result, timeout, pids, hashing)

    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in conversations))
        result.wall_seconds = time.perf_counter() - started
    return result


# --- server processes ----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kb(current)
        todo += _children(current)
    return total / 1024


class RssSampler:
    """Samples the RSS of process trees in a thread and keeps each one's peak.

    /proc is read directly rather than through psutil: it is four lines, and psutil is not
    otherwise a dependency of the project.
    """

    def __init__(self, processes: dict[str, int], interval: float = 0.2) -> None:
        self.processes = processes
        self.interval = interval
        self.peaks = dict.fromkeys(processes, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.processes.items():
                self.peaks[name] = max(self.peaks[name], tree_rss_mb(pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bare_model() -> Path:
    """The moodbot model, trained once by `rasa init --no-prompt` and cached."""
    models = sorted((BARE_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    shutil.rmtree(BARE_DIR, ignore_errors=True)
    BARE_DIR.mkdir(parents=True)
    print(f"Training the bare reference assistant in {BARE_DIR} (once)...", flush=True)
    subprocess.run(  # noqa: S603
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", "."],
        cwd=BARE_DIR,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    models = sorted((BARE_DIR / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model in {BARE_DIR / 'models'}")
    return models[-1]


def rasa_command(model: Path, port: int, credentials: Path, endpoints: Path | None) -> list[str]:
    command = [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port)]
    command += ["--credentials", str(credentials)]
    if endpoints is not None:
        command += ["--endpoints", str(endpoints)]
    return command


# --- the benchmark ----------------------------------------------------------------------------


class Profiler:
    """py-spy on each watched process for the duration of a ``with`` block (when enabled)."""

    def __init__(self, enabled: bool, tag: str, processes: dict[str, int]) -> None:
        self.enabled, self.tag, self.processes = enabled, tag, processes
        self.running: dict[str, tuple[subprocess.Popen, Path]] = {}

    def __enter__(self) -> Profiler:
        if self.enabled:
            from bench import profile

            BENCH_DIR.mkdir(parents=True, exist_ok=True)
            for name, pid in self.processes.items():
                raw = BENCH_DIR / f"profile-{self.tag}-{name}.txt"
                self.running[name] = (profile.start(pid, raw), raw)
        return self

    def __exit__(self, *exc: object) -> None:
        from bench import profile

        for name, (process, raw) in self.running.items():
            error = profile.stop(process)
            if error or not raw.exists():
                print(f"py-spy on {name} failed: {error.strip()[-300:]}")
                continue
            print(profile.report(f"Profile {self.tag} {name} ({raw})", raw), flush=True)


def _table(results: Iterable[RunResult]) -> str:
    header = (
        f"{'server':<6} {'conc':>4} {'convs':>5} {'done':>5} {'msgs':>5} {'errors':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'msg/s':>6}  peak RSS MB"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in r.peak_rss_mb.items())
        lines.append(
            f"{r.label:<6} {r.concurrency:>4} {r.conversations:>5} {len(r.completed):>5} "
            f"{len(r.latencies):>5} {len(r.errors):>6} {r.percentile(50):>7.0f} "
            f"{r.percentile(95):>7.0f} {r.percentile(99):>7.0f} {r.throughput:>6.1f}  {rss}"
        )
    return "\n".join(lines)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def growth(results: Sequence[RunResult]) -> dict:
    """Latency and servers' CPU at messages 5 and 50 (GROWTH_MESSAGES), median over the
    conversations, from run_conversations(..., pids=...) at concurrency 1."""
    figures: dict = {}
    turns = [t for r in results for t in r.per_turn.values()]
    for message in GROWTH_MESSAGES:
        at = [t[message - 1] for t in turns if len(t) >= message]
        if at:
            figures[message] = {
                "latency_ms": round(statistics.median(a for a, _ in at) * 1000, 1),
                "cpu_ms": round(statistics.median(c for _, c in at) * 1000, 1),
                "conversations": len(at),
            }
    first, last = GROWTH_MESSAGES
    if first in figures and last in figures:
        for key in ("latency_ms", "cpu_ms"):
            base = figures[first][key]
            figures[f"{key}_ratio_{last}_{first}"] = (
                round(figures[last][key] / base, 2) if base else None
            )
    return figures


def _ratio(mine: float, ref: float) -> float | None:
    return round(mine / ref, 2) if ref and not math.isnan(ref) and not math.isnan(mine) else None


def cold_start(
    processes: Processes, names_and_urls: Sequence[tuple[str, str]], base_url: str, first: Turn
) -> float:
    """Seconds from now (the processes were just launched) until every server answers and the
    assistant replied to a first message: what a user waits for after a (re)start."""
    started = time.perf_counter()
    for name, url in names_and_urls:
        processes.wait(name, url, 900)
    conversation = Conversation(uuid.uuid4().hex, "cold", [first])
    result = asyncio.run(run_conversations(base_url, [conversation], 1, label="cold"))
    if result.errors:
        raise RuntimeError(f"first message after start failed: {result.errors}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument(
        "--concurrency", default="1,20,100", help="comma-separated levels (default 1,20,100)"
    )
    parser.add_argument(
        "--min-conversations",
        type=int,
        default=12,
        help="conversations per level at least (default 12; a level runs max(this, concurrency))",
    )
    parser.add_argument(
        "--long-conversations",
        type=int,
        default=5,
        help="conversations of 52 messages, one at a time, for the cost at message 5 and 50 "
        "(default 5; 0 skips)",
    )
    parser.add_argument("--no-reference", action="store_true", help="skip the bare assistant")
    parser.add_argument("--model", type=Path, default=OUR_MODEL)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the servers with py-spy during each level; print where the CPU goes",
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]

    from bot import db
    from bot.launcher import server_commands

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    print(f"Load average before start: {_load()} ({os.cpu_count()} cores); work dir {work}")
    credentials = work / "credentials.yml"
    credentials.write_text("rest:\n")
    smtp = SmtpServer()
    smtp.start()
    # endpoints.yml keeps the conversations in this SQL database: the product as it runs.
    environment = StackEnvironment(work, smtp_port=smtp.port)
    database_url = environment.database_url
    db.upgrade(database_url)
    bare_port = free_port()
    env = environment.env()
    commands = server_commands(
        environment.action_port, environment.rasa_port, args.model, outbox_interval=2
    )
    processes = Processes(work)
    results: list[RunResult] = []
    long_runs: dict[str, RunResult] = {}
    cold: dict[str, float] = {}
    our_url = environment.rasa_url
    bare_url = f"http://127.0.0.1:{bare_port}"
    try:
        bare = None if args.no_reference else bare_model()
        # One server starts at a time: each cold start has the machine to itself.
        processes.start_all(commands, env)
        cold["ours"] = cold_start(
            processes,
            [("actions", environment.action_health_url), ("rasa", our_url + "/")],
            our_url,
            Turn("Bonjour", "assistant My Sis ID"),
        )
        print(f"Cold start, ours: {cold['ours']:.1f} s", flush=True)
        if bare is not None:
            bare_env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
            processes.start(
                "bare", rasa_command(bare, bare_port, credentials, None), bare_env, BARE_DIR
            )
            cold["bare"] = cold_start(
                processes, [("bare", bare_url + "/")], bare_url, Turn("hello", "how are you")
            )
            print(f"Cold start, bare: {cold['bare']:.1f} s", flush=True)

        ours = {"rasa": processes.pid("rasa"), "actions": processes.pid("actions")}
        # Warm-up: the first messages through each model build its TensorFlow graphs.
        warm = asyncio.run(
            run_conversations(our_url, our_conversations(database_url, 4), 1, label="warm")
        )
        if warm.errors:
            print("Warm-up errors (our assistant):", *warm.errors[:5], sep="\n  ")
        if bare is not None:
            asyncio.run(run_conversations(bare_url, moodbot_conversations(2), 1, label="warm"))
        if args.long_conversations:
            long_runs["ours"] = asyncio.run(
                run_conversations(
                    our_url,
                    [long_registration_fr() for _ in range(args.long_conversations)],
                    1,
                    label="ours",
                    pids=list(ours.values()),
                )
            )
            print(f"Per-message cost, ours: {growth([long_runs['ours']])}", flush=True)
            if bare is not None:
                long_runs["bare"] = asyncio.run(
                    run_conversations(
                        bare_url,
                        [long_moodbot() for _ in range(args.long_conversations)],
                        1,
                        label="bare",
                        pids=[processes.pid("bare")],
                    )
                )
                print(f"Per-message cost, bare: {growth([long_runs['bare']])}", flush=True)
        for level in levels:
            count = max(level, args.min_conversations)
            conversations = our_conversations(database_url, count)
            with RssSampler(ours) as sampler, Profiler(args.profile, f"ours-c{level}", ours):
                result = asyncio.run(run_conversations(our_url, conversations, level, label="ours"))
            result.peak_rss_mb = sampler.peaks
            results.append(result)
            print(_table([result]).splitlines()[-1], flush=True)
            if bare is not None:
                watched = {"rasa": processes.pid("bare")}
                with (
                    RssSampler(watched) as sampler,
                    Profiler(args.profile, f"bare-c{level}", watched),
                ):
                    result = asyncio.run(
                        run_conversations(
                            bare_url, moodbot_conversations(count), level, label="bare"
                        )
                    )
                result.peak_rss_mb = sampler.peaks
                results.append(result)
                print(_table([result]).splitlines()[-1], flush=True)
    finally:
        processes.stop()
        smtp.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"Load average after: {_load()} ({os.cpu_count()} cores)")
    print(_table(results))
    summary: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "load_average_after": _load(),
        "cold_start_s": {k: round(v, 1) for k, v in cold.items()},
        "per_message_cost": {label: growth([run]) for label, run in long_runs.items()},
        "runs": [r.as_dict() for r in results],
        "ratios": {},
    }
    ok = not any(run.errors for run in long_runs.values())
    for label, run in long_runs.items():
        if run.errors:
            print(f"\nErrors in the long conversations ({label}):", *run.errors[:5], sep="\n  ")
    print()
    targets = {"p95": 1.3, "messages_per_s": 1.0, "peak_rss_rasa": 1.2, "cold_start": 1.2}
    header = f"{'conc':>4}  {'p50':>5} {'p95':>5} {'msg/s':>6} {'RSS':>5} {'cold':>5}"
    print("Ratios ours/bare (targets: p95 <= 1.3, msg/s >= 1.0, RSS <= 1.2, cold start <= 1.2)")
    print(header)
    cold_ratio = _ratio(cold.get("ours", math.nan), cold.get("bare", math.nan))
    for level in levels:
        mine = next((r for r in results if r.label == "ours" and r.concurrency == level), None)
        ref = next((r for r in results if r.label == "bare" and r.concurrency == level), None)
        if mine and mine.errors:
            ok = False
            print(f"\nErrors at concurrency {level}:", *mine.errors[:10], sep="\n  ")
        if not (mine and ref and ref.latencies and mine.latencies):
            continue
        ratios = {
            "p50": _ratio(mine.percentile(50), ref.percentile(50)),
            "p95": _ratio(mine.percentile(95), ref.percentile(95)),
            "messages_per_s": _ratio(mine.throughput, ref.throughput),
            "peak_rss_rasa": _ratio(
                mine.peak_rss_mb.get("rasa", math.nan), ref.peak_rss_mb.get("rasa", math.nan)
            ),
            "cold_start": cold_ratio,
        }
        missed = [
            name
            for name, target in targets.items()
            if ratios[name] is not None
            and (ratios[name] < target if name == "messages_per_s" else ratios[name] > target)
        ]
        if mine.errors:  # timed-out answers are not latencies to compare
            verdict = f"not comparable: {len(mine.errors)} errors"
        else:
            verdict = "targets met" if not missed else "MISSED: " + ", ".join(missed)
        ratios["verdict"] = verdict
        summary["ratios"][level] = ratios
        shown = " ".join(
            f"{ratios[k]:>{w}.2f}" if ratios[k] is not None else f"{'-':>{w}}"
            for k, w in (
                ("p50", 5),
                ("p95", 5),
                ("messages_per_s", 6),
                ("peak_rss_rasa", 5),
                ("cold_start", 5),
            )
        )
        print(f"{level:>4}  {shown}  {verdict}")
    for label, figures in summary["per_message_cost"].items():
        first, last = GROWTH_MESSAGES
        if first in figures and last in figures:
            print(
                f"Per-message cost, {label}: message {first} {figures[first]['latency_ms']:.0f} ms"
                f" ({figures[first]['cpu_ms']:.0f} ms CPU), message {last} "
                f"{figures[last]['latency_ms']:.0f} ms ({figures[last]['cpu_ms']:.0f} ms CPU): "
                f"x{figures[f'latency_ms_ratio_{last}_{first}']} latency, "
                f"x{figures[f'cpu_ms_ratio_{last}_{first}']} CPU"
            )
    for result in results:
        if result.label == "ours":
            steps = ", ".join(f"{k} {v * 1000:.0f}" for k, v in result.slowest_steps(4))
            print(f"Slowest steps at concurrency {result.concurrency} (mean ms): {steps}")
            if result.password_checks:
                print(
                    f"  password checks of the masked field (the web app's Argon2id, not a "
                    f"message): {len(result.password_checks)}, p50 "
                    f"{_percentile(result.password_checks, 50):.0f} ms, p95 "
                    f"{_percentile(result.password_checks, 95):.0f} ms"
                )
    print(f"Activation mails received by the SMTP server: {len(smtp.inbox.messages)}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = args.json or BENCH_DIR / "last-run.json"
    target.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"Figures written to {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
