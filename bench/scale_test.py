"""Scale-out test (`make scale-test`): 2 Rasa replicas and 2 action servers behind nginx.

What runs, all on loopback, free ports, in a temporary folder removed at the end:
- PostgreSQL (application database, migrated with `python -m bot db upgrade`, and the Rasa
  tracker store), Redis (Rasa lock store), nginx round-robin in front of the Rasa replicas and
  in front of the action servers, two outbox senders, an SMTP server that counts mail.
- The load client of bench/load.py runs scripted registrations and help-centre conversations
  (FR and EN) through nginx, so the turns of one conversation land on both replicas; then a
  burst phase sends two messages of one conversation at the same time (one to each replica),
  which only the shared Redis lock keeps from losing or duplicating events.

Checks: every conversation completes; the turns spread over both replicas (nginx access log);
in the tracker store each conversation has exactly one user event per message sent, in order;
exactly the expected accounts exist; exactly one activation email per account reached SMTP.

PostgreSQL, Redis and nginx come from Debian packages, installed with apt-get when missing
(root); PostgreSQL runs as the `postgres` user because initdb refuses root.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import aiohttp

from bench.load import (
    OUR_MODEL,
    Conversation,
    RssSampler,
    RunResult,
    Turn,
    faq_en,
    faq_fr,
    our_conversations,
    rasa_command,
    run_conversations,
)
from tests.factories import BIN, ROOT, Processes, SmtpServer, StackEnvironment, free_port

DEBIAN_PACKAGES = {"postgresql": "postgresql", "redis-server": "redis-server", "nginx": "nginx"}


class ScaleTestFailure(Exception):
    """A check failed: printed as one paragraph, exit status 1."""


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _which(name: str) -> str | None:
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )


def ensure_debian_packages() -> None:
    """Install PostgreSQL, Redis and nginx with apt-get when missing, without starting them.

    Debian's maintainer scripts would start each service on its default port; a policy-rc.d
    that answers 101 ("action forbidden") keeps them stopped, as in Docker images.
    """
    missing = []
    if _pg_bin() is None:
        missing.append(DEBIAN_PACKAGES["postgresql"])
    if _which("redis-server") is None:
        missing.append(DEBIAN_PACKAGES["redis-server"])
    if _which("nginx") is None:
        missing.append(DEBIAN_PACKAGES["nginx"])
    if not missing:
        return
    if os.geteuid() != 0:
        raise ScaleTestFailure(f"missing Debian packages {missing}: install them as root")
    print(f"Installing {' '.join(missing)} with apt-get...", flush=True)
    policy = Path("/usr/sbin/policy-rc.d")
    ours = not policy.exists()
    if ours:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-qq"]
    try:
        subprocess.run([*apt, "update"], check=True, env=env)  # noqa: S603
        install = [*apt, "install", "-y", "--no-install-recommends", *missing]
        subprocess.run(install, check=True, env=env)  # noqa: S603
    finally:
        if ours:
            policy.unlink(missing_ok=True)


def _wait_tcp(port: int, process: subprocess.Popen, name: str, log: Path, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ScaleTestFailure(f"{name} stopped at start-up:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise ScaleTestFailure(f"{name} did not listen on {port} within {timeout} s")


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {work}/nginx-tmp/body;
    proxy_temp_path {work}/nginx-tmp/proxy;
    fastcgi_temp_path {work}/nginx-tmp/fastcgi;
    uwsgi_temp_path {work}/nginx-tmp/uwsgi;
    scgi_temp_path {work}/nginx-tmp/scgi;
    # Which replica answered which message: the request body holds the conversation id.
    log_format turns escape=json '{{"upstream":"$upstream_addr","status":"$status",'
                                 '"body":"$request_body"}}';
    # Action calls carry the whole tracker: their bodies are not worth logging.
    log_format calls escape=json '{{"upstream":"$upstream_addr","status":"$status","body":""}}';
    client_body_buffer_size 64k;
    upstream rasa {{ {rasa_servers} }}
    upstream actions {{ {action_servers} }}
    server {{
        listen 127.0.0.1:{rasa_port};
        access_log {work}/rasa-access.log turns;
        location / {{ proxy_pass http://rasa; proxy_read_timeout 120s; }}
    }}
    server {{
        listen 127.0.0.1:{actions_port};
        access_log {work}/actions-access.log calls;
        client_body_buffer_size 1m;
        location / {{ proxy_pass http://actions; proxy_read_timeout 60s; }}
    }}
}}
"""


