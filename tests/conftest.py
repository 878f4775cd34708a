"""Shared fixtures: a fresh migrated SQLite database, a real SMTP server on loopback, and the
domain as a Rasa ``Domain``."""

from __future__ import annotations

import copy
import functools
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot import db
from bot.responses import load_domain
from bot.settings import reset_settings
from tests.factories import SmtpServer, free_port

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain


@functools.cache
def rasa_domain() -> Domain:
    """The domain as Rasa builds it (``bot.responses.load_domain``), as a Rasa ``Domain``: for
    the tests that hand it to Rasa (tracker stores, slot extraction, response rendering)."""
    # Imported here: Rasa takes seconds to import and most tests never need it.
    from rasa.shared.core.domain import Domain

    with warnings.catch_warnings():  # Rasa warns about slot auto-fill for any domain with slots
        warnings.filterwarnings("ignore", "Slot auto-fill has been removed", UserWarning)
        return Domain.from_dict(copy.deepcopy(load_domain()))


@pytest.fixture
def database(tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated database in a temporary file, configured as DATABASE_URL."""
    yield from use_database(f"sqlite:///{tmp_path / 'onboarding.db'}", monkeypatch)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster on loopback, for the whole run (tests/postgres.py)."""
    from tests.postgres import start_cluster

    # Not under pytest's tmp_path: that is private to root, whom PostgreSQL refuses to run as.
    with tempfile.TemporaryDirectory(prefix="onboarding-postgres-") as work:
        yield from start_cluster(Path(work))


def use_database(url: str, monkeypatch) -> Iterator[str]:
    """Migrate the database at ``url`` and configure it as DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://help.example.test")
    monkeypatch.delenv("SMTP_HOST", raising=False)
    # Nothing listens there: mail stays in the outbox unless a test starts `smtp_server`.
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SMTP_TIMEOUT", "2")
    reset_settings()
    db.upgrade(url)
    yield url
    db.dispose_engines()
    reset_settings()


@pytest.fixture
def session(database):
    with db.session_scope(database) as session:
        yield session


@pytest.fixture
def smtp_server(database, monkeypatch) -> Iterator[SmtpServer]:
    port = free_port()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    reset_settings()
    server = SmtpServer(port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The real product on free loopback ports (tests/e2e/conftest.py), started once for the
    whole run: tests/e2e and tests/web share it. (A fixture imported into a test module is a
    second fixture, with servers of its own.)"""
    from tests.e2e.conftest import start_servers  # here: that module imports this one

    yield from start_servers(tmp_path_factory)
