"""A throwaway PostgreSQL cluster on loopback for the tests that must hold on it too.

Debian's server binaries (``make postgres`` installs them; bench/scale_test.py starts its
cluster the same way): initdb in a temporary directory, the server on a free 127.0.0.1 port,
stopped at the end of the session. initdb refuses to run as root, so as root the cluster runs
as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    def __init__(self, port: int, process: subprocess.Popen) -> None:
        self.port = port
        self.process = process
        self._databases = 0

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database (one per test: nothing carries over)."""
        import psycopg2

        self._databases += 1
        name = f"test_{self._databases}"
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return self.url(name)


def _connectable(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"postgres stopped at start-up:\n{log.read_text()[-2000:]}")
        try:
            psycopg2.connect(host="127.0.0.1", port=port, user="postgres").close()
            return
        except psycopg2.OperationalError:  # not listening yet, or "starting up"
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def start_cluster(work: Path) -> Iterator[Cluster]:
    binaries = pg_bin()
    if binaries is None:
        reason = "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin): run `make postgres`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # CI must run the PostgreSQL tests, never skip them
        pytest.skip(reason)
    work.chmod(0o755)  # the postgres user must reach its directories
    data, sockets, log = work / "pg", work / "pg-socket", work / "postgres.log"
    data.mkdir()
    sockets.mkdir()
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    with log.open("w") as out:
        subprocess.run(
            [*as_postgres, *initdb, "-E", "UTF8", "--no-sync"],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    port = free_port()
    command = [str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets)]
    # A throwaway cluster: durability off makes it faster, not different for these tests.
    command += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    command += ["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    with log.open("a") as out:
        process = subprocess.Popen(
            [*as_postgres, *command], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _connectable(port, process, log)
        yield Cluster(port, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # "fast" shutdown: does not wait for clients
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