class Stack:
    """PostgreSQL, Redis, nginx, SMTP and the product's processes, all stopped by close()."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.processes = Processes(work)
        self.database: subprocess.Popen | None = None
        self.smtp: SmtpServer | None = None

    # --- PostgreSQL ---------------------------------------------------------------------------
    def start_postgres(self) -> int:
        pg_bin = _pg_bin()
        assert pg_bin is not None
        data, sockets = self.work / "pg", self.work / "pg-socket"
        data.mkdir()
        sockets.mkdir()
        as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run PostgreSQL as its own user
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sockets, "postgres", "postgres")
            as_postgres = ["runuser", "-u", "postgres", "--"]
        log = self.work / "postgres.log"
        initdb = [str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        subprocess.run(  # noqa: S603
            [*as_postgres, *initdb, "-E", "UTF8", "--no-sync"],
            check=True,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        port = free_port()
        # A throwaway cluster: durability settings off make the test faster, not different.
        command = [str(pg_bin / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets)]
        command += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
        command += ["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.database = subprocess.Popen(  # noqa: S603
            [*as_postgres, *command],
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_tcp(port, self.database, "postgres", log)
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres")
                break
            except psycopg2.OperationalError:  # "the database system is starting up"
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE onboarding")
            cursor.execute("CREATE DATABASE rasa_tracker")
        connection.close()
        return port

    # --- Redis, SMTP, nginx ------------------------------------------------------------------
    def start_redis(self) -> int:
        port = free_port()
        command = [_which("redis-server") or "redis-server", "--port", str(port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.work)]
        self.processes.start("redis", command, dict(os.environ), self.work)
        _wait_tcp(port, self.processes.running["redis"], "redis", self.work / "redis.log")
        return port

    def start_smtp(self) -> int:
        self.smtp = SmtpServer()
        self.smtp.start()
        return self.smtp.port

    def start_nginx(self, rasa_ports: list[int], action_ports: list[int]) -> tuple[int, int]:
        rasa_port, actions_port = free_port(), free_port()
        (self.work / "nginx-tmp").mkdir()
        (self.work / "nginx-tmp").chmod(0o777)  # workers run as nobody when started by root
        conf = self.work / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                work=self.work,
                rasa_port=rasa_port,
                actions_port=actions_port,
                rasa_servers=" ".join(f"server 127.0.0.1:{p};" for p in rasa_ports),
                action_servers=" ".join(f"server 127.0.0.1:{p};" for p in action_ports),
            )
        )
        nginx = _which("nginx") or "nginx"
        command = [nginx, "-c", str(conf), "-p", str(self.work), "-e", str(self.work / "ng.log")]
        self.processes.start("nginx", command, dict(os.environ), self.work)
        _wait_tcp(rasa_port, self.processes.running["nginx"], "nginx", self.work / "nginx.log")
        return rasa_port, actions_port

    def recipients(self) -> Counter:
        """How many mails the SMTP server received for each address."""
        return Counter(str(m["To"]) for m in self.smtp.inbox.messages) if self.smtp else Counter()

    def close(self) -> None:
        self.processes.stop()
        if self.smtp is not None:
            self.smtp.stop()
        if self.database is not None and self.database.poll() is None:
            # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients.
            os.killpg(self.database.pid, signal.SIGINT)
            try:
                self.database.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.database.pid, signal.SIGKILL)
                self.database.wait()


# --- the burst phase: two messages of one conversation at the same time --------------------------


async def burst(base_url: str, count: int, result: RunResult) -> None:
    """Each conversation greets, then asks two questions at once (nginx sends one per replica).

    Rasa takes a conversation's lock before loading its tracker; with the lock in Redis the
    second message waits for the first on the other replica instead of working on a stale
    tracker, so both are answered and both are stored once.
    """
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    pair = [
        Turn("c'est quoi un SIREN", "9 chiffres"),
        Turn("où trouver le code d'invitation ?", "email d'invitation"),
    ]

    async def send(http: aiohttp.ClientSession, sender: str, turn: Turn) -> bool:
        body = {"sender": sender, "message": turn.text, "metadata": {"language": "fr"}}
        started = time.perf_counter()
        try:
            async with http.post(url, json=body, timeout=aiohttp.ClientTimeout(120)) as response:
                replies = await response.json() if response.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            result.errors.append(f"burst {sender[:8]}: {type(error).__name__}")
            return False
        result.latencies.append(time.perf_counter() - started)
        text = " ".join(str(r.get("text", "")) for r in replies or [])
        if turn.expect.lower() not in text.lower():
            result.errors.append(f"burst {sender[:8]} {turn.text!r}: got {text[:150]!r}")
            return False
        return True

    async def one(http: aiohttp.ClientSession, sender: str) -> None:
        result.sent[sender] = ["Bonjour"]
        if not await send(http, sender, Turn("Bonjour", "assistant My Sis ID")):
            return
        result.sent[sender] += [t.text for t in pair]
        answered = await asyncio.gather(*(send(http, sender, t) for t in pair))
        if all(answered):
            result.completed.append(sender)

    async with aiohttp.ClientSession() as http:
        started = time.perf_counter()
        await asyncio.gather(
            *(one(http, f"burst-{i:03d}-{os.urandom(4).hex()}") for i in range(count))
        )
        result.wall_seconds = time.perf_counter() - started


# --- checks ------------------------------------------------------------------------------------


def replicas_per_conversation(access_log: Path) -> tuple[dict[str, set[str]], Counter]:
    """From nginx's log: which replicas served each conversation, and requests per replica."""
    spread: dict[str, set[str]] = defaultdict(set)
    per_replica: Counter = Counter()
    for line in access_log.read_text().splitlines():
        entry = json.loads(line)
        per_replica[entry["upstream"]] += 1
        if entry["body"]:
            spread[json.loads(entry["body"]).get("sender")].add(entry["upstream"])
    return spread, per_replica


