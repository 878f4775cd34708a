"""Several Rasa replicas share one Redis lock store: tickets must never be issued twice.

A real redis-server on loopback (Debian package; `make test` and `make scale-test` install it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from rasa_ext.lock_store import AtomicRedisLockStore
from tests.factories import free_port

REDIS = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
)


@pytest.fixture
def redis_port(tmp_path) -> Iterator[int]:
    if REDIS is None:
        pytest.fail("redis-server is missing: `make test` installs it with apt-get")
    port = free_port()
    command = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*command, "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def issue_concurrently(store_class: type[RedisLockStore], port: int) -> list[int]:
    """8 'replicas' (own store, own connection) issue 25 tickets each for one conversation."""
    stores = [store_class(host="127.0.0.1", port=port, key_prefix="t") for _ in range(8)]
    start = threading.Barrier(len(stores))
    tickets: list[int] = []

    def replica(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(25):
            tickets.append(store.issue_ticket("conversation-1", lock_lifetime=600))

    threads = [threading.Thread(target=replica, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tickets


def test_replicas_never_get_the_same_ticket(redis_port):
    tickets = issue_concurrently(AtomicRedisLockStore, redis_port)
    assert sorted(tickets) == list(range(200))


def test_a_finished_ticket_is_removed_without_losing_one_issued_meanwhile(redis_port):
    first = AtomicRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="t")
    second = AtomicRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="t")
    ticket = first.issue_ticket("c", lock_lifetime=600)
    waiting = second.issue_ticket("c", lock_lifetime=600)
    first.cleanup("c", ticket)
    lock = second.get_lock("c")
    assert lock is not None and not lock.is_locked(waiting)  # the waiting one is served next


def test_rasa_builds_it_from_endpoints_scale_yml(monkeypatch, redis_port):
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", str(redis_port))
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite:///unused.db")
    store = LockStore.create(read_endpoint_config("endpoints.scale.yml", "lock_store"))
    assert isinstance(store, AtomicRedisLockStore)
    assert store.issue_ticket("c") == 0


def test_rasa_s_own_redis_lock_store_does_issue_duplicates(redis_port):
    """Why AtomicRedisLockStore exists: the same race on Rasa's class gives duplicates."""
    tickets = issue_concurrently(RedisLockStore, redis_port)
    assert len(set(tickets)) < len(tickets)
