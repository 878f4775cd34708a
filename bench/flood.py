"""Floods against the chat: how well a second conversation is served while one floods.

`python -m bench.flood`: the real product on loopback (Rasa server, action server, outbox
sender, SMTP) behind the real web app process, as deployed behind its proxy (127.0.0.1 is the
trusted proxy, so each simulated client has its own address in X-Forwarded-For).

A supplier has a short conversation over and over (greeting, start, country, SIREN, restart),
as a person with the widget has it: one message at a time, a second of reading and typing
between an answer and the next message, and, on a 429, the widget's wait (Retry-After) before
sending the same message again. Meanwhile flooders post as fast as they can:

- ``one-conversation``: many connections at once in one conversation (one cookie, one tab);
- ``one-address``: a new session for every message, all from one address;
- ``many-addresses``: each flooder its own address and session (what only nginx's limits and
  capacity can answer: reported, not claimed).

Each flood runs with the web app's limits (the product's defaults) and without them (limits
so high they never apply), after a baseline without flood. Printed: the supplier's messages
(sent, answered with HTTP 200, how many 429s it met) and the time from sending a message to
its answer, waits included (p50/p95); the flood's requests, how many were refused (429) and how
many reached Rasa. Figures, not assertions (tests/security/ asserts).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from tests.factories import (
    SESSION_SECRET,
    Processes,
    SmtpServer,
    StackEnvironment,
    free_port,
)

SUPPLIER_TURNS = ["bonjour", "je voudrais créer mon compte", "France", "732 829 320", "/restart"]
THINK_SECONDS = 1.0  # reading the answer and typing the next message: a fast person
_SUPPLIER_ADDRESSES = iter(range(10, 250))
_ATTACKER_NETWORKS = iter(range(1, 250))
NO_LIMITS = {
    "RATE_LIMIT_CONVERSATION": "1000000 per second",
    "RATE_LIMIT_ADDRESS": "1000000 per second",
    "SESSION_MESSAGE_CAP": "100000000",
}


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    refused: int = 0  # 429
    failed: int = 0  # anything else
    latencies: list[float] = field(default_factory=list)

    def count(self, status: int, seconds: float) -> None:
        self.sent += 1
        if status == 200:
            self.answered += 1
            self.latencies.append(seconds)
        elif status == 429:
            self.refused += 1
        else:
            self.failed += 1

    def percentile(self, p: int) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


class Browser:
    def __init__(self, url: str, address: str) -> None:
        self.url, self.address = url, address
        self.thread = os.urandom(16).hex()
        self.retry_after = 1
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def say(self, text: str) -> tuple[int, float]:
        body = {"message": text, "metadata": {"language": "fr"}, "thread": self.thread}
        started = time.perf_counter()
        try:
            async with self.session.post(
                self.url + "/webhooks/rest/webhook",
                json=body,
                headers={"X-Forwarded-For": self.address},
            ) as response:
                await response.read()
                self.retry_after = int(response.headers.get("Retry-After") or 1)
                return response.status, time.perf_counter() - started
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return 0, time.perf_counter() - started

    async def close(self) -> None:
        await self.session.close()


async def _supplier(url: str, until: float, tally: Tally, address: str) -> None:
    browser = Browser(url, address)
    try:
        while time.monotonic() < until:
            browser.thread = os.urandom(16).hex()  # a new conversation each time round
            for text in SUPPLIER_TURNS:
                if time.monotonic() >= until:
                    break
                started = time.perf_counter()
                status, _ = await browser.say(text)
                while status == 429 and time.monotonic() < until:  # the widget's wait
                    tally.refused += 1
                    await asyncio.sleep(browser.retry_after)
                    status, _ = await browser.say(text)
                tally.sent += 1
                if status == 200:
                    tally.answered += 1
                    tally.latencies.append(time.perf_counter() - started)
                elif status != 429:
                    tally.failed += 1
                await asyncio.sleep(THINK_SECONDS)
    finally:
        await browser.close()


async def _flood(url: str, kind: str, flooders: int, until: float, tally: Tally) -> None:
    """``flooders`` tasks posting as fast as they can, from addresses no earlier phase used."""
    phase = next(_ATTACKER_NETWORKS)
    shared = Browser(url, f"10.{phase}.0.1")
    if kind == "one-conversation":
        await shared.say("bonjour")  # the session's cookie first, as a browser has it

    async def flooder(index: int) -> None:
        if kind == "one-conversation":
            browser = shared  # one cookie, one tab: one conversation
        else:
            address = f"10.{phase}.{index}.1" if kind == "many-addresses" else shared.address
            browser = Browser(url, address)
        try:
            while time.monotonic() < until:
                if kind != "one-conversation":  # a new session for every message
                    browser.session.cookie_jar.clear()
                    browser.thread = os.urandom(16).hex()
                status, seconds = await browser.say("spam spam spam")
                tally.count(status, seconds)
        finally:
            if browser is not shared:
                await browser.close()

    try:
        await asyncio.gather(*(flooder(n) for n in range(flooders)))
    finally:
        await shared.close()


async def _run(url: str, kind: str | None, flooders: int, seconds: float) -> tuple[Tally, Tally]:
    until = time.monotonic() + seconds
    supplier, flood = Tally(), Tally()
    # A new address each phase: the counters of the previous phase do not follow the supplier.
    tasks = [_supplier(url, until, supplier, f"192.0.2.{next(_SUPPLIER_ADDRESSES)}")]
    if kind:
        tasks.append(_flood(url, kind, flooders, until, flood))
    await asyncio.gather(*tasks)
    return supplier, flood


def _start_web(processes: Processes, env: dict[str, str], port: int, **extra: str) -> str:
    url = f"http://127.0.0.1:{port}"
    # The public site is this plain-HTTP address: its session cookie is then not Secure, and
    # the clients here send it back.
    settings = {"WEB_PORT": str(port), "PUBLIC_BASE_URL": url, **extra}
    processes.start("web", [sys.executable, "-m", "bot.web"], {**env, **settings})
    processes.wait("web", url + "/healthz", timeout=120)
    return url


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30, help="per phase (default 30)")
    parser.add_argument("--flooders", type=int, default=20, help="concurrent flooders (20)")
    parser.add_argument(
        "--kinds", default="one-conversation,one-address,many-addresses", help="floods to run"
    )
    args = parser.parse_args(argv)

    from bot import db
    from bot.launcher import server_commands
    from tests.e2e.conftest import newest_model

    work = Path(tempfile.mkdtemp(prefix="bench-flood-"))
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(f"Load average before start: {_load()}; work dir {work}")
    smtp = SmtpServer()
    smtp.start()
    environment = StackEnvironment(work, smtp_port=smtp.port)
    db.upgrade(environment.database_url)
    env = {
        **environment.env(),
        "RASA_URL": environment.rasa_url,
        "SESSION_SECRET": SESSION_SECRET,
        "TERMS_URL": "https://help.example.test/conditions-generales",
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    env.pop("DEVELOPMENT", None)
    processes = Processes(work)
    rows = []
    try:
        processes.start_all(
            server_commands(environment.action_port, environment.rasa_port, newest_model()),
            env,
        )
        processes.wait_for_stack(environment, timeout=900)
        kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
        for limits in ("on", "off"):
            url = _start_web(processes, env, free_port(), **({} if limits == "on" else NO_LIMITS))
            asyncio.run(_run(url, None, 0, 5))  # warm-up
            phases = [None, *kinds] if limits == "on" else kinds
            for kind in phases:
                supplier, flood = asyncio.run(_run(url, kind, args.flooders, args.seconds))
                rows.append((limits, kind or "none (baseline)", supplier, flood, _load()))
                print(f"  done: limits {limits}, flood {kind or 'none'}", flush=True)
            processes.stop_one("web")
    finally:
        processes.stop()
        smtp.stop()
        db.dispose_engines()

    print(f"\n{args.flooders} flooders, {args.seconds:.0f} s per phase; the supplier sends one")
    print(f"message at a time, {THINK_SECONDS:g} s after each answer (5-turn conversation,")
    print("repeated). Supplier's times in ms, from sending to the answer, 429 waits included.\n")
    header = (
        f"{'limits':<6} {'flood':<16} {'sup sent':>8} {'answered':>8} {'its 429':>7} "
        f"{'p50':>6} {'p95':>6} {'flood req':>9} {'429':>7} {'to Rasa':>7} {'Rasa/s':>6}  load"
    )
    print(header)
    print("-" * len(header))
    for limits, kind, supplier, flood, load in rows:
        print(
            f"{limits:<6} {kind:<16} {supplier.sent:>8} {supplier.answered:>8} "
            f"{supplier.refused:>7} "
            f"{supplier.percentile(50):>6.0f} {supplier.percentile(95):>6.0f} "
            f"{flood.sent:>9} {flood.refused:>7} {flood.answered:>7} "
            f"{flood.answered / args.seconds:>6.1f}  {load}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