def check_tracker_events(
    tracker_url: str, conversations: list[Conversation], sent: dict[str, list[str]]
) -> list[str]:
    """One user event per message sent, in order, none lost, none duplicated.

    Passwords and invitation codes must be stored redacted (the product's tracker store):
    their text must not appear in any event. For burst conversations the two simultaneous
    messages may be stored in either order.
    """
    from sqlalchemy import create_engine, text

    secrets = {c.sender: {i for i, t in enumerate(c.turns) if t.secret} for c in conversations}
    secret_texts = {t.text for c in conversations for t in c.turns if t.secret}
    engine = create_engine(tracker_url, future=True)
    stored: dict[str, list[str]] = defaultdict(list)
    duplicates = 0
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, type_name, timestamp, data FROM events ORDER BY id")
        ).all()
    engine.dispose()
    seen: set[tuple] = set()
    leaked = 0
    for sender_id, type_name, timestamp, data in rows:
        leaked += any(secret in data for secret in secret_texts)
        key = (sender_id, type_name, timestamp, data)
        duplicates += key in seen
        seen.add(key)
        if type_name == "user":
            stored[sender_id].append(json.loads(data).get("text"))
    problems = []
    if duplicates:
        problems.append(f"{duplicates} duplicated events in the tracker store")
    if leaked:
        problems.append(f"{leaked} events hold a password or an invitation code unredacted")
    for sender, texts in sent.items():
        got = stored.get(sender, [])
        if len(got) != len(texts):
            problems.append(f"{sender[:12]}: {len(texts)} messages sent, {len(got)} user events")
            continue
        if sender.startswith("burst-"):
            if got[0] != texts[0] or sorted(got[1:]) != sorted(texts[1:]):
                problems.append(f"{sender[:12]}: stored {got!r}, sent {texts!r}")
            continue
        for index, (expected, actual) in enumerate(zip(texts, got, strict=True)):
            if index not in secrets.get(sender, set()) and expected != actual:
                problems.append(
                    f"{sender[:12]} message {index + 1}: sent {expected!r}, stored {actual!r}"
                )
                break
    return problems


def wait_for_mails(stack: Stack, expected: Counter, settle: float, timeout: float = 120) -> Counter:
    """Wait until every expected mail arrived, then a little more to catch late duplicates."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = stack.recipients()
        if all(received[address] >= n for address, n in expected.items()):
            break
        time.sleep(0.5)
    time.sleep(settle)
    return stack.recipients()


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ensure_debian_packages()
    timings["install"] = time.perf_counter() - t0

    work = Path(tempfile.mkdtemp(prefix="scale-test-"))
    work.chmod(0o755)  # PostgreSQL runs as postgres and must reach its folder
    stack = Stack(work)
    report: dict = {"work_dir": str(work)}
    try:
        t = time.perf_counter()
        pg_port = stack.start_postgres()
        redis_port = stack.start_redis()
        smtp_port = stack.start_smtp()
        database_url = f"postgresql://postgres@127.0.0.1:{pg_port}/onboarding"
        tracker_url = f"postgresql://postgres@127.0.0.1:{pg_port}/rasa_tracker"
        environment = StackEnvironment(
            work,
            smtp_port=smtp_port,
            database_url=database_url,
            tracker_store_url=tracker_url,
            extra={
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": str(redis_port),
                # The polite "try again" after 30 s is the fault tests' business; here a
                # message slowed down by a busy machine must still be processed, to check
                # its events.
                "MESSAGE_TIMEOUT": "120",
            },
        )
        env = environment.env()
        # The operator's command, on PostgreSQL: the schema comes from the Alembic migrations.
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True
        )
        timings["services"] = time.perf_counter() - t

        t = time.perf_counter()
        action_ports = [free_port(), free_port()]
        rasa_ports = [free_port(), free_port()]
        nginx_rasa, nginx_actions = stack.start_nginx(rasa_ports, action_ports)
        environment.action_port = nginx_actions  # the actions behind nginx
        env = environment.env()
        processes = stack.processes
        for i, port in enumerate(action_ports, 1):
            command = [str(BIN / "rasa"), "run", "actions", "--actions", "actions"]
            processes.start(f"actions{i}", [*command, "--port", str(port)], env, ROOT)
            sender = [str(BIN / "python"), "-m", "bot", "outbox", "flush", "--watch"]
            processes.start(f"outbox{i}", [*sender, "--interval", "1"], env, ROOT)
        for i, port in enumerate(rasa_ports, 1):
            command = rasa_command(
                args.model, port, ROOT / "credentials.yml", ROOT / "endpoints.scale.yml"
            )
            processes.start(f"rasa{i}", command, env, ROOT)
        # Loading a model is CPU-bound: on a busy 2-core machine it takes minutes of wall time.
        for i, port in enumerate(action_ports, 1):
            processes.wait(f"actions{i}", f"http://127.0.0.1:{port}/health", args.start_timeout)
        for i, port in enumerate(rasa_ports, 1):
            processes.wait(f"rasa{i}", f"http://127.0.0.1:{port}/", args.start_timeout)
        report["processes"] = {name: p.pid for name, p in processes.running.items()}

        # Each replica's first message builds its TensorFlow graphs (seconds of CPU): warm
        # both up directly, as a readiness probe would, before the load goes through nginx.
        for port in rasa_ports:
            warm = asyncio.run(
                run_conversations(f"http://127.0.0.1:{port}", [faq_fr(), faq_en()], 2)
            )
            if warm.errors:
                raise ScaleTestFailure(f"replica on port {port} answers wrongly: {warm.errors}")
        timings["replicas_start"] = time.perf_counter() - t

        t = time.perf_counter()
        # Typed passwords: the replicas' conversation logs must hold them masked (the widget's
        # masked field never sends one to the assistant).
        conversations = our_conversations(database_url, args.conversations, typed_passwords=True)
        watched = {name: processes.pid(name) for name in ("rasa1", "rasa2", "actions1", "actions2")}
        base_url = f"http://127.0.0.1:{nginx_rasa}"
        with RssSampler(watched) as sampler:
            result = asyncio.run(
                run_conversations(base_url, conversations, args.concurrency, label="scale")
            )
            bursts = RunResult("burst", 2, args.bursts)
            asyncio.run(burst(base_url, args.bursts, bursts))
        result.peak_rss_mb = sampler.peaks
        timings["load"] = time.perf_counter() - t
        report["load"] = result.as_dict()
        report["burst"] = bursts.as_dict()

        # --- checks ---
        t = time.perf_counter()
        problems: list[str] = []
        if result.errors or len(result.completed) != len(conversations):
            problems.append(
                f"{len(result.completed)}/{len(conversations)} conversations completed; "
                f"errors: {result.errors[:5]}"
            )
        if bursts.errors or len(bursts.completed) != args.bursts:
            problems.append(
                f"burst: {len(bursts.completed)}/{args.bursts} completed; {bursts.errors[:5]}"
            )
        spread, per_replica = replicas_per_conversation(work / "rasa-access.log")
        both = sum(len(spread[c.sender]) == 2 for c in conversations)
        burst_both = sum(len(spread[s]) == 2 for s in bursts.sent)
        report["replicas"] = {
            "requests_per_replica": dict(per_replica),
            "conversations_on_both_replicas": f"{both}/{len(conversations)}",
            "burst_conversations_on_both_replicas": f"{burst_both}/{args.bursts}",
        }
        _, per_action_server = replicas_per_conversation(work / "actions-access.log")
        report["action_servers"] = {"requests_per_server": dict(per_action_server)}
        if both < len(conversations) / 2 or len(per_replica) != 2:
            problems.append(f"turns did not spread over both replicas: {report['replicas']}")
        if len(per_action_server) != 2:
            problems.append(f"action calls did not reach both action servers: {per_action_server}")
        problems += check_tracker_events(tracker_url, conversations, {**result.sent, **bursts.sent})

        from sqlalchemy import create_engine, text

        registered = Counter(c.email for c in conversations if c.email)
        engine = create_engine(database_url, future=True)
        with engine.connect() as connection:
            accounts = Counter(connection.scalars(text("SELECT email FROM accounts")).all())
        if accounts != registered:
            problems.append(
                f"accounts: expected {sum(registered.values())}, found {sum(accounts.values())}; "
                f"missing {list(registered - accounts)[:5]}, "
                f"extra {list(accounts - registered)[:5]}"
            )
        received = wait_for_mails(stack, registered, settle=3.0)
        with engine.connect() as connection:
            pending = connection.scalar(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
        engine.dispose()
        if received != registered or pending:
            problems.append(
                f"mails: expected one per account ({sum(registered.values())}), "
                f"received {sum(received.values())}, duplicates "
                f"{[a for a, n in received.items() if n > 1][:5]}, still in outbox {pending}"
            )
        report["accounts"] = sum(accounts.values())
        report["mails"] = sum(received.values())
        timings["checks"] = time.perf_counter() - t
        report["problems"] = problems
        return report
    except BaseException:
        for log in sorted(work.glob("*.log")):
            print(f"--- {log.name} (end) ---\n{log.read_text(errors='replace')[-1500:]}")
        raise
    finally:
        t = time.perf_counter()
        stack.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        timings["stop"] = time.perf_counter() - t
        report["timings_s"] = {k: round(v, 1) for k, v in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_test", description=__doc__)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--bursts", type=int, default=10, help="conversations sending 2 at once")
    parser.add_argument("--model", type=Path, default=OUR_MODEL)
    parser.add_argument("--start-timeout", type=float, default=900, help="seconds per server")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        report = run(args)
    except ScaleTestFailure as error:
        print(f"Scale test could not run: {error}", file=sys.stderr)
        return 1
    report["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if report["problems"]:
        print("SCALE TEST FAILED:", *report["problems"], sep="\n  ", file=sys.stderr)
        return 1
    print(f"Scale test passed in {report['total_s']:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
